import { describe, expect, it } from 'vitest';
import { microToUsdString, usdToMicroExact } from './money';

describe('money at the API surface', () => {
  it('converts USD with up to 6 decimals to integer micro-USD exactly', () => {
    for (const [usd, micro] of [
      [0.000001, 1],
      [0.1, 100_000],
      [12.345678, 12_345_678],
      [999_999.999999, 999_999_999_999],
      [1e9, 1e15],
    ] as const)
      expect(usdToMicroExact('amountUsd', usd)).toBe(micro);
  });

  it('refuses a seventh decimal instead of rounding it away', () => {
    expect(() => usdToMicroExact('amountUsd', 0.0000005)).toThrow(
      'amountUsd has at most 6 decimals (1 µUSD), got 5e-7',
    );
    expect(() => usdToMicroExact('amountUsd', 1.0000001)).toThrow(/at most 6 decimals/);
  });

  it('prints micro-USD as an exact decimal', () => {
    expect([0, 5, -5, 1_234_567, -1_234_567, 1e15].map(microToUsdString)).toEqual([
      '0.000000',
      '0.000005',
      '-0.000005',
      '1.234567',
      '-1.234567',
      '1000000000.000000',
    ]);
  });
});
