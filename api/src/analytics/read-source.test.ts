import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { type TestApp, createTestApp } from '../test-helpers';
import { type TestOrg, createOrgWithKeys, randomRequests, recordAll } from './test-helpers';

// Without DATABASE_READ_URL every read is on the primary: what was just recorded is read back at once,
// and the lag reported is none. (The replica itself: test/read-replica.test.ts.)
describe.each(testDrivers())('analytics reads without DATABASE_READ_URL on %s', (driver) => {
  let t: TestDb;
  let a: TestApp;
  let A: TestOrg;
  beforeAll(async () => {
    t = await openTestDb(driver);
    a = await createTestApp(t);
    A = await createOrgWithKeys(a, 'Reads');
  });
  afterAll(async () => {
    await a.inference.close();
    await t.cleanup();
  });

  it('reads on the primary and says so, with no lag', async () => {
    expect(t.handle.readDb).toBe(t.handle.db);
    expect(t.handle.separateReads).toBe(false);
    const res = await a.gql('{ analyticsSource { kind lagSeconds } }', {}, A.readKey);
    expect(res.data).toEqual({ analyticsSource: { kind: 'PRIMARY', lagSeconds: 0 } });
  });

  it('shows usage, requests and exports right after they are recorded', async () => {
    const rows = randomRequests({
      orgId: A.orgId,
      apiKeyIds: [A.readKeyId],
      count: 5,
      start: new Date(Date.now() - 3_600_000),
      days: 0.01,
      seed: 7,
    });
    await recordAll(t.handle.db, rows);
    const res = await a.gql('{ usage { requests } requests(first: 10) { nodes { id } } }', {}, A.readKey);
    expect(res.data.usage).toEqual([{ requests: 5 }]);
    expect(res.data.requests.nodes).toHaveLength(5);
    const csv = await a.app.fetch(
      new Request('http://test/export/requests.csv', { headers: { authorization: `Bearer ${A.readKey}` } }),
    );
    expect((await csv.text()).trim().split('\n')).toHaveLength(6);
  });

  it('needs the read scope', async () => {
    const res = await a.gql('{ analyticsSource { kind } }', {}, A.inferenceKey);
    expect(res.errors?.[0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
  });
});
