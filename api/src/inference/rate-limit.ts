/**
 * Per-key requests-per-minute and tokens-per-minute limits, over a sliding 60 s window kept in memory.
 * Limits are per gateway node: with N nodes behind a balancer a key can reach N times its limit.
 */
export interface RateLimiter {
  /** Admits a request of ~`tokens` tokens, or says how long to wait. */
  admit(
    keyId: string,
    limits: { rpm: number | null; tpm: number | null },
    tokens: number,
  ): { ok: true } | { ok: false; retryAfterMs: number; which: 'requests' | 'tokens' };
}

export function createRateLimiter(now: () => number = Date.now, windowMs = 60_000): RateLimiter {
  const log = new Map<string, { at: number; tokens: number }[]>();
  return {
    admit(keyId, { rpm, tpm }, tokens) {
      if (rpm == null && tpm == null) return { ok: true };
      const t = now();
      const entries = (log.get(keyId) ?? []).filter((e) => t - e.at < windowMs);
      const oldest = entries[0]?.at ?? t;
      const retryAfterMs = Math.max(1, windowMs - (t - oldest));
      if (rpm != null && entries.length >= rpm) return { ok: false, retryAfterMs, which: 'requests' };
      const used = entries.reduce((n, e) => n + e.tokens, 0);
      if (tpm != null && entries.length > 0 && used + tokens > tpm)
        return { ok: false, retryAfterMs, which: 'tokens' };
      entries.push({ at: t, tokens });
      log.set(keyId, entries);
      return { ok: true };
    },
  };
}
