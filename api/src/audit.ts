/**
 * The audit trail: keys, policies, credit grants, organisations, grid imports, catalog changes at
 * start and configuration that affects billing or routing. Append-only in the database (triggers,
 * migration 0005) and hash-chained here, so a change made behind the triggers' back (a superuser
 * disabling them) is found by `lowrouter audit verify`.
 *
 * The chain, in id order: `hash = sha256_hex(prev_hash + "\n" + canonical)` where `prev_hash` is the
 * previous entry's hash (64 zeros for the first chained entry) and `canonical` is the JSON array
 *   [id, created_at (ISO 8601, ms, UTC), org_id, actor_key_id, action, target_type, target_id, details]
 * with object keys of `details` sorted at every depth and no whitespace. Every column but the two
 * hashes is covered, so any edit, a deleted or reordered entry, or one inserted mid-chain breaks it.
 *
 * Appends are serialised by a transaction-scoped advisory lock taken before the chain head is read,
 * held until the caller's transaction commits: two gateways on one PostgreSQL cannot fork the chain.
 * Limit: removing the NEWEST entries leaves a valid shorter chain; keep the head hash that `audit
 * verify` prints somewhere else to detect that.
 */
import { createHash } from 'node:crypto';
import { asc, desc, gt, isNotNull, sql } from 'drizzle-orm';
import { type Db, resultRows } from './db/client';
import { type AuditLogRow, auditLog } from './db/schema';

export interface AuditEntry {
  orgId: string | null;
  actorKeyId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details?: Record<string, unknown>;
}

export const GENESIS_HASH = '0'.repeat(64);
/** Two-key advisory lock (a key space of its own, apart from the one-key node and migration locks). */
const AUDIT_LOCK = [7_411, 2] as const;

/** JSON with object keys sorted at every depth: the same value always gives the same text. */
export function canonicalJson(v: unknown): string {
  if (v === null || typeof v !== 'object') return JSON.stringify(v ?? null);
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
}

type Hashed = Pick<
  AuditLogRow,
  'id' | 'createdAt' | 'orgId' | 'actorKeyId' | 'action' | 'targetType' | 'targetId' | 'details'
>;

/** The entry's hash given the previous one (see the comment at the top for what it covers). */
export function entryHash(prevHash: string, e: Hashed): string {
  const canonical = canonicalJson([
    String(e.id),
    e.createdAt.toISOString(),
    e.orgId,
    e.actorKeyId,
    e.action,
    e.targetType,
    e.targetId,
    e.details ?? {},
  ]);
  return createHash('sha256').update(`${prevHash}\n${canonical}`).digest('hex');
}

/**
 * Appends one entry to the chain. Call it inside the transaction that made the change, so both land
 * or neither; it opens its own (nested) transaction otherwise, so the lock is always held to commit.
 */
export async function audit(db: Db, entry: AuditEntry): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK[0]}::int, ${AUDIT_LOCK[1]}::int)`);
    const [head] = await tx
      .select({ hash: auditLog.hash })
      .from(auditLog)
      .where(isNotNull(auditLog.hash))
      .orderBy(desc(auditLog.id))
      .limit(1);
    const [next] = resultRows<{ id: string | number }>(
      await tx.execute(sql`select nextval(pg_get_serial_sequence('audit_log', 'id'))::bigint as id`),
    );
    // JSON round trip: what jsonb gives back is what is hashed (undefined keys dropped, dates as text).
    const details = JSON.parse(JSON.stringify(entry.details ?? {})) as Record<string, unknown>;
    const row = {
      id: Number(next!.id),
      createdAt: new Date(),
      orgId: entry.orgId,
      actorKeyId: entry.actorKeyId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      details,
    };
    const prevHash = head?.hash ?? GENESIS_HASH;
    await tx.insert(auditLog).values({ ...row, prevHash, hash: entryHash(prevHash, row) });
  });
}

export interface VerifyProblem {
  id: number;
  createdAt: Date;
  /** What did not match, in words. */
  problem: string;
}

export interface VerifyResult {
  ok: boolean;
  /** Chained entries checked. */
  checked: number;
  /** Entries written before the chain existed (null hash, before the first chained one). */
  unchained: number;
  /** Hash of the last chained entry: keep it elsewhere to detect removal of the newest entries. */
  head: string | null;
  firstBroken: VerifyProblem | null;
}

/** Walks the whole chain in id order, `pageSize` rows at a time, and stops at the first break. */
export async function verifyAuditChain(db: Db, pageSize = 1000): Promise<VerifyResult> {
  let prev: string | null = null;
  let prevId: number | null = null;
  let checked = 0;
  let unchained = 0;
  let after = 0;
  const broken = (e: AuditLogRow, problem: string): VerifyResult => ({
    ok: false,
    checked,
    unchained,
    head: prev,
    firstBroken: { id: e.id, createdAt: e.createdAt, problem },
  });
  for (;;) {
    const rows = await db
      .select()
      .from(auditLog)
      .where(gt(auditLog.id, after))
      .orderBy(asc(auditLog.id))
      .limit(pageSize);
    for (const e of rows) {
      after = e.id;
      if (e.hash === null) {
        if (prev === null && e.prevHash === null) {
          unchained++;
          continue;
        }
        return broken(e, 'hash is missing on an entry after the chain began');
      }
      const expectedPrev = prev ?? GENESIS_HASH;
      if (e.prevHash !== expectedPrev)
        return broken(
          e,
          prev === null
            ? `prev_hash is ${short(e.prevHash)}, the first chained entry must start from ${short(GENESIS_HASH)}: entries before it were removed`
            : `prev_hash is ${short(e.prevHash)} but entry ${prevId} hashes to ${short(prev)}: an entry between them was removed or inserted, or entry ${prevId} was replaced`,
        );
      const actual = entryHash(expectedPrev, e);
      if (actual !== e.hash)
        return broken(
          e,
          `content does not match its hash (stored ${short(e.hash)}, computed ${short(actual)}): the entry was changed after it was written`,
        );
      prev = e.hash;
      prevId = e.id;
      checked++;
    }
    if (rows.length < pageSize) break;
  }
  return { ok: true, checked, unchained, head: prev, firstBroken: null };
}

const short = (h: string | null) => (h === null ? 'null' : `${h.slice(0, 12)}…`);

/**
 * Audits configuration that changes what is charged or how requests are routed (fee percent, the
 * high-intensity threshold) when it differs from what was last audited: called at every start, it
 * writes an entry on the first start and on each change, with the old and new values.
 */
export async function auditConfigChange(db: Db, settings: Record<string, unknown>): Promise<boolean> {
  const next = canonicalJson(settings);
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_LOCK[0]}::int, ${AUDIT_LOCK[1]}::int)`);
    const [cur] = resultRows<{ value: string }>(
      await tx.execute(sql`select value from meta where key = 'audited_config'`),
    );
    if (cur?.value === next) return false;
    await audit(tx, {
      orgId: null,
      actorKeyId: null,
      action: 'config.change',
      targetType: 'instance',
      targetId: null,
      details: { from: cur ? JSON.parse(cur.value) : null, to: settings },
    });
    await tx.execute(
      sql`insert into meta (key, value) values ('audited_config', ${next})
          on conflict (key) do update set value = excluded.value, updated_at = now()`,
    );
    return true;
  });
}
