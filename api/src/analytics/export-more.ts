/**
 * More exports beside usage.csv and requests.csv (export.ts), same authentication (a bearer key):
 *
 * - `GET /export/footprint.csv?from=YYYY-MM-DD&to=YYYY-MM-DD[&period=month|quarter|year]
 *   [&groupBy=organization,apiKey,model,provider,region,country][&orgId=]` (read scope): the
 *   footprintReport rows, one per period × group, then a `total` row and a `citation` row.
 * - `GET /export/audit.csv` and `/export/audit.jsonl` `[?actor=<key id>&action=<name or prefix.*>
 *   &from=&to=&orgId=&instanceWide=true]` (admin scope): the audit trail, oldest first, with each
 *   entry's prev_hash and hash so the chain can be checked outside LowRouter. Streamed in keyset pages.
 *
 * Parameters are checked before the first byte: unknown names, repeats, control characters and bad
 * values give a 4xx with a JSON error saying what to fix.
 */
import { and, asc, eq, gt, gte, isNull, like, lt, type SQL } from 'drizzle-orm';
import type { Principal } from '../auth/key-store';
import type { Db } from '../db/client';
import { type AuditLogRow, auditLog } from '../db/schema';
import { type CsvValue, csvRow } from './csv';
import { AnalyticsError, badInput } from './errors';
import { readableOrg } from './filter';
import {
  FOOTPRINT_GROUP_BY,
  FOOTPRINT_PERIODS,
  type FootprintGroupBy,
  type FootprintPeriod,
  type FootprintRow,
  queryFootprint,
} from './footprint';

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f]/;

function params(url: URL, known: string[]): URLSearchParams {
  if (url.search.length > 4096) throw badInput('query', 'the query string is longer than 4096 characters');
  const p = url.searchParams;
  for (const name of new Set(p.keys())) {
    if (!known.includes(name))
      throw badInput(
        CONTROL.test(name) || name.length > 64 ? 'query' : name,
        `unknown parameter ${name.slice(0, 64)}; this export takes ${known.join(', ')}`,
      );
    if (p.getAll(name).length > 1) throw badInput(name, `${name} is given more than once; give it once`);
    const v = p.get(name)!;
    if (CONTROL.test(v)) throw badInput(name, `${name} must not contain control characters`);
    if (v.length > 512) throw badInput(name, `${name} is longer than 512 characters`);
  }
  return p;
}

const headers = (type: string, name: string) => ({
  'content-type': type,
  'content-disposition': `attachment; filename="${name}"`,
  'cache-control': 'no-store',
});

const range = (r: { min: number; max: number }) => [r.min, r.max, (r.min + r.max) / 2];

const FOOTPRINT_HEADER = [
  'period',
  'period_start',
  'organization_id',
  'organization_name',
  'api_key_id',
  'api_key_name',
  'model',
  'provider',
  'region',
  'country',
  'requests',
  'tokens_estimated_share',
  'energy_wh_min',
  'energy_wh_max',
  'energy_wh_mid',
  'gco2e_min',
  'gco2e_max',
  'gco2e_mid',
  'methodology_versions',
  'grid_sources',
  'grid_years',
  'catalog_versions',
];

const footprintLine = (r: FootprintRow): CsvValue[] => [
  r.period,
  r.periodStart,
  r.organizationId,
  r.organizationName,
  r.apiKeyId,
  r.apiKeyName,
  r.model,
  r.provider,
  r.region,
  r.country,
  r.requests,
  r.tokensEstimatedShare,
  ...range(r.energyWh),
  ...range(r.gco2e),
  r.methodologyVersions.join('; '),
  r.gridSources.join('; '),
  r.gridYears.join('; '),
  r.catalogVersions.join('; '),
];

export async function footprintCsv(db: Db, principal: Principal | null, url: URL): Promise<Response> {
  const p = params(url, ['from', 'to', 'period', 'groupBy', 'orgId']);
  const org = readableOrg(principal, p.get('orgId'), 'read');
  const from = p.get('from');
  const to = p.get('to');
  if (!from) throw badInput('from', 'from is required: a date YYYY-MM-DD (inclusive, UTC)');
  if (!to) throw badInput('to', 'to is required: a date YYYY-MM-DD (exclusive, UTC)');
  const period = (p.get('period') || 'month').toLowerCase();
  if (!FOOTPRINT_PERIODS.includes(period as FootprintPeriod))
    throw badInput(
      'period',
      `period is ${FOOTPRINT_PERIODS.join(', ')}, got ${JSON.stringify(period.slice(0, 40))}`,
    );
  const groupBy = (p.get('groupBy') ?? '')
    .split(',')
    .map((g) => g.trim())
    .filter(Boolean)
    .map((g) => {
      const known = FOOTPRINT_GROUP_BY.find((k) => k.toLowerCase() === g.toLowerCase().replace('_', ''));
      if (!known)
        throw badInput('groupBy', `cannot group by ${g.slice(0, 40)}; use ${FOOTPRINT_GROUP_BY.join(', ')}`);
      return known as FootprintGroupBy;
    });
  const report = await queryFootprint(db, {
    orgId: org,
    period: period as FootprintPeriod,
    from,
    to,
    groupBy,
    maxRows: 100_000,
  });
  const t = report.totals;
  const total: FootprintRow = {
    ...t,
    period: 'total',
    periodStart: report.from,
    organizationId: org,
    organizationName: report.rows[0]?.organizationName ?? '',
    apiKeyId: null,
    apiKeyName: null,
    model: null,
    provider: null,
    region: null,
    country: null,
  };
  const body = [FOOTPRINT_HEADER, ...report.rows.map(footprintLine), footprintLine(total)]
    .map((r) => csvRow(r))
    .join('');
  // Last, a `citation` row: period column `citation`, the text to quote in the next column (the same
  // as the footprintReport query's and the report page's).
  return new Response(`${body}${csvRow(['citation', report.citation])}`, {
    headers: headers('text/csv; charset=utf-8; header=present', 'footprint.csv'),
  });
}

const AUDIT_COLUMNS: [string, (e: AuditLogRow) => CsvValue][] = [
  ['id', (e) => e.id],
  ['created_at', (e) => e.createdAt],
  ['organization_id', (e) => e.orgId],
  ['actor_key_id', (e) => e.actorKeyId],
  ['action', (e) => e.action],
  ['target_type', (e) => e.targetType],
  ['target_id', (e) => e.targetId],
  ['details', (e) => JSON.stringify(e.details)],
  ['prev_hash', (e) => e.prevHash],
  ['hash', (e) => e.hash],
];

/** The audit filter shared by the export and the GraphQL auditLog query. */
export function auditWhere(
  principal: Principal | null,
  f: {
    orgId?: string | null;
    instanceWide?: boolean | null;
    actor?: string | null;
    action?: string | null;
    from?: Date | null;
    to?: Date | null;
  },
): SQL | undefined {
  const org = readableOrg(principal, f.orgId, 'admin');
  if (f.instanceWide && !principal!.instanceAdmin)
    throw new AnalyticsError(
      'FORBIDDEN',
      'only the instance admin can read instance-wide actions',
      'instanceWide',
    );
  const action = f.action?.trim();
  if (action && !/^[A-Za-z0-9_.]+(\.\*)?$/.test(action))
    throw badInput('action', 'action is a name such as apiKey.create, or a prefix such as credits.*');
  return and(
    f.instanceWide ? isNull(auditLog.orgId) : eq(auditLog.orgId, org),
    f.actor ? eq(auditLog.actorKeyId, f.actor) : undefined,
    action
      ? action.endsWith('.*')
        ? like(auditLog.action, `${action.slice(0, -1)}%`)
        : eq(auditLog.action, action)
      : undefined,
    f.from ? gte(auditLog.createdAt, f.from) : undefined,
    f.to ? lt(auditLog.createdAt, f.to) : undefined,
  );
}

function parseTime(v: string | null, name: string): Date | null {
  if (!v) return null;
  const d = /^\d{4}-\d{2}-\d{2}/.test(v) ? new Date(v) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) throw badInput(name, `${name} must be an ISO 8601 date or date-time`);
  return d;
}

export async function auditExport(
  db: Db,
  principal: Principal | null,
  url: URL,
  format: 'csv' | 'jsonl',
  pageSize = 1000,
): Promise<Response> {
  const p = params(url, ['actor', 'action', 'from', 'to', 'orgId', 'instanceWide']);
  const where = auditWhere(principal, {
    orgId: p.get('orgId'),
    instanceWide: p.get('instanceWide') === 'true',
    actor: p.get('actor'),
    action: p.get('action'),
    from: parseTime(p.get('from'), 'from'),
    to: parseTime(p.get('to'), 'to'),
  });
  const page = (after: number) =>
    db
      .select()
      .from(auditLog)
      .where(and(where, gt(auditLog.id, after)))
      .orderBy(asc(auditLog.id))
      .limit(pageSize);
  const enc = new TextEncoder();
  const line = (e: AuditLogRow) =>
    format === 'csv'
      ? csvRow(AUDIT_COLUMNS.map(([, f]) => f(e)))
      : `${JSON.stringify(Object.fromEntries(AUDIT_COLUMNS.map(([k, f]) => [k, k === 'details' ? e.details : f(e)])))}\n`;
  let next: AuditLogRow[] | null = await page(0);
  let after = 0;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      if (format === 'csv') c.enqueue(enc.encode(csvRow(AUDIT_COLUMNS.map(([k]) => k))));
    },
    async pull(c) {
      const rows = next ?? (await page(after));
      next = null;
      if (rows.length) c.enqueue(enc.encode(rows.map(line).join('')));
      if (rows.length < pageSize) return c.close();
      after = rows[rows.length - 1]!.id;
    },
  });
  return new Response(
    body,
    format === 'csv'
      ? { headers: headers('text/csv; charset=utf-8; header=present', 'audit.csv') }
      : { headers: headers('application/x-ndjson; charset=utf-8', 'audit.jsonl') },
  );
}
