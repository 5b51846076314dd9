/**
 * The shared rate limiter's statements (inference/shared-rate-limit.ts), fixed SQL text: each call only
 * binds parameters, so postgres.js reuses one prepared statement per connection. None of them runs per
 * request: a claim runs when a node's slice of a key's minute is used up, a give-back when the node
 * is idle or closing, the clean-up at most once per node and minute.
 */
import { type SQL, sql } from 'drizzle-orm';

/**
 * Claims a slice of a key's limits for the aligned minute starting at `windowStart` (see migration
 * rate_limit_claim): for each limited dimension least(max(ask, min), left), or nothing at all unless
 * what is left covers `min` in every limited dimension. A null limit is not claimed. Returns one row
 * { granted_requests, granted_tokens, left_requests, left_tokens }.
 */
export function claimSliceSql(c: {
  keyId: string;
  windowStart: Date;
  requestsMin: number;
  requestsAsk: number;
  requestsLimit: number | null;
  tokensMin: number;
  tokensAsk: number;
  tokensLimit: number | null;
}): SQL {
  return sql`select granted_requests, granted_tokens, left_requests, left_tokens from claim_rate_limit_slice(${c.keyId}::text, ${c.windowStart.toISOString()}::timestamptz, ${c.requestsMin}::integer, ${c.requestsAsk}::integer, ${c.requestsLimit}::integer, ${c.tokensMin}::bigint, ${c.tokensAsk}::bigint, ${c.tokensLimit}::bigint)`;
}

/** Gives back the unused part of a node's slices for a key's minute, so other nodes can claim it. */
export function returnSliceSql(keyId: string, windowStart: Date, requests: number, tokens: number): SQL {
  return sql`update rate_limit_windows set requests = greatest(requests - ${requests}::integer, 0), tokens = greatest(tokens - ${tokens}::bigint, 0) where key_id = ${keyId}::text and window_start = ${windowStart.toISOString()}::timestamptz`;
}

/** Deletes the windows that started before `before` (they can no longer be claimed from). */
export function deleteWindowsBeforeSql(before: Date): SQL {
  return sql`delete from rate_limit_windows where window_start < ${before.toISOString()}::timestamptz`;
}
