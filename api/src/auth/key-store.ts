/**
 * Key lookups for the hot path. A verified key is cached for at most `ttlMs` (default 1 s), so a
 * revocation on any node takes effect everywhere within that time, and at once on the node that
 * revoked. `last_used_at` is collected in memory and written in one statement per flush, not per
 * request.
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
}

export interface KeyStore {
  authenticate(key: string): Promise<Principal | null>;
  /** Forget a key on this node at once (after a local revocation). */
  invalidate(keyId: string): void;
  flushLastUsed(): Promise<void>;
  close(): Promise<void>;
}

export function createKeyStore(
  db: Db,
  secret: string,
  opts: { ttlMs?: number; flushEveryMs?: number; now?: () => number } = {},
): KeyStore {
  const ttl = opts.ttlMs ?? 1_000;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { principal: Principal | null; at: number }>();
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

  return {
    async authenticate(key) {
      if (!looksLikeApiKey(key)) return null;
      const hash = hashApiKey(secret, key);
      const t = now();
      const hit = cache.get(hash);
      let principal: Principal | null;
      if (hit && t - hit.at < ttl) {
        principal = hit.principal;
      } else {
        const rows = await db
          .select({ key: apiKeys, orgName: organizations.name })
          .from(apiKeys)
          .innerJoin(organizations, eq(organizations.id, apiKeys.orgId))
          .where(and(eq(apiKeys.keyHash, hash), isNull(apiKeys.revokedAt)));
        const row = rows[0];
        principal = row ? toPrincipal(row.key, row.orgName) : null;
        cache.set(hash, { principal, at: t });
        if (principal) byKeyId.set(principal.keyId, hash);
      }
      if (principal) lastUsed.set(principal.keyId, t);
      return principal;
    },
    invalidate(keyId) {
      const hash = byKeyId.get(keyId);
      if (hash) cache.delete(hash);
    },
    flushLastUsed,
    async close() {
      clearInterval(timer);
      await flushLastUsed();
    },
  };
}
