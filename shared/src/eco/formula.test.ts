import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { caseToInput, GOLDEN_COLUMNS, parseCsv, relativeError } from './__fixtures__/eco-cases';
import { estimateInference, gpuCountFor, type InferenceEstimate, type InferenceInput } from './index';

const csvBytes = readFileSync(new URL('./__fixtures__/eco-cases.csv', import.meta.url));
const rows = parseCsv(csvBytes.toString('utf8'));
const TOLERANCE = 1e-9;

/** Relative closeness for figures printed with a few significant digits in METHODOLOGY.md. */
function expectNear(actual: number, expected: number, rel: number): void {
  expect(relativeError(actual, expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel);
}

describe('EcoLogits golden cases (mlco2/ecologits @ 5be90da)', () => {
  it('the fixture is the reference file, byte for byte, with all 27 cases', () => {
    expect(createHash('sha256').update(csvBytes).digest('hex')).toBe(
      '377761c2e5b3502ecfe0e864d3468f41661cd78d225b74b46fa29d5ffd1d0fe1',
    );
    expect(rows).toHaveLength(27);
  });

  it.each(rows.map((row) => [`${row.case_id} ${row.model || row.description}`, row] as const))(
    '%s matches every intermediate and output to 1e-9',
    (_name, row) => {
      const estimate = estimateInference(caseToInput(row));
      for (const { stem, field, scale } of GOLDEN_COLUMNS) {
        for (const bound of ['min', 'max'] as const) {
          const expected = Number(row[`${stem}_${bound}`]) * scale;
          const actual = estimate[field][bound];
          expect(
            relativeError(actual, expected),
            `${stem}_${bound}: ${actual} vs ${expected}`,
          ).toBeLessThanOrEqual(TOLERANCE);
        }
        expect(estimate[field].mid).toBe((estimate[field].min + estimate[field].max) / 2);
      }
      // EcoLogits' total gwp is usage + embodied; ours keeps them apart but they must add up to it.
      for (const bound of ['min', 'max'] as const) {
        const total = estimate.gco2e[bound] + estimate.gco2eEmbodied[bound];
        expect(relativeError(total, Number(row[`gwp_total_kgco2eq_${bound}`]) * 1000)).toBeLessThanOrEqual(
          TOLERANCE,
        );
      }
    },
  );

  it('stays far inside the tolerance over all 432 golden values', () => {
    let worst = 0;
    let count = 0;
    for (const row of rows) {
      const estimate = estimateInference(caseToInput(row));
      for (const { stem, field, scale } of GOLDEN_COLUMNS) {
        for (const bound of ['min', 'max'] as const) {
          worst = Math.max(
            worst,
            relativeError(estimate[field][bound], Number(row[`${stem}_${bound}`]) * scale),
          );
          count++;
        }
      }
    }
    expect(count).toBe(432);
    expect(worst).toBeLessThan(1e-15);
  });
});

describe('worked examples (METHODOLOGY.md §9)', () => {
  it('example A: mistral-large-2411, 400 tokens, TPS/TTFT path, nothing measured', () => {
    const e = estimateInference({
      activeParamsB: { min: 123, max: 123 },
      totalParamsB: { min: 123, max: 123 },
      outputTokens: 400,
      tokensPerSecond: 36.9,
      ttftSeconds: 1.05,
      pue: { min: 1.16, max: 1.16 },
      gridGco2ePerKwh: 35.82,
    });
    expectNear(e.energyPerTokenWh.min, 1.105671895774e-4, 1e-12);
    expect(e.gpuCount).toEqual({ min: 4, max: 4, mid: 4 });
    expectNear(e.estimatedLatencySeconds.min, 11.8901084, 1e-8);
    expect(e.latencySeconds.min).toBe(e.estimatedLatencySeconds.min);
    expectNear(e.serverEnergyWh.min, 3.0963824e-2, 1e-7);
    expectNear(e.energyWh.min, 0.24113074, 1e-7);
    expectNear(e.gco2e.min, 8.6373e-3, 1e-4);
    expectNear(e.gco2eEmbodied.min, 6.8848e-3, 1e-4);
    expect(e.energyWh.max).toBe(e.energyWh.min);
  });

  it('example A without TPS falls back to the latency regression (49.158 s)', () => {
    const e = estimateInference({
      activeParamsB: { min: 123, max: 123 },
      totalParamsB: { min: 123, max: 123 },
      outputTokens: 400,
      pue: { min: 1.16, max: 1.16 },
      gridGco2ePerKwh: 35.82,
    });
    expectNear(e.latencySeconds.min, 49.158, 1e-4);
  });

  it('example B: gpt-4o, 250 tokens, measured 2.0 s binds, low and high runs', () => {
    const e = estimateInference({
      activeParamsB: { min: 44, max: 132 },
      totalParamsB: { min: 440, max: 440 },
      outputTokens: 250,
      latencySeconds: 2.0,
      tokensPerSecond: 37.8,
      ttftSeconds: 0.52,
      pue: { min: 1.2, max: 1.2 },
      gridGco2ePerKwh: 383.55,
    });
    expectNear(e.energyPerTokenWh.min, 6.558349e-5, 1e-6);
    expectNear(e.energyPerTokenWh.max, 1.156919e-4, 1e-6);
    expect(e.gpuCount).toEqual({ min: 16, max: 16, mid: 16 });
    expectNear(e.estimatedLatencySeconds.min, 7.1338, 1e-5);
    expect(e.latencySeconds).toEqual({ min: 2, max: 2, mid: 2 });
    expectNear(e.serverEnergyWh.min, 2.08333e-2, 1e-5);
    expectNear(e.gpuEnergyWh.min, 0.262334, 1e-5);
    expectNear(e.gpuEnergyWh.max, 0.462768, 1e-5);
    expectNear(e.energyWh.min, 0.339801, 1e-5);
    expectNear(e.energyWh.max, 0.580321, 1e-5);
    expectNear(e.energyWh.mid, 0.4601, 1e-4);
    expectNear(e.gco2e.min, 0.130331, 1e-5);
    expectNear(e.gco2e.max, 0.222582, 1e-5);
    expectNear(e.gco2eEmbodied.min, 4.6323e-3, 1e-4);
  });
});

describe('GPU count', () => {
  it('rounds 1.2 · P_t · 2 bytes / 80 GB up to a power of two', () => {
    expect([1, 33.33, 33.34, 66.67, 123, 440, 671, 5400].map(gpuCountFor)).toEqual([
      1, 1, 2, 4, 4, 16, 32, 256,
    ]);
  });
});

describe('input validation', () => {
  const base: InferenceInput = {
    activeParamsB: { min: 8, max: 8 },
    totalParamsB: { min: 8, max: 8 },
    outputTokens: 100,
    pue: { min: 1.2, max: 1.2 },
    gridGco2ePerKwh: 400,
  };
  it.each([
    ['outputTokens', { ...base, outputTokens: -1 }],
    ['outputTokens', { ...base, outputTokens: Number.NaN }],
    ['pue', { ...base, pue: { min: 1.3, max: 1.2 } }],
    ['pue.min', { ...base, pue: { min: 0.5, max: 1.2 } }],
    ['totalParamsB.min', { ...base, totalParamsB: { min: 0, max: 8 } }],
    ['activeParamsB.max', { ...base, activeParamsB: { min: 1, max: Number.POSITIVE_INFINITY } }],
    ['tokensPerSecond', { ...base, tokensPerSecond: 0 }],
    ['latencySeconds', { ...base, latencySeconds: -0.1 }],
    ['gridGco2ePerKwh', { ...base, gridGco2ePerKwh: -5 }],
  ])('rejects a bad %s with a field-named error', (field, input) => {
    expect(() => estimateInference(input)).toThrow(
      new RegExp(`^invalid eco input: ${field.replace('.', '\\.')} `),
    );
  });
});

const minMax = (lo: number, hi: number) =>
  fc
    .tuple(fc.double({ min: lo, max: hi, noNaN: true }), fc.double({ min: lo, max: hi, noNaN: true }))
    .map(([a, b]) => (a <= b ? { min: a, max: b } : { min: b, max: a }));

const arbInput: fc.Arbitrary<InferenceInput> = fc
  .record({
    activeParamsB: minMax(0, 2000),
    totalParamsB: minMax(0.001, 6000),
    outputTokens: fc.integer({ min: 0, max: 200_000 }),
    latencySeconds: fc.option(fc.double({ min: 0, max: 3600, noNaN: true }), { nil: undefined }),
    tokensPerSecond: fc.option(fc.double({ min: 0.1, max: 5000, noNaN: true }), { nil: undefined }),
    ttftSeconds: fc.option(fc.double({ min: 0, max: 120, noNaN: true }), { nil: undefined }),
    pue: minMax(1, 2),
    gridGco2ePerKwh: fc.double({ min: 0, max: 1500, noNaN: true }),
  })
  .map((r) => {
    const input: InferenceInput = { ...r };
    for (const key of ['latencySeconds', 'tokensPerSecond', 'ttftSeconds'] as const) {
      if (input[key] === undefined) delete input[key];
    }
    return input;
  });

const FIELDS: (keyof InferenceEstimate)[] = [
  'gpuCount',
  'energyPerTokenWh',
  'estimatedLatencySeconds',
  'latencySeconds',
  'gpuEnergyWh',
  'serverEnergyWh',
  'energyWh',
  'gco2e',
  'gco2eEmbodied',
];

describe('properties', () => {
  it('more output tokens never give less energy or carbon', () => {
    fc.assert(
      fc.property(arbInput, fc.integer({ min: 0, max: 10_000 }), (input, extra) => {
        const a = estimateInference(input);
        const b = estimateInference({ ...input, outputTokens: input.outputTokens + extra });
        for (const bound of ['min', 'max'] as const) {
          expect(b.energyWh[bound]).toBeGreaterThanOrEqual(a.energyWh[bound]);
          expect(b.gco2e[bound]).toBeGreaterThanOrEqual(a.gco2e[bound]);
        }
      }),
    );
  });

  it('min <= mid <= max for every figure', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const e = estimateInference(input);
        for (const field of FIELDS) {
          expect(e[field].min).toBeLessThanOrEqual(e[field].mid);
          expect(e[field].mid).toBeLessThanOrEqual(e[field].max);
        }
      }),
    );
  });

  it('a measured latency can only lower the result', () => {
    fc.assert(
      fc.property(arbInput, fc.double({ min: 0, max: 3600, noNaN: true }), (input, measured) => {
        const { latencySeconds: _drop, ...unmeasured } = input;
        const free = estimateInference(unmeasured);
        const capped = estimateInference({ ...unmeasured, latencySeconds: measured });
        expect(capped.energyWh.max).toBeLessThanOrEqual(free.energyWh.max);
        expect(capped.latencySeconds.max).toBe(Math.min(measured, free.estimatedLatencySeconds.max));
      }),
    );
  });

  it('embodied carbon is never part of the headline gco2e', () => {
    fc.assert(
      fc.property(arbInput, (input) => {
        const e = estimateInference(input);
        for (const bound of ['min', 'max'] as const) {
          // headline = energy × grid, nothing else
          const usage = (e.energyWh[bound] / 1000) * input.gridGco2ePerKwh;
          expect(relativeError(e.gco2e[bound], usage)).toBeLessThanOrEqual(1e-12);
        }
        const clean = estimateInference({ ...input, gridGco2ePerKwh: 0 });
        expect(clean.gco2e).toEqual({ min: 0, max: 0, mid: 0 });
        expect(clean.gco2eEmbodied).toEqual(e.gco2eEmbodied);
        if (e.latencySeconds.min >= 1e-6) expect(clean.gco2eEmbodied.min).toBeGreaterThan(0);
      }),
    );
  });
});
