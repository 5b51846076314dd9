/**
 * Monthly partitions of `requests` (range on created_at, UTC months; drizzle/0001_partition_requests.sql
 * made the table partitioned, on Postgres and PGlite alike) and their retention.
 *
 * - `ensurePartitions` creates `requests_pYYYYMM` for the current month and `monthsAhead` months
 *   after it, and for every month that has rows in the DEFAULT partition. Such a month is created
 *   empty, filled from the DEFAULT partition and attached, in one statement, so startup after an
 *   upgrade (rows carried over by the migration) or a clock jump never fails.
 * - `dropExpiredPartitions` drops whole months that ended `retentionMonths` months before the current
 *   month began (and deletes such rows from the DEFAULT partition). `usage_daily` is never touched:
 *   day-level analytics outlive the rows.
 *
 * Each DDL is one DO block under a transaction-scoped advisory lock, so nodes starting together do
 * not race. Partition names and bounds are generated here, never taken from input.
 */
import type { DbHandle } from '../db/client';

const PARTITION = /^requests_p(\d{4})(\d{2})$/;
const LOCK = 7_411_002; // arbitrary, stable advisory-lock key (migrations use 7_411_001)

/** First instant of the UTC month `offset` months after the one containing `d`. */
export function monthStart(d: Date, offset = 0): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + offset, 1));
}

export function partitionName(month: Date): string {
  return `requests_p${month.getUTCFullYear()}${String(month.getUTCMonth() + 1).padStart(2, '0')}`;
}

export interface RequestPartition {
  name: string;
  /** Inclusive. */
  from: Date;
  /** Exclusive. */
  to: Date;
}

/** The monthly partitions that exist, oldest first (the DEFAULT partition is not listed). */
export async function listPartitions(handle: DbHandle): Promise<RequestPartition[]> {
  const rows = await handle.exec(
    `select c.relname as name from pg_inherits i
       join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'requests'::regclass`,
  );
  return rows
    .map((r) => PARTITION.exec(String(r.name)))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => {
      const from = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
      return { name: m[0], from, to: monthStart(from, 1) };
    })
    .sort((x, y) => x.from.getTime() - y.from.getTime());
}

function createMonthSql(month: Date): string {
  const name = partitionName(month);
  const from = month.toISOString();
  const to = monthStart(month, 1).toISOString();
  const inRange = `created_at >= '${from}' and created_at < '${to}'`;
  return `do $$
begin
  perform pg_advisory_xact_lock(${LOCK});
  if to_regclass('public.${name}') is not null then return; end if;
  if exists (select 1 from requests_default where ${inRange}) then
    create table ${name} (like requests including defaults);
    insert into ${name} select * from requests_default where ${inRange};
    delete from requests_default where ${inRange};
    alter table requests attach partition ${name} for values from ('${from}') to ('${to}');
  else
    create table ${name} partition of requests for values from ('${from}') to ('${to}');
  end if;
end $$`;
}

/**
 * Makes sure a partition exists for the current month, the `monthsAhead` months after it, and every
 * month that has rows in the DEFAULT partition (moved into it). Returns the partitions it created.
 */
export async function ensurePartitions(
  handle: DbHandle,
  now: Date,
  monthsAhead = 2,
  /** Also the months before now's (imports, benchmarks); 0 by default. */
  monthsBack = 0,
): Promise<string[]> {
  const existing = new Set((await listPartitions(handle)).map((p) => p.name));
  const stray = await handle.exec(
    `select distinct to_char(created_at at time zone 'UTC', 'YYYY-MM') as m from requests_default`,
  );
  const months = new Map<string, Date>();
  for (const r of stray) {
    const [y, mo] = String(r.m).split('-').map(Number);
    const m = new Date(Date.UTC(y!, mo! - 1, 1));
    months.set(partitionName(m), m);
  }
  for (let i = -monthsBack; i <= monthsAhead; i++)
    months.set(partitionName(monthStart(now, i)), monthStart(now, i));
  const created: string[] = [];
  for (const [name, m] of [...months].sort((x, y) => x[1].getTime() - y[1].getTime())) {
    if (existing.has(name)) continue;
    await handle.exec(createMonthSql(m));
    created.push(name);
  }
  return created;
}

/**
 * Drops the monthly partitions that ended at or before the start of the month `retentionMonths`
 * months before now's month, i.e. keeps the current month and at least `retentionMonths` full months
 * before it; also deletes such old rows from the DEFAULT partition. 0 (or less) keeps everything.
 * `usage_daily` is left as it is. Returns the partitions dropped.
 */
export async function dropExpiredPartitions(
  handle: DbHandle,
  now: Date,
  retentionMonths: number,
): Promise<string[]> {
  if (!(retentionMonths > 0)) return [];
  const cutoff = monthStart(now, -Math.floor(retentionMonths));
  const dropped: string[] = [];
  for (const p of await listPartitions(handle)) {
    if (p.to > cutoff) continue;
    await handle.exec(`do $$
begin
  perform pg_advisory_xact_lock(${LOCK});
  drop table if exists ${p.name};
end $$`);
    dropped.push(p.name);
  }
  await handle.exec(`delete from requests_default where created_at < '${cutoff.toISOString()}'`);
  return dropped;
}

/** Both, as a node runs them at start and then daily. */
export async function maintainPartitions(
  handle: DbHandle,
  opts: { now: Date; retentionMonths: number; monthsAhead?: number },
): Promise<{ created: string[]; dropped: string[] }> {
  const created = await ensurePartitions(handle, opts.now, opts.monthsAhead ?? 2);
  const dropped = await dropExpiredPartitions(handle, opts.now, opts.retentionMonths);
  return { created, dropped };
}
