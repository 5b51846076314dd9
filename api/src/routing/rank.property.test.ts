import type { Tier } from '@lowrouter/shared';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { regionMatchesAny } from './geography';
import { liftsDemotion, mergePolicy, pinsOf, RouteOverride, RoutingPolicySpec } from './policy';
import { rankCandidates } from './rank';
import { candidate } from './rank.fixtures';
import { DEFAULT_RANK_CONFIG, type HealthState, type RankCandidate, type RankInput } from './rank-types';

const PROVIDERS = ['p1', 'p2', 'p3', 'p4'];
const COUNTRIES = ['FR', 'DE', 'SE', 'PL', 'IS', 'NO', 'CH', 'GB', 'US', 'JP'];
const MODELS: { id: string; tier: Tier }[] = [
  { id: 'v/s', tier: 'small' },
  { id: 'v/m', tier: 'medium' },
  { id: 'v/l', tier: 'large' },
  { id: 'v/f', tier: 'frontier' },
];
const REGION_IDS = PROVIDERS.flatMap((p) => ['r1', 'r2'].map((r) => `${p}:${r}`));
const SELECTORS = ['EU', 'EEA', 'US', 'eu', ...COUNTRIES, ...REGION_IDS];
const STATES: HealthState[] = [...Array<HealthState>(12).fill('closed'), 'open', 'half-open', 'unavailable'];

/** `arb` about one time in `1 + odds`, otherwise undefined: constraints are present but not everywhere. */
const sometimes = <T>(arb: fc.Arbitrary<T>, odds = 2) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: odds }, { arbitrary: arb, weight: 1 });

/** A catalog: regions with a fixed country and grid, endpoints = some (model, region) pairs. */
const catalogArb = fc
  .tuple(
    fc.array(fc.record({ country: fc.constantFrom(...COUNTRIES), grid: fc.integer({ min: 10, max: 900 }) }), {
      minLength: REGION_IDS.length,
      maxLength: REGION_IDS.length,
    }),
    fc.uniqueArray(
      fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: REGION_IDS.length - 1 })),
      {
        minLength: 8,
        maxLength: 32,
        selector: ([m, r]) => `${m}/${r}`,
      },
    ),
    fc.array(
      fc.record({
        input: fc.constantFrom(0.1, 0.2, 0.5, 1, 3),
        output: fc.constantFrom(0.4, 0.6, 2, 4, 15),
        gco2e: fc.constantFrom(0.05, 0.1, 0.3, 0.8, 2),
        hasCredentials: fc.integer({ min: 0, max: 9 }).map((n) => n > 0),
        contextWindow: fc.constantFrom(8_192, 32_000, 128_000),
      }),
      { minLength: 32, maxLength: 32 },
    ),
  )
  .map(([regions, pairs, props]): RankCandidate[] =>
    pairs.map(([m, r], i) => {
      const [provider, region] = REGION_IDS[r]!.split(':') as [string, string];
      const model = MODELS[m]!;
      return candidate({ model: model.id, tier: model.tier, provider, region, ...regions[r]!, ...props[i]! });
    }),
  );

const subset = <T>(xs: readonly T[]) => fc.subarray([...xs], { minLength: 1, maxLength: 3 });
const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

const specArb = fc
  .record({
    kind: fc.constantFrom('auto', 'prefer-region', 'prefer-low-carbon', 'prefer-cheapest', 'fixed-provider'),
    preferRegions: subset(SELECTORS),
    fixed: fc.constantFrom(...PROVIDERS),
    allowedRegions: sometimes(subset(SELECTORS), 1),
    allowedProviders: sometimes(subset(PROVIDERS)),
    deniedProviders: sometimes(fc.subarray(PROVIDERS, { maxLength: 1 })),
    maxPricePerMTokUsd: sometimes(fc.constantFrom(0.5, 2, 10)),
    maxGco2ePer1kTokens: sometimes(fc.constantFrom(0.2, 1)),
    allowFallbacks: fc.integer({ min: 0, max: 4 }).map((n) => n > 0),
  })
  .map(({ kind, preferRegions, fixed, allowFallbacks, ...constraints }) =>
    RoutingPolicySpec.parse({
      kind,
      ...(kind === 'prefer-region' ? { preferRegions } : {}),
      ...(kind === 'fixed-provider' ? { fixed: { providerId: fixed } } : {}),
      constraints: { ...defined(constraints), allowFallbacks },
    }),
  );

const targetArb = fc.oneof(
  fc.constantFrom(...PROVIDERS),
  fc.constantFrom(...REGION_IDS).map((r) => `v/m@${r}`),
);
const overrideArb = sometimes(
  fc
    .record({
      policy: sometimes(fc.constantFrom('auto', 'prefer-low-carbon', 'prefer-cheapest')),
      order: sometimes(fc.array(targetArb, { minLength: 1, maxLength: 3 })),
      only: sometimes(fc.array(targetArb, { minLength: 1, maxLength: 3 })),
      ignore: sometimes(fc.array(targetArb, { minLength: 1, maxLength: 2 })),
      regions: sometimes(subset(SELECTORS)),
      allowFallbacks: sometimes(fc.boolean()),
    })
    .map((o) => RouteOverride.parse(defined(o))),
  1,
);

/** A seeded linear congruential generator in [0, 1). */
const lcg = (seed: number) => {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
};

const scenarioArb = fc
  .record({
    candidates: catalogArb,
    spec: specArb,
    override: overrideArb,
    model: fc.constantFrom('v/m', 'v/l', 'lowrouter/auto'),
    tier: fc.constantFrom<Tier>('small', 'medium', 'large'),
    health: fc.func(fc.constantFrom(...STATES)),
    seed: fc.integer(),
  })
  .map(({ candidates, spec, override, model, tier, health, seed }) => {
    const merged = mergePolicy(spec, override);
    if (!merged.ok) return undefined;
    const input: RankInput = {
      candidates,
      policy: merged.policy,
      request: {
        model,
        estimatedInputTokens: 6_000,
        expectedOutputTokens: 800,
        pinned: pinsOf(merged.policy),
        classification: { tier, signals: [], details: [], estimatedInputTokens: 6_000 },
      },
      health: (id) => health(id),
      config: DEFAULT_RANK_CONFIG,
      random: lcg(seed),
    };
    return input;
  })
  .filter((x): x is RankInput => x !== undefined);

const byId = (input: RankInput) => new Map(input.candidates.map((c) => [c.endpoint.id, c]));
const RUNS = { numRuns: 500 };

describe('ranking properties over random catalogs, policies and health', () => {
  test('never routes outside the data residency, not even in fallbacks', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const cands = byId(input);
        for (const a of rankCandidates(input).attempts) {
          const region = cands.get(a.endpointId)!.region;
          for (const layer of input.policy.residency)
            expect(regionMatchesAny(layer.selectors, region)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  test('honours pins: only the pinned providers, endpoints and regions', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const { providers = [], endpoints = [], regions = [] } = input.request.pinned;
        const cands = byId(input);
        for (const a of rankCandidates(input).attempts) {
          if (providers.length + endpoints.length > 0) {
            expect(providers.includes(a.providerId) || endpoints.includes(a.endpointId)).toBe(true);
          }
          if (regions.length > 0)
            expect(regionMatchesAny(regions, cands.get(a.endpointId)!.region)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  test('a region above the grid threshold never outranks one below unless the request pins or orders', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        // A geography (EU, EEA, US) in the request's regions is not a pin.
        fc.pre(!liftsDemotion(input.request.pinned) && input.policy.order.length === 0);
        const cands = byId(input);
        const above = rankCandidates(input).attempts.map(
          (a) =>
            cands.get(a.endpointId)!.region.gridIntensity.gco2ePerKwh > input.config.highIntensityThreshold,
        );
        const firstAbove = above.indexOf(true);
        if (firstAbove >= 0) expect(above.slice(firstAbove).every(Boolean)).toBe(true);
      }),
      RUNS,
    );
  });

  test('never tries an endpoint without credentials or with an open or unavailable circuit', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const cands = byId(input);
        for (const a of rankCandidates(input).attempts) {
          expect(cands.get(a.endpointId)!.hasCredentials).toBe(true);
          expect(['closed', 'half-open']).toContain(input.health(a.endpointId));
        }
      }),
      RUNS,
    );
  });

  test('accounts for every candidate of the requested model exactly once', () => {
    fc.assert(
      fc.property(scenarioArb, (input) => {
        const result = rankCandidates(input);
        const seen = [
          ...result.attempts.map((a) => a.endpointId),
          ...result.excluded.map((e) => e.endpointId),
        ];
        const auto = input.request.model === 'lowrouter/auto';
        const expected = input.candidates
          .filter((c) => auto || c.endpoint.modelId === input.request.model)
          .map((c) => c.endpoint.id);
        expect(seen.sort()).toEqual(expected.sort());
        if (!input.policy.allowFallbacks) expect(result.attempts.length).toBeLessThanOrEqual(1);
      }),
      RUNS,
    );
  });

  test('random only reorders attempts that are equal on every measure', () => {
    fc.assert(
      fc.property(scenarioArb, fc.integer(), (input, otherSeed) => {
        const a = rankCandidates(input).attempts;
        const b = rankCandidates({ ...input, random: lcg(otherSeed) }).attempts;
        const tied = (x: (typeof a)[number]) => x.reasons.some((r) => r.startsWith('equal on every measure'));
        expect(b.map((x) => x.score)).toEqual(a.map((x) => x.score));
        a.forEach((x, i) => {
          if (!tied(x)) expect(b[i]!.endpointId).toBe(x.endpointId);
        });
      }),
      RUNS,
    );
  });
});
