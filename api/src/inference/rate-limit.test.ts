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
});
