/**
 * Which stored policy applies to a request: the key's own policy when it has one, else the
 * organisation's default, else the built-in `auto`. Cached per key for at most `ttlMs`, like keys: with
 * the invalidation bus connected (cluster/bus.ts) a policy change on any node arrives as a pushed
 * `policy` event that clears the cache, and the TTL is a 60 s safety net; while the bus is down (and
 * on PGlite) it is 1 s, so a change reaches every node within that time.
 */
import { and, eq } from 'drizzle-orm';
import type { Principal } from '../auth/key-store';
import type { Db } from '../db/client';
import { routingPolicies } from '../db/schema';
import { RoutingPolicySpec } from './policy';

export interface ResolvedPolicy {
  id: string | null;
  name: string;
  spec: RoutingPolicySpec;
}

export const BUILTIN_POLICY: ResolvedPolicy = {
  id: null,
  name: 'built-in auto',
  spec: RoutingPolicySpec.parse({}),
};

export interface PolicyStore {
  forPrincipal(p: Principal): Promise<ResolvedPolicy>;
  invalidate(): void;
}

export function createPolicyStore(
  db: Db,
  opts: { ttlMs?: number | (() => number); now?: () => number } = {},
): PolicyStore {
  const ttlOpt = opts.ttlMs ?? 1_000;
  const ttl = typeof ttlOpt === 'function' ? ttlOpt : () => ttlOpt;
  const now = opts.now ?? Date.now;
  const cache = new Map<string, { at: number; value: ResolvedPolicy }>();
  // Bumped by invalidate(): a lookup that started before a change must not cache what it read.
  let epoch = 0;
  return {
    async forPrincipal(p) {
      const key = `${p.orgId}|${p.policyId ?? ''}`;
      const hit = cache.get(key);
      if (hit && now() - hit.at < ttl()) return hit.value;
      const started = epoch;
      const rows = await db
        .select()
        .from(routingPolicies)
        .where(
          p.policyId
            ? and(eq(routingPolicies.orgId, p.orgId), eq(routingPolicies.id, p.policyId))
            : and(eq(routingPolicies.orgId, p.orgId), eq(routingPolicies.isDefault, true)),
        );
      const row = rows[0];
      const value = row
        ? { id: row.id, name: row.name, spec: RoutingPolicySpec.parse(row.spec) }
        : BUILTIN_POLICY;
      if (started === epoch) cache.set(key, { at: now(), value });
      return value;
    },
    invalidate: () => {
      epoch++;
      cache.clear();
    },
  };
}
