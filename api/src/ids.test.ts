import { describe, expect, it } from 'vitest';
import { newId, newRequestId, randomChars } from './ids';

describe('ids', () => {
  it('request ids sort by creation time and keep their length', () => {
    const a = newRequestId(1_700_000_000_000);
    const b = newRequestId(1_700_000_000_001);
    expect(a).toMatch(/^req_[0-9a-z]{9}[0-9A-Za-z]{11}$/);
    expect(a < b).toBe(true);
    expect(newId('org')).toMatch(/^org_[0-9A-Za-z]{17}$/);
  });

  it('draws every base62 character about equally often, and never repeats an id', () => {
    const counts = new Map<string, number>();
    const n = 62 * 2_000;
    for (const c of randomChars(n)) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect(counts.size).toBe(62);
    // 2,000 expected per character; a biased mapping (byte % 62 over 0–255) gives the first 8 ~25 % more.
    for (const k of counts.values()) expect(Math.abs(k - 2_000)).toBeLessThan(250);
    const ids = new Set(Array.from({ length: 20_000 }, () => newRequestId(0)));
    expect(ids.size).toBe(20_000);
  });
});
