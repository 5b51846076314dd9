import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chargeFor, feeMicro, maxChargeMicro, upstreamCostMicro } from './price';

// gpt-4o-mini list prices: $0.15 / $0.60 per 1M, cached input $0.075.
const mini = {
  inputMicroPerMTok: 150_000,
  outputMicroPerMTok: 600_000,
  cachedInputMicroPerMTok: 75_000,
  cacheWriteMicroPerMTok: null,
};

describe('pricing in integer micro-USD', () => {
  it('prices input and output tokens at their own rates', () => {
    expect(
      upstreamCostMicro(
        { inputTokens: 1_000_000, outputTokens: 1_000_000, cachedInputTokens: 0, cacheWriteTokens: 0 },
        mini,
      ),
    ).toBe(750_000);
  });

  it('prices cached input tokens at the cached rate, not the input rate', () => {
    const u = { inputTokens: 1_000_000, outputTokens: 0, cachedInputTokens: 600_000, cacheWriteTokens: 0 };
    // 400k plain at 0.15 = 60_000; 600k cached at 0.075 = 45_000.
    expect(upstreamCostMicro(u, mini)).toBe(105_000);
  });

  it('prices cache writes at the cache-write rate (Anthropic: 1.25x input)', () => {
    const haiku = {
      inputMicroPerMTok: 1_000_000,
      outputMicroPerMTok: 5_000_000,
      cachedInputMicroPerMTok: 100_000,
      cacheWriteMicroPerMTok: 1_250_000,
    };
    const u = { inputTokens: 3_000, outputTokens: 100, cachedInputTokens: 1_000, cacheWriteTokens: 1_000 };
    // 1000 plain * 1.0 + 1000 read * 0.1 + 1000 write * 1.25 + 100 out * 5 = 1000 + 100 + 1250 + 500 µUSD
    expect(upstreamCostMicro(u, haiku)).toBe(2_850);
  });

  it('rounds half up once, at the end', () => {
    // 10 input tokens at $0.15/M = 1.5 µUSD → 2.
    expect(
      upstreamCostMicro(
        { inputTokens: 10, outputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0 },
        mini,
      ),
    ).toBe(2);
    expect(feeMicro(10, 5)).toBe(1); // 0.5 → 1
    expect(feeMicro(1_000_000, 5)).toBe(50_000);
    expect(feeMicro(1_000_000, 2.5)).toBe(25_000);
  });

  it('charges upstream plus the platform fee', () => {
    const c = chargeFor(
      { inputTokens: 1_000_000, outputTokens: 1_000_000, cachedInputTokens: 0, cacheWriteTokens: 0 },
      mini,
      5,
    );
    expect(c).toEqual({ upstreamMicro: 750_000, feeMicro: 37_500, chargeMicro: 787_500 });
  });

  it('never reserves less than the request can be charged', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 200_000 }),
        fc.integer({ min: 0, max: 32_000 }),
        fc.integer({ min: 0, max: 32_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.integer({ min: 0, max: 100_000_000 }),
        fc.double({ min: 0, max: 30, noNaN: true }),
        (input, maxOut, out, inP, outP, fee) => {
          const p = {
            inputMicroPerMTok: inP,
            outputMicroPerMTok: outP,
            cachedInputMicroPerMTok: null,
            cacheWriteMicroPerMTok: null,
          };
          const used = Math.min(out, maxOut);
          const actual = chargeFor(
            { inputTokens: input, outputTokens: used, cachedInputTokens: 0, cacheWriteTokens: 0 },
            p,
            fee,
          );
          expect(maxChargeMicro(input, maxOut, p, fee)).toBeGreaterThanOrEqual(actual.chargeMicro);
        },
      ),
    );
  });
});
