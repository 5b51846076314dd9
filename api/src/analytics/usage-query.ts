/**
 * Usage buckets for the dashboard and BI tools, in ONE statement.
 *
 * Whole UTC days come from `usage_daily` only (never a scan of `requests`). When `from`/`to` fall
 * inside a day, the partial edge days are read exactly from request rows (at most two partial days,
 * by the (org_id, created_at) index) and merged into the same buckets with UNION ALL, so a "last 24
 * hours" total is exact too.
 *
 * Timezone: buckets are UTC days, weeks (Monday) and months because the rollup is kept per UTC day.
 * A local-time day would straddle two UTC days and could only be answered by scanning every request
 * row of the range, so any other timezone is refused with an error that says so (use `requests` or
 * /export/requests.csv for local-time detail).
 *
 * Status: `usage_daily` counts `requests` and `errors` per row but sums tokens, cost, energy and
 * latency over both. So with a status filter, `requests` becomes the matching count (ok: requests -
 * errors, error: errors), `errors` follows (ok: 0, error: errors), and the other measures are not
 * available (`measures: null`): the rollup cannot split them, and guessing would be wrong.
 */
import { type SQL, inArray, sql } from 'drizzle-orm';
import { type Db, resultRows } from '../db/client';
import { requests, usageDaily } from '../db/schema';
import { AnalyticsError, badInput } from './errors';
import { type AnalyticsFilter, listOrNull, validateFilter } from './filter';

export const USAGE_GROUP_BY = [
  'day',
  'week',
  'month',
  'model',
  'provider',
  'region',
  'country',
  'apiKey',
  'policy',
] as const;
export type UsageGroupBy = (typeof USAGE_GROUP_BY)[number];

/** Sums over the bucket; absent (null on the bucket) when a status filter is set, see above. */
export interface UsageMeasures {
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  reasoningTokens: number;
  /** What the organisation was charged, integer µUSD. */
  chargeMicro: number;
  upstreamCostMicro: number;
  energyWhMin: number;
  energyWhMax: number;
  gco2eMin: number;
  gco2eMax: number;
  latencyMsSum: number;
  /** Response-cache hits, the µUSD they saved, and the original estimates they did not spend. */
  cacheHits: number;
  costSavedMicro: number;
  avoidedEnergyWhMin: number;
  avoidedEnergyWhMax: number;
  avoidedGco2eMin: number;
  avoidedGco2eMax: number;
  /** Requests to /v1/embeddings. */
  embeddingRequests: number;
}

export type UsageBucket = Record<UsageGroupBy, string | null> & {
  requests: number;
  errors: number;
  measures: UsageMeasures | null;
};

export interface UsageQuery {
  orgId: string;
  filter: AnalyticsFilter;
  groupBy: readonly UsageGroupBy[];
  timezone?: string | null;
  /** Refuse answers with more buckets than this (default 10,000). */
  maxBuckets?: number;
}

export const DEFAULT_MAX_BUCKETS = 10_000;
const DAY_MS = 86_400_000;
const UTC_NAMES = new Set(['utc', 'etc/utc', 'gmt', 'etc/gmt', 'z', '+00:00', 'utc+0', 'zulu', 'universal']);

export function checkTimezone(tz: string | null | undefined): void {
  if (tz == null || UTC_NAMES.has(tz.trim().toLowerCase())) return;
  throw badInput(
    'timezone',
    `usage buckets are UTC days: the daily rollup is kept per UTC day, so ${JSON.stringify(tz)} days would need a scan of every request row. Leave timezone out or pass UTC; for local-time detail read requests or /export/requests.csv`,
  );
}

const MEASURE_COLUMNS = [
  ['inputTokens', 'input_tokens'],
  ['outputTokens', 'output_tokens'],
  ['cachedInputTokens', 'cached_input_tokens'],
  ['reasoningTokens', 'reasoning_tokens'],
  ['chargeMicro', 'charge_micro'],
  ['upstreamCostMicro', 'upstream_cost_micro'],
  ['energyWhMin', 'energy_wh_min'],
  ['energyWhMax', 'energy_wh_max'],
  ['gco2eMin', 'gco2e_min'],
  ['gco2eMax', 'gco2e_max'],
  ['latencyMsSum', 'latency_ms_sum'],
  ['cacheHits', 'cache_hits'],
  ['costSavedMicro', 'cost_saved_micro'],
  ['avoidedEnergyWhMin', 'avoided_energy_wh_min'],
  ['avoidedEnergyWhMax', 'avoided_energy_wh_max'],
  ['avoidedGco2eMin', 'avoided_gco2e_min'],
  ['avoidedGco2eMax', 'avoided_gco2e_max'],
  ['embeddingRequests', 'embedding_requests'],
] as const satisfies readonly (readonly [keyof UsageMeasures, string])[];

/** The same dimension read from the rollup and from a request row ('' = none in both). */
const DIMENSIONS: Record<UsageGroupBy, { rollup: SQL; raw: SQL; date: boolean }> = {
  day: {
    rollup: sql`${usageDaily.day}`,
    raw: sql`(${requests.createdAt} at time zone 'UTC')::date`,
    date: true,
  },
  week: {
    rollup: sql`date_trunc('week', ${usageDaily.day}::timestamp)::date`,
    raw: sql`date_trunc('week', ${requests.createdAt} at time zone 'UTC')::date`,
    date: true,
  },
  month: {
    rollup: sql`date_trunc('month', ${usageDaily.day}::timestamp)::date`,
    raw: sql`date_trunc('month', ${requests.createdAt} at time zone 'UTC')::date`,
    date: true,
  },
  model: { rollup: sql`${usageDaily.modelId}`, raw: sql`coalesce(${requests.modelId}, '')`, date: false },
  provider: {
    rollup: sql`${usageDaily.providerId}`,
    raw: sql`coalesce(${requests.providerId}, '')`,
    date: false,
  },
  region: { rollup: sql`${usageDaily.regionId}`, raw: sql`coalesce(${requests.regionId}, '')`, date: false },
  country: { rollup: sql`${usageDaily.country}`, raw: sql`coalesce(${requests.country}, '')`, date: false },
  apiKey: { rollup: sql`${usageDaily.apiKeyId}`, raw: sql`${requests.apiKeyId}`, date: false },
  policy: { rollup: sql`${usageDaily.policyId}`, raw: sql`coalesce(${requests.policyId}, '')`, date: false },
};

/** How [from, to) splits into whole UTC days (rollup) and partial edge ranges (request rows). */
export function splitRange(from: Date | null | undefined, to: Date | null | undefined) {
  const f = from?.getTime() ?? null;
  const t = to?.getTime() ?? null;
  const dayFrom = f === null ? null : Math.ceil(f / DAY_MS) * DAY_MS;
  const dayTo = t === null ? null : Math.floor(t / DAY_MS) * DAY_MS;
  if (f !== null && t !== null && dayFrom! >= dayTo!) {
    return { days: null, raw: [[f, t]] as [number, number][] };
  }
  const raw: [number, number][] = [];
  if (f !== null && f < dayFrom!) raw.push([f, dayFrom!]);
  if (t !== null && dayTo! < t) raw.push([dayTo!, t]);
  return { days: { from: dayFrom, to: dayTo }, raw };
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const isoTs = (ms: number) => new Date(ms).toISOString();

export async function queryUsage(db: Db, q: UsageQuery): Promise<UsageBucket[]> {
  validateFilter(q.filter);
  checkTimezone(q.timezone);
  const groupBy = [...new Set(q.groupBy)];
  const maxBuckets = q.maxBuckets ?? DEFAULT_MAX_BUCKETS;
  const f = q.filter;
  const status = f.status ?? null;
  const lists = {
    models: listOrNull(f.models),
    providers: listOrNull(f.providers),
    regions: listOrNull(f.regions),
    countries: listOrNull(f.countries),
    apiKeys: listOrNull(f.apiKeys),
  };
  const { days, raw } = splitRange(f.from, f.to);
  const branches: SQL[] = [];

  if (days) {
    const where: SQL[] = [sql`${usageDaily.orgId} = ${q.orgId}`];
    if (days.from !== null) where.push(sql`${usageDaily.day} >= ${isoDay(days.from)}::date`);
    if (days.to !== null) where.push(sql`${usageDaily.day} < ${isoDay(days.to)}::date`);
    if (lists.models) where.push(inArray(usageDaily.modelId, lists.models));
    if (lists.providers) where.push(inArray(usageDaily.providerId, lists.providers));
    if (lists.regions) where.push(inArray(usageDaily.regionId, lists.regions));
    if (lists.countries) where.push(inArray(usageDaily.country, lists.countries));
    if (lists.apiKeys) where.push(inArray(usageDaily.apiKeyId, lists.apiKeys));
    if (status === 'ok') where.push(sql`${usageDaily.requests} > ${usageDaily.errors}`);
    if (status === 'error') where.push(sql`${usageDaily.errors} > 0`);
    const counts =
      status === 'ok'
        ? sql`${usageDaily.requests} - ${usageDaily.errors} as r, 0 as e`
        : status === 'error'
          ? sql`${usageDaily.errors} as r, ${usageDaily.errors} as e`
          : sql`${usageDaily.requests} as r, ${usageDaily.errors} as e`;
    const cols = [
      ...groupBy.map((g, i) => sql`${DIMENSIONS[g].rollup} as ${sql.raw(`g${i}`)}`),
      counts,
      ...(status ? [] : MEASURE_COLUMNS.map(([, c]) => sql.raw(`usage_daily.${c} as ${c}`))),
    ];
    branches.push(
      sql`select ${sql.join(cols, sql`, `)} from ${usageDaily} where ${sql.join(where, sql` and `)}`,
    );
  }

  if (raw.length) {
    const where: SQL[] = [
      sql`${requests.orgId} = ${q.orgId}`,
      sql`(${sql.join(
        raw.map(
          ([a, b]) =>
            sql`(${requests.createdAt} >= ${isoTs(a)}::timestamptz and ${requests.createdAt} < ${isoTs(b)}::timestamptz)`,
        ),
        sql` or `,
      )})`,
    ];
    if (lists.models) where.push(inArray(requests.modelId, lists.models));
    if (lists.providers) where.push(inArray(requests.providerId, lists.providers));
    if (lists.regions) where.push(inArray(requests.regionId, lists.regions));
    if (lists.countries) where.push(inArray(requests.country, lists.countries));
    if (lists.apiKeys) where.push(inArray(requests.apiKeyId, lists.apiKeys));
    if (status === 'ok') where.push(sql`${requests.status} = 'ok'`);
    if (status === 'error') where.push(sql`${requests.status} <> 'ok'`);
    // The same sums record.ts adds to the rollup for each row (nulls count as 0).
    const rawMeasure: Record<(typeof MEASURE_COLUMNS)[number][1], SQL> = {
      input_tokens: sql`${requests.inputTokens}`,
      output_tokens: sql`${requests.outputTokens}`,
      cached_input_tokens: sql`${requests.cachedInputTokens}`,
      reasoning_tokens: sql`${requests.reasoningTokens}`,
      charge_micro: sql`${requests.chargeMicro}`,
      upstream_cost_micro: sql`${requests.upstreamCostMicro}`,
      energy_wh_min: sql`coalesce(${requests.energyWhMin}, 0)`,
      energy_wh_max: sql`coalesce(${requests.energyWhMax}, 0)`,
      gco2e_min: sql`coalesce(${requests.gco2eMin}, 0)`,
      gco2e_max: sql`coalesce(${requests.gco2eMax}, 0)`,
      latency_ms_sum: sql`${requests.latencyMs}`,
      cache_hits: sql`${requests.cacheHit}::int`,
      cost_saved_micro: sql`${requests.costSavedMicro}`,
      avoided_energy_wh_min: sql`coalesce(${requests.avoidedEnergyWhMin}, 0)`,
      avoided_energy_wh_max: sql`coalesce(${requests.avoidedEnergyWhMax}, 0)`,
      avoided_gco2e_min: sql`coalesce(${requests.avoidedGco2eMin}, 0)`,
      avoided_gco2e_max: sql`coalesce(${requests.avoidedGco2eMax}, 0)`,
      embedding_requests: sql`case when ${requests.surface} = 'embeddings' then 1 else 0 end`,
    };
    const cols = [
      ...groupBy.map((g, i) => sql`${DIMENSIONS[g].raw} as ${sql.raw(`g${i}`)}`),
      sql`1 as r, (${requests.status} <> 'ok')::int as e`,
      ...(status ? [] : MEASURE_COLUMNS.map(([, c]) => sql`${rawMeasure[c]} as ${sql.raw(c)}`)),
    ];
    branches.push(
      sql`select ${sql.join(cols, sql`, `)} from ${requests} where ${sql.join(where, sql` and `)}`,
    );
  }

  const outer = [
    ...groupBy.map((g, i) =>
      DIMENSIONS[g].date
        ? sql.raw(`to_char(g${i}, 'YYYY-MM-DD') as g${i}`)
        : sql.raw(`nullif(g${i}, '') as g${i}`),
    ),
    sql.raw('coalesce(sum(r), 0)::float8 as requests, coalesce(sum(e), 0)::float8 as errors'),
    // float8 sums: exact for integers below 2^53 (tokens, µUSD, ms) and much faster than numeric.
    ...(status ? [] : MEASURE_COLUMNS.map(([, c]) => sql.raw(`coalesce(sum(${c}::float8), 0) as ${c}`))),
  ];
  // GROUP BY names the subquery's columns; ORDER BY the output ones ('' is null there: none first).
  const keys = groupBy.map((_, i) => `g${i}`).join(', ');
  const order = groupBy.map((_, i) => `g${i} nulls first`).join(', ');
  const query = sql`select ${sql.join(outer, sql`, `)} from (${sql.join(branches, sql` union all `)}) u${
    groupBy.length ? sql.raw(` group by ${keys} order by ${order} limit ${maxBuckets + 1}`) : sql``
  }`;
  const rows = resultRows<Record<string, string | number | null>>(await db.execute(query));
  if (rows.length > maxBuckets)
    throw new AnalyticsError(
      'BAD_USER_INPUT',
      `this would return more than ${maxBuckets} buckets: narrow from/to or the filter, or group by fewer dimensions`,
      'groupBy',
    );
  const keyOf = groupBy.map((g, i) => [g, `g${i}`] as const);
  return rows.map((row) => {
    const bucket: UsageBucket = {
      day: null,
      week: null,
      month: null,
      model: null,
      provider: null,
      region: null,
      country: null,
      apiKey: null,
      policy: null,
      requests: Number(row.requests),
      errors: Number(row.errors),
      measures: status
        ? null
        : {
            inputTokens: Number(row.input_tokens),
            outputTokens: Number(row.output_tokens),
            cachedInputTokens: Number(row.cached_input_tokens),
            reasoningTokens: Number(row.reasoning_tokens),
            chargeMicro: Number(row.charge_micro),
            upstreamCostMicro: Number(row.upstream_cost_micro),
            energyWhMin: Number(row.energy_wh_min),
            energyWhMax: Number(row.energy_wh_max),
            gco2eMin: Number(row.gco2e_min),
            gco2eMax: Number(row.gco2e_max),
            latencyMsSum: Number(row.latency_ms_sum),
            cacheHits: Number(row.cache_hits),
            costSavedMicro: Number(row.cost_saved_micro),
            avoidedEnergyWhMin: Number(row.avoided_energy_wh_min),
            avoidedEnergyWhMax: Number(row.avoided_energy_wh_max),
            avoidedGco2eMin: Number(row.avoided_gco2e_min),
            avoidedGco2eMax: Number(row.avoided_gco2e_max),
            embeddingRequests: Number(row.embedding_requests),
          },
    };
    for (const [g, col] of keyOf) bucket[g] = (row[col] as string | null) ?? null;
    return bucket;
  });
}
