import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { randomRequests, recordAll } from './test-helpers';
import { checkTimezone, queryUsage, splitRange } from './usage-query';

const d = (s: string) => new Date(s);
const iso = (ms: number) => new Date(ms).toISOString();

describe('splitting [from, to) into rollup days and request-row edges', () => {
  it('aligned bounds read the rollup only', () => {
    const s = splitRange(d('2026-01-01T00:00:00Z'), d('2026-01-31T00:00:00Z'));
    expect(s.raw).toEqual([]);
    expect([iso(s.days!.from!), iso(s.days!.to!)]).toEqual([
      '2026-01-01T00:00:00.000Z',
      '2026-01-31T00:00:00.000Z',
    ]);
  });

  it('bounds inside days read the partial days from request rows', () => {
    const s = splitRange(d('2026-01-01T10:00:00Z'), d('2026-01-03T05:00:00Z'));
    expect([iso(s.days!.from!), iso(s.days!.to!)]).toEqual([
      '2026-01-02T00:00:00.000Z',
      '2026-01-03T00:00:00.000Z',
    ]);
    expect(s.raw.map(([a, b]) => [iso(a), iso(b)])).toEqual([
      ['2026-01-01T10:00:00.000Z', '2026-01-02T00:00:00.000Z'],
      ['2026-01-03T00:00:00.000Z', '2026-01-03T05:00:00.000Z'],
    ]);
  });

  it('a range inside one day, or across one midnight, never reads the rollup', () => {
    expect(splitRange(d('2026-01-01T10:00:00Z'), d('2026-01-01T11:00:00Z')).days).toBeNull();
    const s = splitRange(d('2026-01-01T22:00:00Z'), d('2026-01-02T02:00:00Z'));
    expect(s.days).toBeNull();
    expect(s.raw).toHaveLength(1);
  });

  it('open ends are whole days', () => {
    expect(splitRange(null, null)).toEqual({ days: { from: null, to: null }, raw: [] });
  });
});

describe('timezones', () => {
  it('accepts UTC by its usual names and refuses the rest', () => {
    for (const tz of [undefined, null, 'UTC', 'utc', 'Etc/UTC', 'Z', '+00:00'])
      expect(() => checkTimezone(tz)).not.toThrow();
    for (const tz of ['Europe/Paris', '+01:00', 'America/New_York'])
      expect(() => checkTimezone(tz)).toThrow(/UTC days/);
  });
});

describe.each(testDrivers())('usage query on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(driver);
    await t.handle.exec(`insert into organizations (id, name) values ('org_q', 'Q')`);
    await recordAll(
      t.handle.db,
      randomRequests({
        orgId: 'org_q',
        apiKeyIds: ['k1', 'k2', 'k3'],
        count: 80,
        start: d('2026-05-01T00:00:00Z'),
        days: 20,
        seed: 5,
      }),
    );
  });
  afterAll(() => t.cleanup());

  it('refuses more buckets than the limit, saying how to narrow the question', async () => {
    const q = { orgId: 'org_q', filter: {}, groupBy: ['day', 'apiKey'] as const };
    const all = await queryUsage(t.handle.db, q);
    expect(all.length).toBeGreaterThan(10);
    await expect(queryUsage(t.handle.db, { ...q, maxBuckets: 10 })).rejects.toThrow(
      'this would return more than 10 buckets: narrow from/to or the filter, or group by fewer dimensions',
    );
    expect(await queryUsage(t.handle.db, { ...q, maxBuckets: all.length })).toHaveLength(all.length);
  });

  it('an organisation with no traffic gets one zero bucket for totals and none when grouped', async () => {
    expect(await queryUsage(t.handle.db, { orgId: 'org_none', filter: {}, groupBy: [] })).toEqual([
      expect.objectContaining({ requests: 0, errors: 0, day: null }),
    ]);
    expect(await queryUsage(t.handle.db, { orgId: 'org_none', filter: {}, groupBy: ['day'] })).toEqual([]);
  });
});
