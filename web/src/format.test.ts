import { PER_1K_REFERENCE_LABEL } from '@lowrouter/shared';
import { describe, expect, it } from 'vitest';
import { cost, costRange, int, PER_1K_REFERENCE, range, sig, usd } from './format';

describe('format', () => {
  it('keeps two significant digits for footprints', () => {
    expect([0.0615646514063108, 1.234, 12.3, 0.00012345, 0, 250.6].map((n) => sig(n))).toEqual([
      '0.062',
      '1.2',
      '12',
      '0.00012',
      '0',
      '251',
    ]);
  });

  it('shows a range as one figure when both ends round alike', () => {
    expect(range({ min: 0.061, max: 0.0614 })).toBe('0.061');
    expect(range({ min: 0.061, max: 0.18 })).toBe('0.061–0.18');
  });

  it('prints prices per 1M tokens with cents, or three digits below a dollar', () => {
    expect([2.5, 10, 0.075, 0.15, 0, 0.0375].map(usd)).toEqual([
      '$2.50',
      '$10.00',
      '$0.075',
      '$0.15',
      '$0',
      '$0.0375',
    ]);
  });

  it('prints tiny request costs without rounding them to zero', () => {
    expect(cost(0.004)).toBe('$0.004');
    expect(costRange({ min: 0.00012, max: 0.0123 })).toBe('$0.00012–$0.012');
    expect(costRange({ min: 1.5, max: 1.5 })).toBe('$1.50');
    expect(int(12345.4)).toBe('12,345');
  });

  it('labels per-1k figures as the route reasons do: per 1,000 output tokens at the reference request', () => {
    expect(PER_1K_REFERENCE).toBe(PER_1K_REFERENCE_LABEL);
  });
});
