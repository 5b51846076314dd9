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
  it('UTC by its usual names reads the daily rollup; whole-hour IANA zones are accepted', () => {
    for (const tz of [undefined, null, 'UTC', 'utc', 'Etc/UTC', 'Z', '+00:00'])
      expect(checkTimezone(tz)).toBeNull();
    const spring = [Date.parse('2026-03-01T00:00:00Z'), Date.parse('2026-04-01T00:00:00Z')] as const;
    expect(checkTimezone('Europe/Paris', ...spring)).toBe('Europe/Paris');
    expect(checkTimezone('America/New_York', ...spring)).toBe('America/New_York');
  });

  it('refuses zones whose offset is not whole hours in the range, and names that are no zone', () => {
    const y = [Date.parse('2026-01-01T00:00:00Z'), Date.parse('2027-01-01T00:00:00Z')] as const;
    expect(() => checkTimezone('Asia/Kolkata', ...y)).toThrow(
      /Asia\/Kolkata is \+05:30 from UTC on 2026-01-01, not a whole number of hours/,
    );
    // +10:30 in the southern winter only: refused because the range reaches it.
    expect(() => checkTimezone('Australia/Lord_Howe', ...y)).toThrow(/\+10:30 from UTC/);
    expect(() => checkTimezone('Mars/Olympus_Mons', ...y)).toThrow(/is not an IANA time zone/);
    expect(() => checkTimezone('+01:00', ...y)).toThrow(/is not an IANA time zone/);
  });
});

/** Local-day buckets straight from request rows: what the rollups must reproduce. */
async function sqlDays(t: TestDb, orgId: string, tz: string, from: string, to: string) {
  return (await t.handle.exec(
    `select to_char((created_at at time zone $2)::date, 'YYYY-MM-DD') as day, count(*)::int as requests,
            count(*) filter (where status <> 'ok')::int as errors, sum(charge_micro)::float8 as charge,
            sum(output_tokens)::float8 as output
       from requests where org_id = $1 and created_at >= $3 and created_at < $4 group by 1 order by 1`,
    [orgId, tz, from, to],
  )) as { day: string; requests: number; errors: number; charge: number; output: number }[];
}

describe.each(testDrivers())('local-time usage buckets on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(driver);
    await t.handle.exec(`insert into organizations (id, name) values ('org_tz', 'TZ')`);
    // Around both spring changes (New York 8 March, Paris 29 March 2026) and Paris' autumn one.
    for (const [start, seed] of [
      ['2026-03-05T00:00:00Z', 11],
      ['2026-03-26T00:00:00Z', 12],
      ['2026-10-23T00:00:00Z', 13],
    ] as const)
      await recordAll(
        t.handle.db,
        randomRequests({
          orgId: 'org_tz',
          apiKeyIds: ['k1', 'k2'],
          count: 300,
          start: d(start),
          days: 6,
          seed,
        }),
      );
  });
  afterAll(() => t.cleanup());

  const cases = [
    // Local midnights (aligned), and bounds inside hours (partial edge hours read from rows).
    ['Europe/Paris', '2026-03-26T23:00:00Z', '2026-03-31T22:00:00Z'],
    ['Europe/Paris', '2026-10-23T22:00:00Z', '2026-10-28T23:00:00Z'],
    ['America/New_York', '2026-03-05T05:00:00Z', '2026-03-10T04:00:00Z'],
    ['America/New_York', '2026-03-05T07:17:00Z', '2026-03-09T13:42:30Z'],
    ['UTC', '2026-03-05T00:00:00Z', '2026-03-11T00:00:00Z'],
    ['Europe/Paris', '2026-03-27T08:30:00Z', '2026-03-30T05:59:59Z'],
  ] as const;

  it.each(cases)('%s days over [%s, %s) equal SQL over the request rows', async (tz, from, to) => {
    const buckets = await queryUsage(t.handle.db, {
      orgId: 'org_tz',
      filter: { from: d(from), to: d(to) },
      groupBy: ['day'],
      timezone: tz,
    });
    const expected = await sqlDays(t, 'org_tz', tz, from, to);
    expect(expected.length).toBeGreaterThan(3);
    expect(
      buckets.map((b) => ({
        day: b.day,
        requests: b.requests,
        errors: b.errors,
        charge: b.measures!.chargeMicro,
        output: b.measures!.outputTokens,
      })),
    ).toEqual(expected.map((r) => ({ ...r, charge: Number(r.charge), output: Number(r.output) })));
  });

  it('a daylight-saving day is 23 hours long: the Paris 29 March bucket holds exactly those hours', async () => {
    const [b] = await queryUsage(t.handle.db, {
      orgId: 'org_tz',
      filter: { from: d('2026-03-28T23:00:00Z'), to: d('2026-03-29T22:00:00Z') },
      groupBy: ['day'],
      timezone: 'Europe/Paris',
    });
    const [n] = (await t.handle.exec(
      `select count(*)::int as n from requests where org_id = 'org_tz'
         and created_at >= '2026-03-28T23:00:00Z' and created_at < '2026-03-29T22:00:00Z'`,
    )) as { n: number }[];
    expect(b).toMatchObject({ day: '2026-03-29', requests: n!.n });
  });

  it('local months and weeks come from the hourly rollup too', async () => {
    const months = await queryUsage(t.handle.db, {
      orgId: 'org_tz',
      filter: {},
      groupBy: ['month'],
      timezone: 'America/New_York',
    });
    const expected = await t.handle.exec(
      `select to_char(date_trunc('month', created_at at time zone 'America/New_York'), 'YYYY-MM-DD') as month,
              count(*)::int as requests from requests where org_id = 'org_tz' group by 1 order by 1`,
    );
    expect(months.map((b) => ({ month: b.month, requests: b.requests }))).toEqual(expected);
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
