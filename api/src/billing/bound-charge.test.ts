import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boundCharge } from './bound-charge';
import { chargeFor, maxChargeMicro } from './price';

describe('a charge never exceeds its reservation', () => {
  it('debits the computed charge when it fits', () => {
    expect(boundCharge({ upstreamMicro: 100, feeMicro: 5, chargeMicro: 105 }, 10_300)).toEqual({
      chargeMicro: 105,
      upstreamMicro: 100,
    });
  });

  it('caps a charge above the reservation at the reservation and says so ($31.50 against $0.0103)', () => {
    const out = boundCharge(
      { upstreamMicro: 30_000_000, feeMicro: 1_500_000, chargeMicro: 31_500_000 },
      10_300,
    );
    expect(out).toEqual({
      chargeMicro: 10_300,
      upstreamMicro: 30_000_000,
      note: 'charge of 31500000 µUSD capped at the 10300 µUSD reserved for this request',
    });
  });

  it('never charges a negative or non-integer amount', () => {
    expect(
      boundCharge({ upstreamMicro: -787_496, feeMicro: 0, chargeMicro: -787_496 }, 10_000).chargeMicro,
    ).toBe(0);
    expect(boundCharge({ upstreamMicro: 1, feeMicro: 0, chargeMicro: Number.NaN }, 10_000).chargeMicro).toBe(
      0,
    );
    expect(boundCharge({ upstreamMicro: 1, feeMicro: 0, chargeMicro: 5 }, -3).chargeMicro).toBe(0);
  });

  it('stays within [0, reserved] whatever the inputs (property)', () => {
    fc.assert(
      fc.property(fc.double(), fc.integer({ min: -1e6, max: 1e12 }), (charge, reserved) => {
        const out = boundCharge({ upstreamMicro: charge, feeMicro: 0, chargeMicro: charge }, reserved);
        expect(Number.isSafeInteger(out.chargeMicro)).toBe(true);
        expect(out.chargeMicro).toBeGreaterThanOrEqual(0);
        expect(out.chargeMicro).toBeLessThanOrEqual(Math.max(0, reserved));
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('reserves enough for a prompt written wholly to the cache at the cache-write price', () => {
    const haiku = {
      inputMicroPerMTok: 1_000_000,
      outputMicroPerMTok: 5_000_000,
      cachedInputMicroPerMTok: 100_000,
      cacheWriteMicroPerMTok: 1_250_000,
    };
    const used = { inputTokens: 10_000, outputTokens: 100, cachedInputTokens: 0, cacheWriteTokens: 10_000 };
    expect(maxChargeMicro(10_000, 100, haiku, 5)).toBeGreaterThanOrEqual(
      chargeFor(used, haiku, 5).chargeMicro,
    );
  });
});
