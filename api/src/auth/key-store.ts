/**
 * Key lookups for the hot path. A verified key is cached for at most `ttlMs`. With the invalidation
 * bus connected (cluster/bus.ts, PostgreSQL), a change to a key on any node arrives as a pushed event
 * (`invalidate(keyId)`) within milliseconds, so the TTL is a 60 s safety net and most requests ask the
 * database nothing; while the bus is down (and on PGlite) it falls back to 1 s, the revocation delay.
 * On the node that revoked, the change takes effect at once. `last_used_at` is collected in memory and written in one statement per flush, not per
 * request.
 *
 * The cache is an LRU of at most `maxEntries` keys (default 10 000), so a flood of random keys costs
 * bounded memory; an unknown key is remembered for `negativeTtlMs` (default 5 s) so repeating it costs
 * no query. Concurrent lookups of one key share one query.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { type ApiKeyRow, apiKeys, organizations } from '../db/schema';
import { type Scope, hashApiKey, looksLikeApiKey } from './keys';

export interface Principal {
  keyId: string;
  orgId: string;
  orgName: string;
  scopes: Scope[];
  instanceAdmin: boolean;
  policyId: string | null;
  requestsPerMinute: number | null;
  tokensPerMinute: number | null;
  /** Response cache opt-in for every request of this key, seconds; null = off unless a request asks. */
  cacheTtlSeconds: number | null;
}

export interface KeyStore {
  authenticate(key: string): Promise<Principal | null>;
  /** Forget a key on this node at once (after a local revocation, or a pushed `key` event). */
  invalidate(keyId: string): void;
  /** Forget every key (the bus reconnected: events may have been missed). */
  reset(): void;
  /** Keys cached now, known and unknown (bounded by `maxEntries`). */
  size(): number;
  flushLastUsed(): Promise<void>;
  close(): Promise<void>;
}

export function createKeyStore(
  db: Db,
  secret: string,
  opts: {
    /**
     * How long a known key is trusted without asking the database, ms (the revocation delay without
     * push); a function is asked on every lookup (the bus's `ttl`: long while connected).
     */
    ttlMs?: number | (() => number);
    /** How long an unknown key is remembered as unknown, ms (default 5 s; 0 when ttlMs is 0). */
    negativeTtlMs?: number;
    /** Most keys cached at once; the least recently used is dropped first. */
    maxEntries?: number;
    flushEveryMs?: number;
    now?: () => number;
  } = {},
): KeyStore {
  const ttlOpt = opts.ttlMs ?? 1_000;
  const ttlOf = typeof ttlOpt === 'function' ? ttlOpt : () => ttlOpt;
  const negativeTtl = opts.negativeTtlMs ?? (ttlOpt === 0 ? 0 : 5_000);
  const maxEntries = Math.max(1, opts.maxEntries ?? 10_000);
  const now = opts.now ?? Date.now;
  // Map order is recency order: a hit re-inserts its entry at the end, eviction takes the front.
  const cache = new Map<string, { principal: Principal | null; at: number }>();
  const inflight = new Map<string, Promise<Principal | null>>();
  // Bumped by invalidate(): a lookup that started before a revocation must not cache its answer.
  let epoch = 0;
  const lastUsed = new Map<string, number>();
  const byKeyId = new Map<string, string>();

  const toPrincipal = (row: ApiKeyRow, orgName: string): Principal => ({
    keyId: row.id,
    orgId: row.orgId,
    orgName,
    scopes: row.scopes as Scope[],
    instanceAdmin: row.instanceAdmin,
    policyId: row.policyId,
    requestsPerMinute: row.requestsPerMinute,
    tokensPerMinute: row.tokensPerMinute,
    cacheTtlSeconds: row.cacheTtlSeconds,
  });

  const flushLastUsed = async () => {
    if (!lastUsed.size) return;
    const entries = [...lastUsed.entries()];
    lastUsed.clear();
    const values = sql.join(
      entries.map(([id, at]) => sql`(${id}, ${new Date(at).toISOString()}::timestamptz)`),
      sql`, `,
    );
    await db.execute(
      sql`update ${apiKeys} set last_used_at = greatest(coalesce(${apiKeys.lastUsedAt}, v.at), v.at)
          from (values ${values}) as v(id, at) where ${apiKeys.id} = v.id`,
    );
  };
  const timer = setInterval(() => {
    flushLastUsed().catch(() => {});
  }, opts.flushEveryMs ?? 30_000);
  timer.unref();

  const remember = (hash: string, principal: Principal | null, at: number) => {
    cache.delete(hash);
    cache.set(hash, { principal, at });
    if (principal) byKeyId.set(principal.keyId, hash);
    while (cache.size > maxEntries) {
      const [oldHash, old] = cache.entries().next().value!;
      cache.delete(oldHash);
      if (old.principal && byKeyId.get(old.principal.keyId) === oldHash) byKeyId.delete(old.principal.keyId);
    }
  };

  const lookup = async (hash: string, t: number): Promise<Principal | null> => {
    const started = epoch;
    const rows = await db
      .select({ key: apiKeys, orgName: organizations.name })
      .from(apiKeys)
      .innerJoin(organizations, eq(organizations.id, apiKeys.orgId))
      .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)));
    const row = rows[0];
    const principal = row ? toPrincipal(row.key, row.orgName) : null;
    if (started === epoch) remember(hash, principal, t);
    return principal;
  };

  return {
    async authenticate(key) {
      if (!looksLikeApiKey(key)) return null;
      const hash = hashApiKey(secret, key);
      const t = now();
      const hit = cache.get(hash);
      let principal: Principal | null;
      if (hit && t - hit.at < (hit.principal ? ttlOf() : negativeTtl)) {
        principal = hit.principal;
        cache.delete(hash);
        cache.set(hash, hit);
      } else {
        let pending = inflight.get(hash);
        if (!pending) {
          pending = lookup(hash, t).finally(() => inflight.delete(hash));
          inflight.set(hash, pending);
        }
        principal = await pending;
      }
      if (principal) lastUsed.set(principal.keyId, t);
      return principal;
    },
    invalidate(keyId) {
      epoch++;
      const hash = byKeyId.get(keyId);
      if (hash) cache.delete(hash);
      byKeyId.delete(keyId);
    },
    reset() {
      epoch++;
      cache.clear();
      byKeyId.clear();
    },
    size: () => cache.size,
    flushLastUsed,
    async close() {
      clearInterval(timer);
      await flushLastUsed();
    },
  };
}
