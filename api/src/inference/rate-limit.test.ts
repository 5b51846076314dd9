import { describe, expect, it } from 'vitest';
import { createRateLimiter } from './rate-limit';

describe('per-key rate limits', () => {
  it('admit up to the requests-per-minute limit, then say how long to wait', () => {
    let t = 0;
    const rl = createRateLimiter(() => t);
    const limits = { rpm: 2, tpm: null };
    expect(rl.admit('k', limits, 10).ok).toBe(true);
    t = 10_000;
    expect(rl.admit('k', limits, 10).ok).toBe(true);
    expect(rl.admit('k', limits, 10)).toEqual({ ok: false, retryAfterMs: 50_000, which: 'requests' });
    t = 60_000;
    expect(rl.admit('k', limits, 10).ok).toBe(true);
  });

  it('refuse a request that would pass the tokens-per-minute limit, and free the budget as the window slides', () => {
    let t = 0;
    const rl = createRateLimiter(() => t);
    const limits = { rpm: null, tpm: 1_000 };
    expect(rl.admit('k', limits, 700).ok).toBe(true);
    expect(rl.admit('k', limits, 400)).toMatchObject({ ok: false, which: 'tokens' });
    expect(rl.admit('k', limits, 300).ok).toBe(true);
    t = 60_001;
    expect(rl.admit('k', limits, 900).ok).toBe(true);
  });

  it('keep keys apart and let unlimited keys through', () => {
    const rl = createRateLimiter(() => 0);
    expect(rl.admit('a', { rpm: 1, tpm: null }, 1).ok).toBe(true);
    expect(rl.admit('a', { rpm: 1, tpm: null }, 1).ok).toBe(false);
    expect(rl.admit('b', { rpm: 1, tpm: null }, 1).ok).toBe(true);
    for (let i = 0; i < 100; i++) expect(rl.admit('c', { rpm: null, tpm: null }, 1_000_000).ok).toBe(true);
  });

  it('a key with a large limit slides one request at a time, requests and tokens alike', () => {
    let t = 0;
    const rl = createRateLimiter(() => t);
    const limits = { rpm: 3_000, tpm: 3_000 * 7 };
    for (let i = 0; i < 3_000; i++) {
      t = i;
      expect(rl.admit('big', limits, 7).ok).toBe(true);
    }
    expect(rl.admit('big', limits, 7)).toEqual({
      ok: false,
      retryAfterMs: 60_000 - 2_999,
      which: 'requests',
    });
    // At 61 999 ms the first 2 000 have left the window (those admitted at 0 … 1 999 ms): 2 000 fit again.
    t = 61_999;
    for (let i = 0; i < 2_000; i++) expect(rl.admit('big', { rpm: null, tpm: limits.tpm }, 7).ok).toBe(true);
    expect(rl.admit('big', { rpm: null, tpm: limits.tpm }, 7)).toEqual({
      ok: false,
      retryAfterMs: 1,
      which: 'tokens',
    });
  });
});
