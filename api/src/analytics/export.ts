/**
 * `GET /export/usage.csv` and `GET /export/requests.csv`: the same filters and grouping as the GraphQL
 * `usage` and `requests` queries, as query parameters, for BI tools and spreadsheets. Authorised by
 * an API key with the read scope (the caller authenticates the bearer key and passes the principal).
 *
 * Parameters: from, to (ISO 8601; from inclusive, to exclusive), models, providers, regions,
 * countries, apiKeys (comma-separated or repeated), status (ok | error), orgId (instance admin),
 * and for usage.csv groupBy (day, week, month, model, provider, region, country, apiKey, policy;
 * comma-separated) and timezone (an IANA zone with whole-hour offsets, as `usage`).
 *
 * Bodies are streamed: requests.csv pulls keyset pages of `chunkSize` rows as the client reads, so an
 * export of millions of rows holds one page in memory. Everything that can be refused (auth, bad
 * parameters) is refused with a JSON error and a 4xx status before the first byte; the first page is
 * fetched before answering too, so a failing database gives a 500, not a truncated 200.
 */
import type { Principal } from '../auth/key-store';
import type { Db } from '../db/client';
import { type CsvValue, csvRow } from './csv';
import { AnalyticsError, badInput, httpStatusOf } from './errors';
import { type AnalyticsFilter, LIST_FILTERS, readableOrg, validateFilter } from './filter';
import { auditExport, footprintCsv } from './export-more';
import { microToUsdString } from './money';
import { type RequestKey, type RequestRowWithKey, fetchRequests } from './requests-query';
import { USAGE_GROUP_BY, type UsageBucket, type UsageGroupBy, queryUsage } from './usage-query';

export interface ExportDeps {
  /** Where exports read: the read handle (DbHandle.readDb), a replica when there is one. */
  db: Db;
  principal: Principal | null;
  /** Rows per keyset page of requests.csv (default 1,000). */
  chunkSize?: number;
}

/** usage.csv may be larger than a GraphQL answer: it is streamed, not held by a client. */
const MAX_EXPORT_BUCKETS = 100_000;

const COMMON = new Set(['from', 'to', 'status', 'orgId', ...LIST_FILTERS]);
const USAGE_ONLY = new Set(['groupBy', 'timezone']);

/** Bounds on what a query string may hold, checked before anything else reads it. */
const MAX_QUERY_CHARS = 16_384;
const MAX_VALUE_CHARS = 4_096;
/** Parameters that take one value: a second one is refused rather than silently ignored. */
const SINGLE = new Set(['from', 'to', 'status', 'orgId', 'timezone']);
// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;
/** ISO 8601 date or date-time: `2026-04-01`, `2026-04-01T06:00`, `…:00.123Z`, `…+02:00`. */
const ISO_DATE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** A value as quoted in an error message: JSON-escaped and cut short, so nothing huge is echoed. */
const cut = (v: string) => (v.length > 64 ? `${v.slice(0, 64)}…` : v);
const shown = (v: string) => JSON.stringify(cut(v));

function parseDate(params: URLSearchParams, name: 'from' | 'to'): Date | null {
  const v = params.get(name);
  if (v == null || v === '') return null;
  const d = ISO_DATE.test(v) ? new Date(v) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime()))
    throw badInput(name, `${name} must be an ISO 8601 date-time, got ${shown(v)}`);
  return d;
}

/**
 * Refuses what no parameter can mean before any parsing: overlong query strings and values,
 * control characters (NUL would reach the database), unknown names, repeated single values.
 */
function checkShape(url: URL, kind: 'usage' | 'requests') {
  if (url.search.length > MAX_QUERY_CHARS)
    throw badInput('query', `the query string is longer than ${MAX_QUERY_CHARS} characters`);
  const p = url.searchParams;
  const known = [...COMMON, ...(kind === 'usage' ? USAGE_ONLY : [])];
  for (const name of new Set(p.keys())) {
    if (!known.includes(name))
      throw badInput(
        CONTROL.test(name) || name.length > 64 ? 'query' : name,
        `unknown parameter ${cut(name)}; ${kind}.csv takes ${known.join(', ')}`,
      );
    const values = p.getAll(name);
    if (SINGLE.has(name) && values.length > 1)
      throw badInput(name, `${name} is given ${values.length} times; give it once`);
    for (const v of values) {
      if (CONTROL.test(v)) throw badInput(name, `${name} must not contain control characters`);
      if (v.length > MAX_VALUE_CHARS)
        throw badInput(name, `${name} is longer than ${MAX_VALUE_CHARS} characters`);
    }
  }
}

const list = (params: URLSearchParams, name: string) =>
  params
    .getAll(name)
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter(Boolean);

// A Map, not an object literal: `groupBy=constructor` must not find Object.prototype.constructor.
const GROUP_ALIASES = new Map<string, UsageGroupBy>(
  USAGE_GROUP_BY.flatMap((g) => [
    [g.toLowerCase(), g],
    [g.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), g],
  ]),
);

function parseParams(url: URL, kind: 'usage' | 'requests') {
  checkShape(url, kind);
  const p = url.searchParams;
  const status = p.get('status');
  if (status && status !== 'ok' && status !== 'error')
    throw badInput('status', `status is ok or error, got ${shown(status)}`);
  const filter: AnalyticsFilter = {
    from: parseDate(p, 'from'),
    to: parseDate(p, 'to'),
    models: list(p, 'models'),
    providers: list(p, 'providers'),
    regions: list(p, 'regions'),
    countries: list(p, 'countries'),
    apiKeys: list(p, 'apiKeys'),
    status: (status || null) as AnalyticsFilter['status'],
  };
  validateFilter(filter);
  // Deduplicated: `groupBy=day,day,…` must not become a statement with a thousand keys.
  const groupBy = [
    ...new Set(
      list(p, 'groupBy').map((g) => {
        const known = GROUP_ALIASES.get(g.toLowerCase());
        if (!known) throw badInput('groupBy', `cannot group by ${cut(g)}; use ${USAGE_GROUP_BY.join(', ')}`);
        return known;
      }),
    ),
  ];
  return { filter, groupBy, orgId: p.get('orgId'), timezone: p.get('timezone') };
}

const csvHeaders = (name: string) => ({
  'content-type': 'text/csv; charset=utf-8; header=present',
  'content-disposition': `attachment; filename="${name}"`,
  'cache-control': 'no-store',
});

const REQUEST_COLUMNS: [string, (r: RequestRowWithKey) => CsvValue][] = [
  ['id', (r) => r.id],
  ['created_at', (r) => r.cursorTs],
  ['status', (r) => r.status],
  ['error_kind', (r) => r.errorKind],
  ['finish_reason', (r) => r.finishReason],
  ['requested_model', (r) => r.requestedModel],
  ['model', (r) => r.modelId],
  ['provider', (r) => r.providerId],
  ['region', (r) => r.regionId],
  ['country', (r) => r.country],
  ['location_basis', (r) => r.locationBasis],
  ['endpoint_id', (r) => r.endpointId],
  ['api_key_id', (r) => r.apiKeyId],
  ['policy_id', (r) => r.policyId],
  ['surface', (r) => r.surface],
  ['stream', (r) => r.stream],
  ['input_tokens', (r) => r.inputTokens],
  ['output_tokens', (r) => r.outputTokens],
  ['cached_input_tokens', (r) => r.cachedInputTokens],
  ['cache_write_tokens', (r) => r.cacheWriteTokens],
  ['reasoning_tokens', (r) => r.reasoningTokens],
  ['tokens_estimated', (r) => r.tokensEstimated],
  ['cost_usd', (r) => microToUsdString(r.chargeMicro)],
  ['upstream_cost_usd', (r) => microToUsdString(r.upstreamCostMicro)],
  ['latency_ms', (r) => r.latencyMs],
  ['upstream_latency_ms', (r) => r.upstreamLatencyMs],
  ['energy_wh_min', (r) => r.energyWhMin],
  ['energy_wh_max', (r) => r.energyWhMax],
  ['gco2e_min', (r) => r.gco2eMin],
  ['gco2e_max', (r) => r.gco2eMax],
  ['grid_gco2e_per_kwh', (r) => r.gridGco2ePerKwh],
  ['eco_confidence', (r) => r.ecoConfidence],
  ['fallback_used', (r) => r.fallbackUsed],
];

const USAGE_MEASURE_COLUMNS: [string, (b: UsageBucket) => CsvValue][] = [
  ['input_tokens', (b) => b.measures!.inputTokens],
  ['output_tokens', (b) => b.measures!.outputTokens],
  ['cached_input_tokens', (b) => b.measures!.cachedInputTokens],
  ['reasoning_tokens', (b) => b.measures!.reasoningTokens],
  ['cost_usd', (b) => microToUsdString(b.measures!.chargeMicro)],
  ['upstream_cost_usd', (b) => microToUsdString(b.measures!.upstreamCostMicro)],
  ['energy_wh_min', (b) => b.measures!.energyWhMin],
  ['energy_wh_max', (b) => b.measures!.energyWhMax],
  ['energy_wh_mid', (b) => (b.measures!.energyWhMin + b.measures!.energyWhMax) / 2],
  ['gco2e_min', (b) => b.measures!.gco2eMin],
  ['gco2e_max', (b) => b.measures!.gco2eMax],
  ['gco2e_mid', (b) => (b.measures!.gco2eMin + b.measures!.gco2eMax) / 2],
  ['avg_latency_ms', (b) => (b.requests ? b.measures!.latencyMsSum / b.requests : null)],
];

/** The columns of each export, in order (the docs list them from here). */
export const EXPORT_COLUMNS = {
  requests: REQUEST_COLUMNS.map(([name]) => name),
  usageMeasures: ['requests', 'errors', ...USAGE_MEASURE_COLUMNS.map(([name]) => name)],
  /** Query parameters each export takes. */
  requestsParams: [...COMMON],
  usageParams: [...COMMON, ...USAGE_ONLY],
} as const;

const snake = (g: UsageGroupBy) => g.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

async function usageCsv(deps: ExportDeps, url: URL): Promise<Response> {
  const { filter, groupBy, orgId, timezone } = parseParams(url, 'usage');
  const org = readableOrg(deps.principal, orgId, 'read');
  const buckets = await queryUsage(deps.db, {
    orgId: org,
    filter,
    groupBy,
    timezone,
    maxBuckets: MAX_EXPORT_BUCKETS,
  });
  const uniqueGroups = [...new Set(groupBy)];
  const columns: [string, (b: UsageBucket) => CsvValue][] = [
    ...uniqueGroups.map((g): [string, (b: UsageBucket) => CsvValue] => [snake(g), (b) => b[g]]),
    ['requests', (b) => b.requests],
    ['errors', (b) => b.errors],
    // With a status filter the rollup cannot split the other sums (see usage-query.ts).
    ...(filter.status ? [] : USAGE_MEASURE_COLUMNS),
  ];
  const encoder = new TextEncoder();
  let i = 0;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(encoder.encode(csvRow(columns.map(([name]) => name))));
    },
    pull(c) {
      const chunk = buckets.slice(i, i + 1000);
      i += chunk.length;
      if (chunk.length)
        c.enqueue(encoder.encode(chunk.map((b) => csvRow(columns.map(([, f]) => f(b)))).join('')));
      if (i >= buckets.length) c.close();
    },
  });
  return new Response(body, { headers: csvHeaders('usage.csv') });
}

async function requestsCsv(deps: ExportDeps, url: URL): Promise<Response> {
  const { filter, orgId } = parseParams(url, 'requests');
  const org = readableOrg(deps.principal, orgId, 'read');
  const size = deps.chunkSize ?? 1000;
  const encode = (rows: RequestRowWithKey[]) =>
    new TextEncoder().encode(rows.map((r) => csvRow(REQUEST_COLUMNS.map(([, f]) => f(r)))).join(''));
  let next: RequestRowWithKey[] | null = await fetchRequests(deps.db, org, filter, size, null);
  let after: RequestKey | null = null;
  let cancelled = false;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode(csvRow(REQUEST_COLUMNS.map(([name]) => name))));
    },
    async pull(c) {
      const rows = next ?? (await fetchRequests(deps.db, org, filter, size, after));
      next = null;
      if (cancelled) return;
      if (rows.length) c.enqueue(encode(rows));
      if (rows.length < size) {
        c.close();
        return;
      }
      const last = rows[rows.length - 1]!;
      after = { ts: last.cursorTs, id: last.id };
    },
    cancel() {
      cancelled = true;
    },
  });
  return new Response(body, { headers: csvHeaders('requests.csv') });
}

const jsonError = (status: number, e: { message: string; code: string; field?: string }) =>
  new Response(JSON.stringify({ error: e }), {
    status,
    headers: {
      'content-type': 'application/json',
      ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
    },
  });

/** footprint.csv and the audit trail (export-more.ts). */
const MORE_EXPORTS = new Map<string, (deps: ExportDeps, url: URL) => Promise<Response>>([
  ['/export/footprint.csv', (d, u) => footprintCsv(d.db, d.principal, u)],
  ['/export/audit.csv', (d, u) => auditExport(d.db, d.principal, u, 'csv')],
  ['/export/audit.jsonl', (d, u) => auditExport(d.db, d.principal, u, 'jsonl')],
]);

/** GET /export/usage.csv, /export/requests.csv and those above. */
export async function handleExport(request: Request, deps: ExportDeps): Promise<Response> {
  const url = new URL(request.url);
  const more = MORE_EXPORTS.get(url.pathname);
  const kind = url.pathname.endsWith('/usage.csv')
    ? 'usage'
    : url.pathname.endsWith('/requests.csv')
      ? 'requests'
      : more
        ? 'more'
        : null;
  if (!kind)
    return jsonError(404, {
      code: 'NOT_FOUND',
      message: `no export at ${url.pathname}: use /export/usage.csv, /export/requests.csv, /export/footprint.csv, /export/audit.csv or /export/audit.jsonl`,
    });
  if (request.method !== 'GET' && request.method !== 'HEAD')
    return jsonError(405, { code: 'METHOD_NOT_ALLOWED', message: `use GET ${url.pathname}` });
  try {
    if (more) return await more(deps, url);
    return kind === 'usage' ? await usageCsv(deps, url) : await requestsCsv(deps, url);
  } catch (e) {
    if (e instanceof AnalyticsError)
      return jsonError(httpStatusOf[e.code], {
        code: e.code,
        message: e.message,
        ...(e.field ? { field: e.field } : {}),
      });
    throw e;
  }
}
