/**
 * The response cache: exact repeats of a request answered without an upstream call.
 *
 * - Opt-in: a key's `cacheTtlSeconds`, or a request's `cache: {ttlSeconds}` (which wins; 0 turns it off
 *   for that request). Nothing is cached or looked up otherwise.
 * - Deterministic requests only (`temperature: 0`): a sampled answer is one draw among many, and
 *   replaying it would hide that. A request may still ask with `cache: {ttlSeconds, nonDeterministic: true}`.
 * - Keyed on the organisation and a SHA-256 of the canonical request: every field that can change the
 *   answer (model, `models`, messages, tools, sampling and output parameters, the route override), not
 *   `stream`, `stream_options` or `user`. So a streamed repeat can be answered from a plain answer and
 *   back. Never shared across organisations: the organisation is part of the table's key.
 * - In the database (table response_cache), so every gateway node sees the same entries; expired ones
 *   are swept (purgeExpiredAnswers) and never served.
 * - A hit is served only if the endpoint that produced it is still among the request's allowed routes
 *   now: a residency constraint or a policy that rules that endpoint out also rules out its answer.
 */
import { createHash } from 'node:crypto';
import { and, eq, gt, lt, sql } from 'drizzle-orm';
import type { Principal } from '../auth/key-store';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { responseCache } from '../db/schema';
import type { EcoBlock } from '../eco/estimate';
import type { CanonicalRequest, CanonicalUsage, FinishReason, Warning } from '../providers/canonical';
import type { RouteOverride } from '../routing/policy';
import type { RouteBlock } from '../routing/route-block';
import type { Completion } from './complete';

/** What a request may say in its `cache` field. */
export interface CacheRequest {
  /** Seconds to keep this request's answer (and to accept a stored one of that age at most); 0 = off. */
  ttlSeconds: number;
  /** Cache even when the request samples (temperature > 0 or unset). */
  nonDeterministic?: boolean;
}

/** Answers larger than this (serialised) are not kept: the cache is for repeats, not for bulk storage. */
export const MAX_CACHED_ANSWER_BYTES = 512 * 1024;

/** Parses a request's `cache` field (REST body or GraphQL input). */
export function parseCacheRequest(
  raw: unknown,
  maxTtlSeconds: number,
): { ok: true; value: CacheRequest } | { ok: false; message: string } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return { ok: false, message: 'cache must be an object such as {"ttlSeconds": 3600}' };
  const { ttlSeconds, nonDeterministic, ...rest } = raw as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length)
    return {
      ok: false,
      message: `cache: unknown field '${unknown[0]!.slice(0, 40)}' (known: ttlSeconds, nonDeterministic)`,
    };
  if (typeof ttlSeconds !== 'number' || !Number.isInteger(ttlSeconds) || ttlSeconds < 0)
    return { ok: false, message: 'cache.ttlSeconds must be a whole number of seconds, 0 or more' };
  if (ttlSeconds > maxTtlSeconds)
    return {
      ok: false,
      message: `cache.ttlSeconds is at most ${maxTtlSeconds} on this instance (LOWROUTER_CACHE_MAX_TTL_SECONDS)`,
    };
  if (nonDeterministic !== undefined && typeof nonDeterministic !== 'boolean')
    return { ok: false, message: 'cache.nonDeterministic must be true or false' };
  return { ok: true, value: { ttlSeconds, ...(nonDeterministic ? { nonDeterministic } : {}) } };
}

/** Where a request stands with the cache: off, or looked up and (on a miss) stored under `key`. */
export type CachePlan = { key: string; ttlSeconds: number } | null;

/**
 * Whether this request uses the cache, and its key. A request that asked for the cache but samples gets
 * a warning saying why it was not cached, so the caller is never left guessing.
 */
export function planCache(
  config: Pick<Config, 'cacheMaxTtlSeconds'>,
  principal: Pick<Principal, 'orgId' | 'cacheTtlSeconds'>,
  request: CanonicalRequest,
  route: RouteOverride | undefined,
  asked: CacheRequest | undefined,
  warnings: Warning[],
): CachePlan {
  const ttl = Math.min(
    asked ? asked.ttlSeconds : (principal.cacheTtlSeconds ?? 0),
    config.cacheMaxTtlSeconds,
  );
  if (ttl <= 0) return null;
  if (request.temperature !== 0 && !asked?.nonDeterministic) {
    if (asked)
      warnings.push({
        code: 'not_cached',
        param: 'cache',
        message:
          'not cached: the request samples (temperature is not 0); set temperature to 0, or cache.nonDeterministic to true to cache it anyway',
      });
    return null;
  }
  return { key: cacheKey(principal.orgId, request, route), ttlSeconds: ttl };
}

/** SHA-256 (hex) of the organisation and every field of the request that can change its answer. */
export function cacheKey(orgId: string, request: CanonicalRequest, route: RouteOverride | undefined): string {
  const { stream: _s, stream_options: _o, user: _u, ...rest } = request as Record<string, unknown>;
  return createHash('sha256')
    .update(stableJson({ orgId, request: rest, route: route ?? null }))
    .digest('hex');
}

/** JSON with object keys sorted, so two equal requests hash the same whatever their key order. */
export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
}

/** A stored answer: what the original request delivered and what it cost. */
export interface CachedAnswer {
  requestId: string;
  endpointId: string;
  createdAt: string;
  model: string;
  message: Completion['message'];
  finishReason: FinishReason;
  usage: CanonicalUsage;
  /** µUSD the original request was charged. */
  chargeMicro: number;
  eco: EcoBlock;
  route: RouteBlock;
}

export async function lookupAnswer(
  db: Db,
  orgId: string,
  key: string,
  now: Date,
): Promise<CachedAnswer | null> {
  const [row] = await db
    .select({ answer: responseCache.answer })
    .from(responseCache)
    .where(and(eq(responseCache.orgId, orgId), eq(responseCache.key, key), gt(responseCache.expiresAt, now)))
    .limit(1);
  return row ? (row.answer as CachedAnswer) : null;
}

/** Keeps an answer (replacing an older one for the same request). Returns false when it is too large to keep. */
export async function storeAnswer(
  db: Db,
  orgId: string,
  plan: { key: string; ttlSeconds: number },
  answer: CachedAnswer,
  now: Date,
): Promise<boolean> {
  if (Buffer.byteLength(JSON.stringify(answer)) > MAX_CACHED_ANSWER_BYTES) return false;
  const values = {
    orgId,
    key: plan.key,
    createdAt: now,
    expiresAt: new Date(now.getTime() + plan.ttlSeconds * 1000),
    endpointId: answer.endpointId,
    requestId: answer.requestId,
    answer,
  };
  await db
    .insert(responseCache)
    .values(values)
    .onConflictDoUpdate({
      target: [responseCache.orgId, responseCache.key],
      set: {
        createdAt: values.createdAt,
        expiresAt: values.expiresAt,
        endpointId: values.endpointId,
        requestId: values.requestId,
        answer: sql`excluded.answer`,
      },
    });
  return true;
}

/** Deletes expired answers; returns how many. Run by the gateway's periodic sweep. */
export async function purgeExpiredAnswers(db: Db, now: Date): Promise<number> {
  const gone = await db
    .delete(responseCache)
    .where(lt(responseCache.expiresAt, now))
    .returning({ key: responseCache.key });
  return gone.length;
}
