import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestOrg, createOrgWithKeys, randomRequests, recordAll } from '../../analytics/test-helpers';
import { type TestDb, openTestDb, testDrivers } from '../../db/testing';
import { type TestApp, createTestApp } from '../../test-helpers';

const USAGE = `query($filter: UsageFilter, $groupBy: [UsageGroupBy!], $timezone: String) {
  usage(filter: $filter, groupBy: $groupBy, timezone: $timezone) {
    day week month model provider region country apiKey policy
    requests errors inputTokens outputTokens cachedInputTokens reasoningTokens costUsd upstreamCostUsd
    energyWh { min max mid } gco2e { min max mid } gco2ePer1kOutputTokens { min max mid } avgLatencyMs
  }
}`;
const COUNTS = `query($filter: UsageFilter, $groupBy: [UsageGroupBy!], $timezone: String) {
  usage(filter: $filter, groupBy: $groupBy, timezone: $timezone) { day model requests errors }
}`;

const START = new Date('2026-01-20T00:00:00Z');

/** Integers must match exactly; float sums (energy, carbon) to 1e-9 relative, as summation order differs. */
function expectClose(actual: number, expected: number) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

/** The reference: aggregates over request rows, in SQL, with the same bucket keys. */
const REF_SELECT = `count(*)::float8 as requests,
  count(*) filter (where status <> 'ok')::float8 as errors,
  sum(input_tokens)::float8 as input_tokens, sum(output_tokens)::float8 as output_tokens,
  sum(cached_input_tokens)::float8 as cached_input_tokens, sum(reasoning_tokens)::float8 as reasoning_tokens,
  sum(charge_micro)::float8 as charge_micro, sum(upstream_cost_micro)::float8 as upstream_cost_micro,
  sum(coalesce(energy_wh_min, 0))::float8 as energy_wh_min, sum(coalesce(energy_wh_max, 0))::float8 as energy_wh_max,
  sum(coalesce(gco2e_min, 0))::float8 as gco2e_min, sum(coalesce(gco2e_max, 0))::float8 as gco2e_max,
  sum(latency_ms)::float8 as latency_ms_sum`;

function compareBucket(b: any, ref: Record<string, any>) {
  expect(b.requests).toBe(ref.requests);
  expect(b.errors).toBe(ref.errors);
  expect(b.inputTokens).toBe(ref.input_tokens);
  expect(b.outputTokens).toBe(ref.output_tokens);
  expect(b.cachedInputTokens).toBe(ref.cached_input_tokens);
  expect(b.reasoningTokens).toBe(ref.reasoning_tokens);
  expect(Math.round(b.costUsd * 1e6)).toBe(ref.charge_micro);
  expect(Math.round(b.upstreamCostUsd * 1e6)).toBe(ref.upstream_cost_micro);
  expectClose(b.energyWh.min, ref.energy_wh_min);
  expectClose(b.energyWh.max, ref.energy_wh_max);
  expectClose(b.energyWh.mid, (ref.energy_wh_min + ref.energy_wh_max) / 2);
  expectClose(b.gco2e.min, ref.gco2e_min);
  expectClose(b.gco2e.max, ref.gco2e_max);
  if (ref.output_tokens > 0)
    expectClose(b.gco2ePer1kOutputTokens.min, (ref.gco2e_min * 1000) / ref.output_tokens);
  else expect(b.gco2ePer1kOutputTokens).toBeNull();
  expectClose(b.avgLatencyMs, ref.latency_ms_sum / ref.requests);
}

describe.each(testDrivers())('usage analytics on %s', (driver) => {
  let t: TestDb;
  let a: TestApp;
  let A: TestOrg;
  let B: TestOrg;
  const statements: string[] = [];

  beforeAll(async () => {
    t = await openTestDb(driver, { onQuery: (q) => statements.push(q) });
    a = await createTestApp(t);
    A = await createOrgWithKeys(a, 'Org A');
    B = await createOrgWithKeys(a, 'Org B');
    await recordAll(t.handle.db, [
      ...randomRequests({
        orgId: A.orgId,
        apiKeyIds: [A.readKeyId, A.adminKeyId],
        policyIds: ['pol_a1', 'pol_a2'],
        count: 400,
        start: START,
        days: 45,
        seed: 1,
      }),
      ...randomRequests({
        orgId: B.orgId,
        apiKeyIds: [B.readKeyId],
        count: 120,
        start: START,
        days: 45,
        seed: 2,
      }),
    ]);
  });
  afterAll(() => t.cleanup());

  /** Aggregates over request rows grouped by `keys` (returned first, as k0, k1, …). */
  const ref = (where: string, keys: string[] = [], params: unknown[] = []) => {
    const n = keys.map((_, i) => i + 1).join(', ');
    return t.handle.exec(
      `select ${keys.map((k, i) => `${k} as k${i}, `).join('')}${REF_SELECT} from requests where ${where}${
        keys.length ? ` group by ${n} order by ${n}` : ''
      }`,
      params,
    );
  };
  const DAY = `to_char((created_at at time zone 'UTC')::date, 'YYYY-MM-DD')`;

  it('totals agree with the request rows exactly', async () => {
    const res = await a.gql(USAGE, {}, A.readKey);
    expect(res.errors).toBeUndefined();
    expect(res.data.usage).toHaveLength(1);
    const [expected] = await ref('org_id = $1', [], [A.orgId]);
    expect(expected!.requests).toBe(400);
    compareBucket(res.data.usage[0], expected!);
    expect(res.data.usage[0].day).toBeNull();
  });

  it('the per-day series agrees with the request rows exactly, day by day', async () => {
    const res = await a.gql(USAGE, { groupBy: ['DAY'] }, A.readKey);
    const expected = await ref('org_id = $1', [DAY], [A.orgId]);
    expect(res.data.usage.map((b: any) => b.day)).toEqual(expected.map((r) => r.k0));
    for (const [i, b] of res.data.usage.entries()) compareBucket(b, expected[i]!);
  });

  it('groups by day and model, week, month and every other dimension, matching the request rows', async () => {
    const cases: [string[], string[]][] = [
      [
        ['DAY', 'MODEL'],
        [DAY, `coalesce(model_id, '')`],
      ],
      [['WEEK'], [`to_char(date_trunc('week', created_at at time zone 'UTC'), 'YYYY-MM-DD')`]],
      [['MONTH'], [`to_char(date_trunc('month', created_at at time zone 'UTC'), 'YYYY-MM-DD')`]],
      [
        ['PROVIDER', 'REGION', 'COUNTRY', 'API_KEY', 'POLICY'],
        [
          `coalesce(provider_id, '')`,
          `coalesce(region_id, '')`,
          `coalesce(country, '')`,
          'api_key_id',
          `coalesce(policy_id, '')`,
        ],
      ],
    ];
    for (const [groupBy, keys] of cases) {
      const res = await a.gql(USAGE, { groupBy }, A.readKey);
      expect(res.errors).toBeUndefined();
      const expected = await ref('org_id = $1', keys, [A.orgId]);
      expect(res.data.usage).toHaveLength(expected.length);
      const field = {
        DAY: 'day',
        WEEK: 'week',
        MONTH: 'month',
        MODEL: 'model',
        PROVIDER: 'provider',
        REGION: 'region',
        COUNTRY: 'country',
        API_KEY: 'apiKey',
        POLICY: 'policy',
      } as Record<string, string>;
      res.data.usage.forEach((b: any, i: number) => {
        const row = expected[i]!;
        const keyValues = groupBy.map((_, k) => (row[`k${k}`] === '' ? null : row[`k${k}`]));
        expect(groupBy.map((g) => b[field[g]!])).toEqual(keyValues);
        compareBucket(b, row);
      });
    }
  });

  it('weeks start on Monday and months on the 1st', async () => {
    const res = await a.gql(
      COUNTS.replace('day model', 'week month'),
      { groupBy: ['WEEK', 'MONTH'] },
      A.readKey,
    );
    for (const b of res.data.usage) {
      expect(new Date(`${b.week}T00:00:00Z`).getUTCDay()).toBe(1);
      expect(b.month).toMatch(/^\d{4}-\d{2}-01$/);
    }
  });

  it('whole days are answered from usage_daily alone, in one statement', async () => {
    statements.length = 0;
    const res = await a.gql(
      COUNTS,
      { filter: { from: '2026-01-25T00:00:00Z', to: '2026-02-05T00:00:00Z' }, groupBy: ['DAY'] },
      A.readKey,
    );
    expect(res.data.usage).toHaveLength(11);
    const usageSql = statements.filter((s) => s.includes('usage_daily'));
    expect(usageSql).toHaveLength(1);
    expect(usageSql[0]).not.toMatch(/from "requests"/);
  });

  it('from/to inside a day are exact: partial edge days come from request rows', async () => {
    const from = '2026-01-25T13:17:00.000Z';
    const to = '2026-02-03T08:05:30.000Z';
    const res = await a.gql(USAGE, { filter: { from, to }, groupBy: ['DAY'] }, A.readKey);
    const expected = await ref(
      'org_id = $1 and created_at >= $2 and created_at < $3',
      [DAY],
      [A.orgId, from, to],
    );
    expect(res.data.usage.map((b: any) => b.day)).toEqual(expected.map((r) => r.k0));
    for (const [i, b] of res.data.usage.entries()) compareBucket(b, expected[i]!);
    // Within one day, and in totals.
    const inDay = await a.gql(
      USAGE,
      { filter: { from: '2026-01-26T06:00:00Z', to: '2026-01-26T18:00:00Z' } },
      A.readKey,
    );
    const [one] = await ref(
      'org_id = $1 and created_at >= $2 and created_at < $3',
      [],
      [A.orgId, '2026-01-26T06:00:00Z', '2026-01-26T18:00:00Z'],
    );
    expect(inDay.data.usage[0].requests).toBe(one!.requests);
    if (Number(one!.requests) > 0) compareBucket(inDay.data.usage[0], one!);
  });

  it('list filters match the request rows', async () => {
    const filter = { models: ['gpt-4o-mini', 'llama-70b'], countries: ['FR'], apiKeys: [A.readKeyId] };
    const res = await a.gql(USAGE, { filter, groupBy: ['MODEL'] }, A.readKey);
    const expected = await ref(
      `org_id = $1 and model_id in ('gpt-4o-mini', 'llama-70b') and country = 'FR' and api_key_id = $2`,
      ['model_id'],
      [A.orgId, A.readKeyId],
    );
    expect(res.data.usage.map((b: any) => b.model)).toEqual(expected.map((r) => r.k0));
    for (const [i, b] of res.data.usage.entries()) compareBucket(b, expected[i]!);
    const prov = await a.gql(COUNTS, { filter: { providers: ['ovh'], regions: ['ovh-gra'] } }, A.readKey);
    const [p] = await ref(`org_id = $1 and provider_id = 'ovh'`, [], [A.orgId]);
    expect(prov.data.usage[0].requests).toBe(p!.requests);
  });

  it('status ERROR counts the failed requests per day (requests = errors), status OK the rest', async () => {
    const err = await a.gql(COUNTS, { filter: { status: 'ERROR' }, groupBy: ['DAY'] }, A.readKey);
    const expErr = await ref(`org_id = $1 and status <> 'ok'`, [DAY], [A.orgId]);
    expect(err.data.usage.map((b: any) => [b.day, b.requests, b.errors])).toEqual(
      expErr.map((r) => [r.k0, r.requests, r.requests]),
    );
    const ok = await a.gql(COUNTS, { filter: { status: 'OK' }, groupBy: ['DAY'] }, A.readKey);
    const expOk = await ref(`org_id = $1 and status = 'ok'`, [DAY], [A.orgId]);
    expect(ok.data.usage.map((b: any) => [b.day, b.requests, b.errors])).toEqual(
      expOk.map((r) => [r.k0, r.requests, 0]),
    );
    // Sub-day edges with a status stay exact.
    const edge = await a.gql(
      COUNTS,
      { filter: { status: 'ERROR', from: '2026-01-30T12:00:00Z', to: '2026-02-02T12:00:00Z' } },
      A.readKey,
    );
    const [e] = await ref(
      `org_id = $1 and status <> 'ok' and created_at >= $2 and created_at < $3`,
      [],
      [A.orgId, '2026-01-30T12:00:00Z', '2026-02-02T12:00:00Z'],
    );
    expect(edge.data.usage[0].requests).toBe(e!.requests);
  });

  it('with a status filter, token, cost, energy and latency fields are refused with a clear error', async () => {
    const res = await a.gql(USAGE, { filter: { status: 'ERROR' } }, A.readKey);
    expect(res.data?.usage ?? null).toBeNull();
    expect(res.errors?.[0]?.message).toMatch(/with a status filter only requests and errors are available/);
    expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'filter.status' });
  });

  it('buckets are local days of whole-hour zones; a half-hour zone is refused saying why', async () => {
    const utc = await a.gql(COUNTS, { timezone: 'UTC' }, A.readKey);
    expect(utc.data.usage[0].requests).toBe(400);
    const paris = await a.gql(COUNTS, { timezone: 'Europe/Paris', groupBy: ['DAY'] }, A.readKey);
    expect(paris.errors).toBeUndefined();
    expect(paris.data.usage.reduce((n: number, b: { requests: number }) => n + b.requests, 0)).toBe(400);
    const kolkata = await a.gql(COUNTS, { timezone: 'Asia/Kolkata', groupBy: ['DAY'] }, A.readKey);
    expect(kolkata.errors?.[0]?.message).toMatch(
      /Asia\/Kolkata is \+05:30 from UTC on .*not a whole number of hours/,
    );
    expect(kolkata.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'timezone' });
  });

  it('refuses from after to, and needs a key with read scope', async () => {
    const bad = await a.gql(
      COUNTS,
      { filter: { from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z' } },
      A.readKey,
    );
    expect(bad.errors?.[0]?.message).toBe('to must be after from (from is inclusive, to exclusive)');
    const anon = await a.gql(COUNTS, {}, null);
    expect(anon.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const inference = await a.gql(COUNTS, {}, A.inferenceKey);
    expect(inference.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it("isolation: a key of organisation B sees nothing of A's usage, and cannot name A", async () => {
    const res = await a.gql(COUNTS, { groupBy: ['DAY'] }, B.readKey);
    const total = res.data.usage.reduce((s: number, b: any) => s + b.requests, 0);
    expect(total).toBe(120);
    const byKey = await a.gql(
      COUNTS.replace('day model', 'day'),
      { filter: { apiKeys: [A.readKeyId] } },
      B.readKey,
    );
    expect(byKey.data.usage[0].requests).toBe(0);
    const cross = await a.gql(COUNTS, { filter: { orgId: A.orgId } }, B.adminKey);
    expect(cross.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(cross.errors?.[0]?.message).toMatch(/only the instance admin can read another organisation/);
    // The instance admin can.
    const admin = await a.gql(COUNTS, { filter: { orgId: A.orgId } });
    expect(admin.data.usage[0].requests).toBe(400);
  });
});
