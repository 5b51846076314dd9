/**
 * Usage buckets for the dashboard and BI tools, in ONE statement.
 *
 * Whole UTC days come from `usage_daily` only (never a scan of `requests`). When `from`/`to` fall
 * inside a day, the partial edge days are read exactly from request rows (at most two partial days,
 * by the (org_id, created_at) index) and merged into the same buckets with UNION ALL, so a "last 24
 * hours" total is exact too.
 *
 * Timezone: without one (or with UTC) buckets are UTC days, weeks (Monday) and months from
 * `usage_daily`. With an IANA zone, buckets are that zone's local days, weeks and months, summed from
 * `usage_hourly` (whole UTC hours) plus request rows for partial edge hours. A local day is a whole
 * number of UTC hours exactly when the zone's offset is a whole number of hours, so a zone whose
 * offset anywhere in the range is not (Asia/Kolkata +05:30, Asia/Kathmandu +05:45) is refused saying
 * so, as is a name that is not an IANA zone. Daylight-saving days are 23 or 25 hours long and exact.
 *
 * Status: `usage_daily` counts `requests` and `errors` per row but sums tokens, cost, energy and
 * latency over both. So with a status filter, `requests` becomes the matching count (ok: requests -
 * errors, error: errors), `errors` follows (ok: 0, error: errors), and the other measures are not
 * available (`measures: null`): the rollup cannot split them, and guessing would be wrong.
 */
import { type SQL, inArray, sql } from 'drizzle-orm';
import { type Db, resultRows } from '../db/client';
import { requests, usageDaily, usageHourly } from '../db/schema';
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

const HOUR_MS = 3_600_000;

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's offset from UTC at `ms`, in minutes (Europe/Paris in July: 120). */
export function zoneOffsetMinutes(tz: string, ms: number): number {
  let f = offsetFormats.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, timeZoneName: 'longOffset' });
    if (offsetFormats.size > 1000) offsetFormats.clear();
    offsetFormats.set(tz, f);
  }
  const name = f.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const m = /^GMT(?:([+-])(\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(name);
  if (!m) throw new Error(`unexpected offset name ${name}`);
  if (!m[1]) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3]) + Number(m[4] ?? 0) / 60;
  return m[1] === '-' ? -minutes : minutes;
}

/**
 * Checks `tz` for a usage query over [fromMs, toMs) and returns the canonical zone name, or null for
 * UTC (answered from the daily rollup). Offsets are sampled every 6 hours across the range and at
 * both ends: an offset period shorter than that does not exist in the IANA database.
 */
export function checkTimezone(
  tz: string | null | undefined,
  fromMs: number | null = null,
  toMs: number | null = null,
): string | null {
  if (tz == null || UTC_NAMES.has(tz.trim().toLowerCase())) return null;
  // The name as given (ICU would say Asia/Calcutta for Asia/Kolkata); PostgreSQL knows both.
  const zone = tz.trim();
  let resolved: string;
  try {
    // Offsets such as +01:00 are refused: PostgreSQL reads them POSIX-style (sign inverted).
    if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(zone)) throw new RangeError(zone);
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    throw badInput(
      'timezone',
      `${JSON.stringify(tz.slice(0, 64))} is not an IANA time zone; use a name such as Europe/Paris, America/New_York or UTC`,
    );
  }
  if (resolved === 'UTC' || resolved === 'Etc/UTC') return null;
  const now = Date.now();
  const to = toMs ?? now + DAY_MS;
  const from = fromMs ?? Math.min(to, now) - 400 * DAY_MS;
  const step = Math.max(6 * HOUR_MS, Math.ceil((to - from) / 20_000));
  for (let t = from; ; t = Math.min(t + step, to - 1)) {
    const off = zoneOffsetMinutes(zone, t);
    if (off % 60 !== 0) {
      const sign = off < 0 ? '-' : '+';
      const a = Math.abs(off);
      const shown = `${sign}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(Math.round(a % 60)).padStart(2, '0')}`;
      throw badInput(
        'timezone',
        `${zone} is ${shown} from UTC on ${new Date(t).toISOString().slice(0, 10)}, not a whole number of hours: usage is rolled up per UTC hour, so its local days cannot be summed exactly. Use a zone with a whole-hour offset or UTC, or read requests / /export/requests.csv for local-time detail`,
      );
    }
    if (t >= to - 1) break;
  }
  return zone;
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

type Dimension = { rollup: SQL; raw: SQL; date: boolean };

/**
 * The same dimension read from the rollup and from a request row ('' = none in both): UTC days from
 * usage_daily when `tz` is null, else local days of `tz` from usage_hourly.
 */
function dimensions(tz: string | null): Record<UsageGroupBy, Dimension> {
  const R = tz ? usageHourly : usageDaily;
  const at = (col: SQL) => (tz ? sql`(${col} at time zone ${tz})` : sql`(${col} at time zone 'UTC')`);
  const rollupDay = tz ? sql`${at(sql`${usageHourly.hour}`)}::date` : sql`${usageDaily.day}`;
  return {
    day: { rollup: rollupDay, raw: sql`${at(sql`${requests.createdAt}`)}::date`, date: true },
    week: {
      rollup: sql`date_trunc('week', ${rollupDay}::timestamp)::date`,
      raw: sql`date_trunc('week', ${at(sql`${requests.createdAt}`)})::date`,
      date: true,
    },
    month: {
      rollup: sql`date_trunc('month', ${rollupDay}::timestamp)::date`,
      raw: sql`date_trunc('month', ${at(sql`${requests.createdAt}`)})::date`,
      date: true,
    },
    model: { rollup: sql`${R.modelId}`, raw: sql`coalesce(${requests.modelId}, '')`, date: false },
    provider: { rollup: sql`${R.providerId}`, raw: sql`coalesce(${requests.providerId}, '')`, date: false },
    region: { rollup: sql`${R.regionId}`, raw: sql`coalesce(${requests.regionId}, '')`, date: false },
    country: { rollup: sql`${R.country}`, raw: sql`coalesce(${requests.country}, '')`, date: false },
    apiKey: { rollup: sql`${R.apiKeyId}`, raw: sql`${requests.apiKeyId}`, date: false },
    policy: { rollup: sql`${R.policyId}`, raw: sql`coalesce(${requests.policyId}, '')`, date: false },
  };
}

const DIMENSIONS_UTC = dimensions(null);

/**
 * How [from, to) splits into whole UTC days (or hours: `unitMs`) read from the rollup and partial
 * edge ranges read from request rows.
 */
export function splitRange(from: Date | null | undefined, to: Date | null | undefined, unitMs = DAY_MS) {
  const f = from?.getTime() ?? null;
  const t = to?.getTime() ?? null;
  const dayFrom = f === null ? null : Math.ceil(f / unitMs) * unitMs;
  const dayTo = t === null ? null : Math.floor(t / unitMs) * unitMs;
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
  const tz = checkTimezone(q.timezone, q.filter.from?.getTime() ?? null, q.filter.to?.getTime() ?? null);
  const DIMENSIONS = tz ? dimensions(tz) : DIMENSIONS_UTC;
  const R = tz ? usageHourly : usageDaily;
  const rollupName = tz ? 'usage_hourly' : 'usage_daily';
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
  const { days, raw } = splitRange(f.from, f.to, tz ? HOUR_MS : DAY_MS);
  const branches: SQL[] = [];

  if (days) {
    const where: SQL[] = [sql`${R.orgId} = ${q.orgId}`];
    if (days.from !== null)
      where.push(
        tz
          ? sql`${usageHourly.hour} >= ${isoTs(days.from)}::timestamptz`
          : sql`${usageDaily.day} >= ${isoDay(days.from)}::date`,
      );
    if (days.to !== null)
      where.push(
        tz
          ? sql`${usageHourly.hour} < ${isoTs(days.to)}::timestamptz`
          : sql`${usageDaily.day} < ${isoDay(days.to)}::date`,
      );
    if (lists.models) where.push(inArray(R.modelId, lists.models));
    if (lists.providers) where.push(inArray(R.providerId, lists.providers));
    if (lists.regions) where.push(inArray(R.regionId, lists.regions));
    if (lists.countries) where.push(inArray(R.country, lists.countries));
    if (lists.apiKeys) where.push(inArray(R.apiKeyId, lists.apiKeys));
    if (status === 'ok') where.push(sql`${R.requests} > ${R.errors}`);
    if (status === 'error') where.push(sql`${R.errors} > 0`);
    const counts =
      status === 'ok'
        ? sql`${R.requests} - ${R.errors} as r, 0 as e`
        : status === 'error'
          ? sql`${R.errors} as r, ${R.errors} as e`
          : sql`${R.requests} as r, ${R.errors} as e`;
    const cols = [
      ...groupBy.map((g, i) => sql`${DIMENSIONS[g].rollup} as ${sql.raw(`g${i}`)}`),
      counts,
      ...(status ? [] : MEASURE_COLUMNS.map(([, c]) => sql.raw(`${rollupName}.${c} as ${c}`))),
    ];
    branches.push(sql`select ${sql.join(cols, sql`, `)} from ${R} where ${sql.join(where, sql` and `)}`);
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
