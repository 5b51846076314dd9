/**
 * Request rows of one organisation, newest first, by keyset on (created_at desc, id desc): a page
 * costs the same at row 10 as at row 10 million. The cursor carries created_at to the microsecond
 * as text (a JS Date would drop the µs and skip or repeat rows) and the id.
 *
 * Plans: `org_id = $1 … order by created_at desc, id desc limit n` walks requests_org_created_idx
 * (org_id, created_at, id) backwards, newest partition first; a status=error filter walks the small
 * partial index requests_org_errors_idx instead (see drizzle/0001_partition_requests.sql).
 */
import { type SQL, and, desc, getTableColumns, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { type RequestRow, requests } from '../db/schema';
import { type Page, decodeCursor, encodeCursor, pageSize, toPage } from './cursor';
import { badInput } from './errors';
import { type AnalyticsFilter, listOrNull, validateFilter } from './filter';

/** Where a page starts: strictly older than this (created_at as µs-precise UTC text, id). */
export interface RequestKey {
  ts: string;
  id: string;
}

export type RequestRowWithKey = RequestRow & { cursorTs: string };

const TS_TEXT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;

export function requestCursor(r: RequestRowWithKey): string {
  return encodeCursor('requests', [r.cursorTs, r.id]);
}

export function parseRequestCursor(after: string): RequestKey {
  const [ts, id] = decodeCursor('requests', after, 2);
  if (typeof ts !== 'string' || !TS_TEXT.test(ts) || typeof id !== 'string')
    throw badInput(
      'after',
      'after is not a cursor of this requests connection: pass an endCursor it returned',
    );
  return { ts, id };
}

/** The WHERE of a filtered read of one organisation's rows. */
export function requestConditions(orgId: string, f: AnalyticsFilter): SQL[] {
  validateFilter(f);
  const where: SQL[] = [sql`${requests.orgId} = ${orgId}`];
  if (f.from) where.push(sql`${requests.createdAt} >= ${f.from.toISOString()}::timestamptz`);
  if (f.to) where.push(sql`${requests.createdAt} < ${f.to.toISOString()}::timestamptz`);
  const lists = [
    [requests.modelId, f.models],
    [requests.providerId, f.providers],
    [requests.regionId, f.regions],
    [requests.country, f.countries],
    [requests.apiKeyId, f.apiKeys],
  ] as const;
  for (const [col, values] of lists) {
    const v = listOrNull(values);
    if (v) where.push(inArray(col, v));
  }
  // Literals, not parameters: the planner must see `status <> 'ok'` to use the partial index.
  if (f.status === 'ok') where.push(sql`${requests.status} = 'ok'`);
  if (f.status === 'error') where.push(sql`${requests.status} <> 'ok'`);
  return where;
}

/** Up to `limit` rows after `after` (exclusive), newest first. */
export async function fetchRequests(
  db: Db,
  orgId: string,
  filter: AnalyticsFilter,
  limit: number,
  after: RequestKey | null,
): Promise<RequestRowWithKey[]> {
  const where = requestConditions(orgId, filter);
  if (after)
    where.push(sql`(${requests.createdAt}, ${requests.id}) < (${after.ts}::timestamptz, ${after.id})`);
  return db
    .select({
      ...getTableColumns(requests),
      cursorTs: sql<string>`to_char(${requests.createdAt} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    })
    .from(requests)
    .where(and(...where))
    .orderBy(desc(requests.createdAt), desc(requests.id))
    .limit(limit);
}

export interface RequestsPageQuery {
  orgId: string;
  filter: AnalyticsFilter;
  first?: number | null;
  after?: string | null;
}

export async function pageRequests(db: Db, q: RequestsPageQuery): Promise<Page<RequestRowWithKey>> {
  const first = pageSize(q.first);
  const after = q.after ? parseRequestCursor(q.after) : null;
  const rows = await fetchRequests(db, q.orgId, q.filter, first + 1, after);
  return toPage(rows, first, requestCursor);
}
