import { describe, expect, it } from 'vitest';
import {
  ecoConfidence,
  ecoPer1kOutputTokens,
  effectivePue,
  estimateInference,
  METHODOLOGY,
  REFERENCE_OUTPUT_TOKENS,
} from './index';

const mistralLarge = {
  activeParamsB: { min: 123, max: 123 },
  totalParamsB: { min: 123, max: 123 },
  deployment: { tps: 36.9, ttftSeconds: 1.05, source: 'ecologits models.json' },
  paramsConfidence: 'disclosed' as const,
};

describe('ecoPer1kOutputTokens', () => {
  it('scales the 400-token reference request (METHODOLOGY §9 A) to 1,000 output tokens', () => {
    const per1k = ecoPer1kOutputTokens({
      model: mistralLarge,
      pue: { min: 1.16, max: 1.16 },
      gridGco2ePerKwh: 35.82,
    });
    const ref = estimateInference({
      activeParamsB: mistralLarge.activeParamsB,
      totalParamsB: mistralLarge.totalParamsB,
      outputTokens: REFERENCE_OUTPUT_TOKENS,
      tokensPerSecond: 36.9,
      ttftSeconds: 1.05,
      pue: { min: 1.16, max: 1.16 },
      gridGco2ePerKwh: 35.82,
    });
    expect(REFERENCE_OUTPUT_TOKENS).toBe(400);
    expect(per1k.energyWh.min).toBeCloseTo(0.24113074 * 2.5, 7);
    expect(per1k.gco2e.max).toBe(ref.gco2e.max * 2.5);
    expect(per1k.confidence).toBe('disclosed-parameters');
    expect(per1k.referenceOutputTokens).toBe(400);
  });

  it('uses the latency regression when the model has no deployment data', () => {
    const { deployment: _none, ...bare } = mistralLarge;
    const withTps = ecoPer1kOutputTokens({
      model: mistralLarge,
      pue: { min: 1.2, max: 1.2 },
      gridGco2ePerKwh: 400,
    });
    const without = ecoPer1kOutputTokens({ model: bare, pue: { min: 1.2, max: 1.2 }, gridGco2ePerKwh: 400 });
    expect(without.energyWh.min).toBeGreaterThan(withTps.energyWh.min);
  });

  it('labels EcoLogits-guessed sizes as estimated-parameters', () => {
    expect(ecoConfidence({ paramsConfidence: 'estimated' })).toBe('estimated-parameters');
  });

  it('takes the region PUE over the provider PUE when the region has one', () => {
    const provider = { pue: { min: 1.09, max: 1.14 } };
    expect(effectivePue(provider, { pue: { min: 1.1, max: 1.1 } })).toEqual({ min: 1.1, max: 1.1 });
    expect(effectivePue(provider, {})).toEqual(provider.pue);
  });
});

describe('METHODOLOGY', () => {
  it('names the pinned version, every limit the page must state, and both confidence levels', () => {
    expect(METHODOLOGY.version).toBe('ecologits-5be90da');
    expect(METHODOLOGY.limits.map((l) => l.id)).toEqual(
      expect.arrayContaining([
        'inference-only',
        'embodied-apart',
        'annual-grid',
        'no-embeddings',
        'input-tokens-ignored',
        'batch-64',
      ]),
    );
    expect(METHODOLOGY.confidence.map((c) => c.level)).toEqual([
      'disclosed-parameters',
      'estimated-parameters',
    ]);
    for (const c of METHODOLOGY.constants) expect(c.unit.length && c.source.length).toBeGreaterThan(0);
  });
});
