/**
 * Per-key requests-per-minute and tokens-per-minute limits, over a sliding 60 s window kept in memory.
 * This is the whole limiter on one node (PGlite, or a single process); on PostgreSQL the shared limiter
 * (shared-rate-limit.ts) keeps this log too and adds what the nodes claimed together per aligned minute.
 */

/** What a limiter says about one request; `retryAfterMs` is how long to wait (ms). */
export type RateDecision = { ok: true } | { ok: false; retryAfterMs: number; which: 'requests' | 'tokens' };

/** A key's limits; null = not limited. */
export interface RateLimits {
  rpm: number | null;
  tpm: number | null;
}

export interface RateLimiter {
  /**
   * Admits a request of ~`tokens` (estimated) tokens, or says how long to wait. Synchronous unless the
   * limiter has to ask the database first (the shared limiter, when its slice of the key is used up).
   */
  admit(keyId: string, limits: RateLimits, tokens: number): RateDecision | Promise<RateDecision>;
}

export const OK: RateDecision = { ok: true };

/**
 * The sliding log, split in a check and a record so a caller can add its own condition between them.
 * Within any 60 s: at most `rpm` requests, and at most `tpm` tokens unless the log is empty (a single
 * request above the limit passes alone).
 */
export interface SlidingLog {
  /** The refusal, or null when the request fits now (at `t`, ms). Drops entries older than the window. */
  check(keyId: string, limits: RateLimits, tokens: number, t: number): RateDecision | null;
  /** Counts an admitted request at `t` (ms). */
  record(keyId: string, tokens: number, t: number): void;
}

export function createSlidingLog(windowMs = 60_000): SlidingLog {
  // Per key, the admitted requests in time order from `head`, and their token sum: expired entries are
  // dropped from the front, so a check costs what expired since the last one, not the whole window
  // (a key limited to 60 000 requests per minute used to copy 60 000 entries per request).
  const log = new Map<string, { at: number[]; tokens: number[]; head: number; sum: number }>();
  return {
    check(keyId, { rpm, tpm }, tokens, t) {
      const e = log.get(keyId);
      if (e) {
        while (e.head < e.at.length && t - e.at[e.head]! >= windowMs) e.sum -= e.tokens[e.head++]!;
        if (e.head === e.at.length) log.delete(keyId);
        else if (e.head > 1024 && e.head * 2 > e.at.length) {
          e.at = e.at.slice(e.head);
          e.tokens = e.tokens.slice(e.head);
          e.head = 0;
        }
      }
      const count = e && log.has(keyId) ? e.at.length - e.head : 0;
      const oldest = count ? e!.at[e!.head]! : t;
      const retryAfterMs = Math.max(1, windowMs - (t - oldest));
      if (rpm != null && count >= rpm) return { ok: false, retryAfterMs, which: 'requests' };
      if (tpm == null || count === 0) return null;
      if (e!.sum + tokens > tpm) return { ok: false, retryAfterMs, which: 'tokens' };
      return null;
    },
    record(keyId, tokens, t) {
      const e = log.get(keyId);
      if (e) {
        e.at.push(t);
        e.tokens.push(tokens);
        e.sum += tokens;
      } else log.set(keyId, { at: [t], tokens: [tokens], head: 0, sum: tokens });
    },
  };
}

/** The in-memory limiter: limits per gateway node (with N nodes a key could reach N times its limit). */
export interface LocalRateLimiter extends RateLimiter {
  /** Always synchronous. */
  admit(keyId: string, limits: RateLimits, tokens: number): RateDecision;
}

export function createRateLimiter(now: () => number = Date.now, windowMs = 60_000): LocalRateLimiter {
  const log = createSlidingLog(windowMs);
  return {
    admit(keyId, limits, tokens) {
      if (limits.rpm == null && limits.tpm == null) return OK;
      const t = now();
      const refused = log.check(keyId, limits, tokens, t);
      if (refused) return refused;
      log.record(keyId, tokens, t);
      return OK;
    },
  };
}
