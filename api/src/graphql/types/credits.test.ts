import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestOrg, createOrgWithKeys } from '../../analytics/test-helpers';
import { type TestDb, openTestDb, testDrivers } from '../../db/testing';
import { type TestApp, createTestApp } from '../../test-helpers';

const GRANT = `mutation($orgId: ID!, $amountUsd: Float!, $note: String) {
  grantCredits(orgId: $orgId, amountUsd: $amountUsd, note: $note) {
    __typename
    ... on GrantCreditsSuccess { balanceUsd ledgerEntry { id kind amountUsd requestId note createdAt } }
    ... on InvalidInput { field }
    ... on Error { message }
  }
}`;

const CREDITS = `query($orgId: ID, $first: Int, $after: String) {
  credits(orgId: $orgId) {
    balanceUsd reservedUsd availableUsd
    ledger(first: $first, after: $after) {
      edges { cursor node { id kind amountUsd note } }
      pageInfo { hasNextPage endCursor }
    }
  }
}`;

describe.each(testDrivers())('credits on %s', (driver) => {
  let t: TestDb;
  let a: TestApp;
  let A: TestOrg;
  let B: TestOrg;

  beforeAll(async () => {
    t = await openTestDb(driver);
    a = await createTestApp(t);
    A = await createOrgWithKeys(a, 'Org A');
    B = await createOrgWithKeys(a, 'Org B');
  });
  afterAll(() => t.cleanup());

  it('the instance admin grants credit in exact micro-USD, ledgered and audited', async () => {
    const res = await a.gql(GRANT, { orgId: A.orgId, amountUsd: 12.345678, note: 'welcome' });
    expect(res.data.grantCredits).toMatchObject({
      __typename: 'GrantCreditsSuccess',
      balanceUsd: 12.345678,
      ledgerEntry: { kind: 'GRANT', amountUsd: 12.345678, requestId: null, note: 'welcome' },
    });
    await a.gql(GRANT, { orgId: A.orgId, amountUsd: 0.000001 });
    const [org] = await t.handle.exec('select balance_micro::text as b from organizations where id = $1', [
      A.orgId,
    ]);
    expect(org!.b).toBe('12345679');
    const audits = await t.handle.exec(
      `select action, details->>'amountMicro' as amount from audit_log where org_id = $1 and action = 'credits.grant' order by id`,
      [A.orgId],
    );
    expect(audits).toEqual([
      { action: 'credits.grant', amount: '12345678' },
      { action: 'credits.grant', amount: '1' },
    ]);
  });

  it('refuses amounts that are not positive, have more than 6 decimals or are absurd, saying why', async () => {
    const cases: [number, RegExp][] = [
      [0, /must be more than 0/],
      [-5, /must be more than 0/],
      [0.0000001, /at most 6 decimals/],
      [0.1 + 0.2, /at most 6 decimals/],
      [1e10, /at most 1000000000 USD/],
    ];
    for (const [amountUsd, message] of cases) {
      const res = await a.gql(GRANT, { orgId: A.orgId, amountUsd });
      expect(res.data.grantCredits.__typename).toBe('InvalidInput');
      expect(res.data.grantCredits.field).toBe('amountUsd');
      expect(res.data.grantCredits.message).toMatch(message);
    }
    const missing = await a.gql(GRANT, { orgId: 'org_nope', amountUsd: 1 });
    expect(missing.data.grantCredits).toEqual({
      __typename: 'NotFound',
      message: 'no organisation org_nope',
    });
  });

  it('only the instance admin grants: an organisation admin gets Forbidden, even for itself', async () => {
    for (const key of [A.adminKey, A.readKey]) {
      const res = await a.gql(GRANT, { orgId: A.orgId, amountUsd: 5 }, key);
      expect(res.data.grantCredits.__typename).toBe('Forbidden');
    }
  });

  it('credits shows balance and reservations, and pages the ledger newest first', async () => {
    for (const usd of [1, 2, 3]) await a.gql(GRANT, { orgId: B.orgId, amountUsd: usd, note: `n${usd}` });
    const first = await a.gql(CREDITS, { first: 2 }, B.readKey);
    const c = first.data.credits;
    expect(c).toMatchObject({ balanceUsd: 6, reservedUsd: 0, availableUsd: 6 });
    expect(c.ledger.edges.map((e: any) => e.node.note)).toEqual(['n3', 'n2']);
    expect(c.ledger.pageInfo.hasNextPage).toBe(true);
    const next = await a.gql(CREDITS, { first: 2, after: c.ledger.pageInfo.endCursor }, B.readKey);
    expect(next.data.credits.ledger.edges.map((e: any) => e.node.note)).toEqual(['n1']);
    expect(next.data.credits.ledger.pageInfo.hasNextPage).toBe(false);
    const tooMany = await a.gql(CREDITS, { first: 500 }, B.readKey);
    expect(tooMany.errors?.[0]?.message).toMatch(/first must be between 1 and 200/);
  });

  it("isolation: a key of organisation B sees nothing of A's credit, and cannot name A", async () => {
    const mine = await a.gql(CREDITS, { first: 200 }, B.readKey);
    const notes = mine.data.credits.ledger.edges.map((e: any) => e.node.note);
    expect(notes).not.toContain('welcome');
    const cross = await a.gql(CREDITS, { orgId: A.orgId }, B.adminKey);
    expect(cross.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const admin = await a.gql(CREDITS, { orgId: A.orgId });
    expect(admin.data.credits.balanceUsd).toBe(12.345679);
    const unknown = await a.gql(CREDITS, { orgId: 'org_nope' });
    expect(unknown.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
