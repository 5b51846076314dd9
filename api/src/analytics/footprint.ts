/**
 * Footprint reports for sustainability teams: energy (Wh) and gCO2e as ranges per calendar period
 * (UTC month, quarter or year), grouped by organisation, key, model, provider, region or country, each
 * figure with the methodology versions, grid sources and years and catalog versions that produced it,
 * and the share of its requests whose token counts were estimated rather than reported upstream.
 *
 * Read from request rows (the inputs of every estimate are stored on its row: a later catalog change
 * never rewrites a report), in ONE statement over the (org_id, created_at) index, grouped in SQL:
 * the totals are exactly the sums of the rows. Rows without an estimate (requests refused before any
 * upstream was chosen) count 0. Bounded: at most 10 years per report and `maxRows` groups.
 */
import { METHODOLOGY_LIMITS, METHODOLOGY_VERSION } from '@lowrouter/shared';
import { sql } from 'drizzle-orm';
import { type Db, resultRows } from '../db/client';
import { AnalyticsError, badInput } from './errors';

export const FOOTPRINT_PERIODS = ['month', 'quarter', 'year'] as const;
export type FootprintPeriod = (typeof FOOTPRINT_PERIODS)[number];
export const FOOTPRINT_GROUP_BY = [
  'organization',
  'apiKey',
  'model',
  'provider',
  'region',
  'country',
] as const;
export type FootprintGroupBy = (typeof FOOTPRINT_GROUP_BY)[number];

export interface FootprintRow {
  /** First day of the period, YYYY-MM-DD (UTC). */
  periodStart: string;
  /** `2026-03`, `2026-Q1` or `2026`. */
  period: string;
  organizationId: string;
  organizationName: string;
  apiKeyId: string | null;
  apiKeyName: string | null;
  model: string | null;
  provider: string | null;
  region: string | null;
  country: string | null;
  requests: number;
  /** Requests whose tokens the gateway estimated (the upstream reported none), over `requests`. */
  tokensEstimatedShare: number;
  energyWh: { min: number; max: number };
  gco2e: { min: number; max: number };
  methodologyVersions: string[];
  /** Grid factor sources as stored on the rows, `<source> (<year>)`. */
  gridSources: string[];
  gridYears: number[];
  catalogVersions: string[];
}

export interface FootprintReport {
  organizationId: string;
  organizationName: string;
  period: FootprintPeriod;
  from: string;
  to: string;
  groupBy: FootprintGroupBy[];
  rows: FootprintRow[];
  totals: Omit<
    FootprintRow,
    | 'periodStart'
    | 'period'
    | 'organizationId'
    | 'organizationName'
    | 'apiKeyId'
    | 'apiKeyName'
    | 'model'
    | 'provider'
    | 'region'
    | 'country'
  >;
  /** "Estimated with LowRouter methodology <version>, grid factors <sources>, <date>". */
  citation: string;
  limits: string[];
}

export interface FootprintQuery {
  orgId: string;
  period: FootprintPeriod;
  /** YYYY-MM-DD, inclusive, UTC. */
  from: string;
  /** YYYY-MM-DD, exclusive, UTC. */
  to: string;
  groupBy: readonly FootprintGroupBy[];
  maxRows?: number;
  /** The report's date (the citation's); defaults to now. */
  now?: Date;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const MAX_RANGE_DAYS = 3660;
export const DEFAULT_MAX_FOOTPRINT_ROWS = 10_000;

export function parseDay(v: string, field: string): Date {
  const d = new Date(`${v}T00:00:00Z`);
  if (!DAY.test(v) || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== v)
    throw badInput(field, `${field} must be a date YYYY-MM-DD, got ${JSON.stringify(v.slice(0, 40))}`);
  return d;
}

const GROUP_SQL: Record<FootprintGroupBy, { key: string; cols: string[] }> = {
  organization: { key: 'r.org_id', cols: [] },
  apiKey: { key: 'r.api_key_id', cols: ['r.api_key_id', 'max(k.name)'] },
  model: { key: "coalesce(r.model_id, '')", cols: ["coalesce(r.model_id, '')"] },
  provider: { key: "coalesce(r.provider_id, '')", cols: ["coalesce(r.provider_id, '')"] },
  region: { key: "coalesce(r.region_id, '')", cols: ["coalesce(r.region_id, '')"] },
  country: { key: "coalesce(r.country, '')", cols: ["coalesce(r.country, '')"] },
};

const label = (period: FootprintPeriod, start: string) =>
  period === 'year'
    ? start.slice(0, 4)
    : period === 'quarter'
      ? `${start.slice(0, 4)}-Q${Math.floor((Number(start.slice(5, 7)) - 1) / 3) + 1}`
      : start.slice(0, 7);

const nz = (v: string | null | undefined) => (v ? v : null);
const arr = (v: unknown): string[] => (Array.isArray(v) ? (v as string[]).filter((x) => x != null) : []);

export async function queryFootprint(db: Db, q: FootprintQuery): Promise<FootprintReport> {
  if (!FOOTPRINT_PERIODS.includes(q.period))
    throw badInput('period', `period is one of ${FOOTPRINT_PERIODS.join(', ')}`);
  const from = parseDay(q.from, 'from');
  const to = parseDay(q.to, 'to');
  if (to <= from) throw badInput('to', 'to must be after from (from is inclusive, to exclusive)');
  if ((to.getTime() - from.getTime()) / 86_400_000 > MAX_RANGE_DAYS)
    throw badInput('to', 'a footprint report covers at most 10 years: narrow from/to');
  const groupBy = [...new Set(q.groupBy)];
  for (const g of groupBy)
    if (!FOOTPRINT_GROUP_BY.includes(g))
      throw badInput(
        'groupBy',
        `cannot group by ${String(g).slice(0, 40)}; use ${FOOTPRINT_GROUP_BY.join(', ')}`,
      );
  const maxRows = q.maxRows ?? DEFAULT_MAX_FOOTPRINT_ROWS;

  const keys = [
    "date_trunc('" + q.period + "', r.created_at at time zone 'UTC')",
    ...groupBy.map((g) => GROUP_SQL[g].key),
  ];
  const dims = groupBy.flatMap((g) => GROUP_SQL[g].cols.map((c, i) => `${c} as ${g.toLowerCase()}_${i}`));
  const query = sql`
    select to_char(${sql.raw(keys[0]!)}, 'YYYY-MM-DD') as period_start,
      ${sql.raw(dims.length ? `${dims.join(', ')},` : '')}
      count(*)::float8 as requests,
      count(*) filter (where r.tokens_estimated)::float8 as estimated,
      coalesce(sum(r.energy_wh_min), 0)::float8 as energy_min,
      coalesce(sum(r.energy_wh_max), 0)::float8 as energy_max,
      coalesce(sum(r.gco2e_min), 0)::float8 as gco2e_min,
      coalesce(sum(r.gco2e_max), 0)::float8 as gco2e_max,
      array_agg(distinct r.methodology_version) filter (where r.methodology_version is not null) as methodology,
      array_agg(distinct r.grid_source) filter (where r.grid_source is not null) as grid_sources,
      array_agg(distinct coalesce(r.grid_year, substring(r.grid_source from '\\((\\d{4})\\)$')::int))
        filter (where r.grid_year is not null or r.grid_source ~ '\\(\\d{4}\\)$') as grid_years,
      array_agg(distinct r.catalog_version) filter (where r.catalog_version is not null) as catalogs
    from requests r left join api_keys k on k.id = r.api_key_id
    where r.org_id = ${q.orgId} and r.created_at >= ${from.toISOString()}::timestamptz
      and r.created_at < ${to.toISOString()}::timestamptz
    group by ${sql.raw(keys.join(', '))}
    order by ${sql.raw(keys.map((_, i) => String(i + 1)).join(', '))}
    limit ${maxRows + 1}`;
  const [rows, orgRows] = await Promise.all([
    db.execute(query).then((r) => resultRows<Record<string, unknown>>(r)),
    db
      .execute(sql`select name from organizations where id = ${q.orgId}`)
      .then((r) => resultRows<{ name: string }>(r)),
  ]);
  if (rows.length > maxRows)
    throw new AnalyticsError(
      'BAD_USER_INPUT',
      `this report would have more than ${maxRows} rows: narrow from/to, use a longer period or group by fewer dimensions`,
      'groupBy',
    );
  const orgName = orgRows[0]?.name ?? q.orgId;
  const out: FootprintRow[] = rows.map((r) => {
    const requests = Number(r.requests);
    const has = (g: FootprintGroupBy) => groupBy.includes(g);
    return {
      periodStart: String(r.period_start),
      period: label(q.period, String(r.period_start)),
      organizationId: q.orgId,
      organizationName: orgName,
      apiKeyId: has('apiKey') ? String(r.apikey_0) : null,
      apiKeyName: has('apiKey') ? ((r.apikey_1 as string | null) ?? null) : null,
      model: has('model') ? nz(r.model_0 as string) : null,
      provider: has('provider') ? nz(r.provider_0 as string) : null,
      region: has('region') ? nz(r.region_0 as string) : null,
      country: has('country') ? nz(r.country_0 as string) : null,
      requests,
      tokensEstimatedShare: requests ? Number(r.estimated) / requests : 0,
      energyWh: { min: Number(r.energy_min), max: Number(r.energy_max) },
      gco2e: { min: Number(r.gco2e_min), max: Number(r.gco2e_max) },
      methodologyVersions: arr(r.methodology).sort(),
      gridSources: arr(r.grid_sources).sort(),
      gridYears: arr(r.grid_years).map(Number).sort(),
      catalogVersions: arr(r.catalogs).sort(),
    };
  });
  const union = (f: (r: FootprintRow) => (string | number)[]) =>
    [...new Set(out.flatMap(f))].sort() as never[];
  const requests = out.reduce((n, r) => n + r.requests, 0);
  const estimated = out.reduce((n, r) => n + r.tokensEstimatedShare * r.requests, 0);
  const sum = (f: (r: FootprintRow) => number) => out.reduce((n, r) => n + f(r), 0);
  const totals = {
    requests,
    tokensEstimatedShare: requests ? Math.round(estimated) / requests : 0,
    energyWh: { min: sum((r) => r.energyWh.min), max: sum((r) => r.energyWh.max) },
    gco2e: { min: sum((r) => r.gco2e.min), max: sum((r) => r.gco2e.max) },
    methodologyVersions: union((r) => r.methodologyVersions) as string[],
    gridSources: union((r) => r.gridSources) as string[],
    gridYears: union((r) => r.gridYears) as number[],
    catalogVersions: union((r) => r.catalogVersions) as string[],
  };
  return {
    organizationId: q.orgId,
    organizationName: orgName,
    period: q.period,
    from: q.from,
    to: q.to,
    groupBy,
    rows: out,
    totals,
    citation: citation(totals.methodologyVersions, totals.gridSources, q.now ?? new Date()),
    limits: [
      ...METHODOLOGY_LIMITS.map((l) => l.text),
      'Figures are ranges (EcoLogits low and high runs), not measurements; quote the range, or the midpoint as a central value.',
      'Requests whose tokens were estimated (the upstream reported none) carry the share shown; their energy follows the estimated token count.',
    ],
  };
}

/** The line to quote beside a figure. */
export function citation(methodologies: string[], gridSources: string[], date: Date): string {
  const m = methodologies.length ? methodologies.join(', ') : METHODOLOGY_VERSION;
  const g = gridSources.length ? gridSources.join('; ') : 'none (no estimated requests in the range)';
  return `Estimated with LowRouter methodology ${m}, grid factors ${g}, ${date.toISOString().slice(0, 10)}`;
}
