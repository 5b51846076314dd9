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
  const log = new Map<string, { at: number; tokens: number }[]>();
  return {
    check(keyId, { rpm, tpm }, tokens, t) {
      const entries = (log.get(keyId) ?? []).filter((e) => t - e.at < windowMs);
      if (entries.length) log.set(keyId, entries);
      else log.delete(keyId);
      const oldest = entries[0]?.at ?? t;
      const retryAfterMs = Math.max(1, windowMs - (t - oldest));
      if (rpm != null && entries.length >= rpm) return { ok: false, retryAfterMs, which: 'requests' };
      if (tpm == null || entries.length === 0) return null;
      const used = entries.reduce((n, e) => n + e.tokens, 0);
      if (used + tokens > tpm) return { ok: false, retryAfterMs, which: 'tokens' };
      return null;
    },
    record(keyId, tokens, t) {
      const entries = log.get(keyId);
      if (entries) entries.push({ at: t, tokens });
      else log.set(keyId, [{ at: t, tokens }]);
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
