/**
 * Residency with provenance, as properties over the real catalog (data/*.json seeded into PGlite):
 * random organisation policies and request overrides are planned with `planRoute` and executed with
 * `executeAttempts` against upstreams that fail at random, and
 * - under strict residency (the default whenever regions are constrained) no request is ever served,
 *   or even tried, by a region whose location is only assumed, fallbacks included;
 * - lenient residency still never leaves the regions asked for;
 * - a geography (EU, EEA, US) never lifts the high-intensity demotion; a pinned region or country does.
 */
import { loadCatalog } from '@lowrouter/data';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { seedCatalog } from '../db/seed';
import { openTestDb, type TestDb } from '../db/testing';
import type { CallChatResult } from '../providers/call';
import { resolveCredentials } from '../providers/credentials';
import type { ProviderError } from '../providers/provider-error';
import { executeAttempts } from './execute';
import { regionMatchesAny } from './geography';
import { createHealthTracker } from './health';
import { type PlanInput, planRoute } from './plan';
import { RouteOverride, RoutingPolicySpec } from './policy';
import type { RoutingTables } from './routing-tables';
import { loadRoutingTables } from './routing-tables';

let t: TestDb;
let tables: RoutingTables;
const THRESHOLD = 500;

beforeAll(async () => {
  t = await openTestDb('pglite');
  const catalog = loadCatalog();
  await seedCatalog(t.handle.db, catalog);
  // Credentials for every provider, so no candidate is left out for want of a key.
  const env: Record<string, string> = {};
  for (const p of catalog.providers) {
    const id = p.id.toUpperCase().replace(/-/g, '_');
    env[`LOWROUTER_${id}_API_KEY`] = 'k-test';
    env[`LOWROUTER_${id}_BASE_URL`] = 'http://127.0.0.1:9/v1';
  }
  tables = await loadRoutingTables(t.handle.db, resolveCredentials(env, catalog.providers));
}, 60_000);
afterAll(() => t.cleanup());

const regionOf = (endpointId: string) => {
  const info = tables.byEndpoint.get(endpointId)!;
  return info.region;
};

/** Selectors drawn from what the catalog really has: geographies, its countries, its region ids. */
function selectorArb(): fc.Arbitrary<string> {
  const countries = [...new Set(tables.regions.map((r) => r.country).filter((c) => /^[A-Z]{2}$/.test(c)))];
  const ids = tables.regions.map((r) => r.id);
  const assumed = tables.regions.filter((r) => r.locationConfidence !== 'documented').map((r) => r.id);
  return fc.oneof(
    { arbitrary: fc.constantFrom('EU', 'EEA', 'US'), weight: 3 },
    { arbitrary: fc.constantFrom(...countries.filter((c) => c !== 'EU' && c !== 'ZZ')), weight: 3 },
    { arbitrary: fc.constantFrom(...ids), weight: 1 },
    // Assumed regions named on purpose, so strict residency has something to refuse.
    { arbitrary: fc.constantFrom(...assumed), weight: 1 },
  );
}

const sometimes = <T>(arb: fc.Arbitrary<T>) =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: 1 }, { arbitrary: arb, weight: 1 });
const defined = <T extends object>(o: T) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

interface Scenario {
  spec: RoutingPolicySpec;
  override: RouteOverride | undefined;
  model: string;
  /** Per endpoint id: whether its upstream fails (retryably), so fallbacks are exercised. */
  fails: (endpointId: string) => boolean;
  seed: number;
}

function scenarioArb(): fc.Arbitrary<Scenario> {
  const sel = selectorArb();
  const providers = tables.providers.map((p) => p.id);
  const models = ['lowrouter/auto', ...tables.models.keys()];
  return fc
    .record({
      kind: fc.constantFrom('auto', 'prefer-low-carbon', 'prefer-cheapest', 'prefer-region'),
      // High-intensity countries among them, so the demotion has something to reorder.
      preferRegions: fc.array(fc.oneof(sel, fc.constantFrom('PL', 'JP', 'IN', 'ZA', 'AU')), {
        minLength: 1,
        maxLength: 3,
      }),
      allowedRegions: sometimes(fc.array(sel, { minLength: 1, maxLength: 3 })),
      orgResidency: sometimes(fc.constantFrom('strict', 'lenient')),
      allowFallbacks: fc.integer({ min: 0, max: 5 }).map((n) => n > 0),
      regions: sometimes(fc.array(sel, { minLength: 1, maxLength: 3 })),
      reqResidency: sometimes(fc.constantFrom('strict', 'lenient')),
      policy: sometimes(fc.constantFrom('auto', 'prefer-low-carbon', 'prefer-cheapest')),
      ignore: sometimes(fc.subarray(providers, { minLength: 1, maxLength: 3 })),
      model: fc.constantFrom(...models),
      fails: fc.func(fc.integer({ min: 0, max: 2 }).map((n) => n > 0)),
      seed: fc.integer(),
    })
    .map((r) => {
      const spec = RoutingPolicySpec.parse({
        kind: r.kind,
        ...(r.kind === 'prefer-region' ? { preferRegions: r.preferRegions } : {}),
        constraints: defined({
          allowedRegions: r.allowedRegions,
          residency: r.allowedRegions ? r.orgResidency : undefined,
          allowFallbacks: r.allowFallbacks,
        }),
      });
      const o = defined({
        regions: r.regions,
        residency: r.reqResidency === 'lenient' && !r.regions ? undefined : r.reqResidency,
        policy: r.policy,
        ignore: r.ignore,
      });
      const override = Object.keys(o).length ? RouteOverride.parse(o) : undefined;
      return { spec, override, model: r.model, fails: r.fails, seed: r.seed };
    });
}

const lcg = (seed: number) => {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return s / 2 ** 32;
  };
};

const planInput = (s: Scenario, threshold = THRESHOLD): PlanInput => ({
  tables,
  spec: s.spec,
  ...(s.override ? { override: s.override } : {}),
  request: { model: s.model, messages: [{ role: 'user', content: 'Summarise this paragraph in one line.' }] },
  health: () => 'closed',
  config: { highIntensityThreshold: threshold },
  random: lcg(s.seed),
});

const failure: ProviderError = {
  kind: 'upstream',
  status: 503,
  retryable: true,
  message: 'upstream unavailable',
  provider: 'fake',
};
const success = (): CallChatResult => ({
  ok: true,
  stream: false,
  status: 200,
  warnings: [],
  response: {
    id: 'x',
    model: 'm',
    message: { role: 'assistant', content: 'ok' },
    finishReason: 'stop',
    usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    warnings: [],
  },
});

/** Plans and executes the scenario; the regions called (in order) and the one that served. */
async function run(s: Scenario) {
  const planned = planRoute(planInput(s));
  if (!planned.ok) return undefined;
  const clock = { t: 0 };
  const called: string[] = [];
  const result = await executeAttempts({
    attempts: planned.plan.rank.attempts,
    stream: false,
    health: createHealthTracker({ now: () => clock.t }),
    now: () => clock.t,
    deadlineMs: 60_000,
    maxAttempts: 50,
    contextWindowOf: (a) => tables.byEndpoint.get(a.endpointId)!.model.contextWindow,
    call: async (a) => {
      called.push(a.endpointId);
      clock.t += 5;
      return s.fails(a.endpointId) ? { ok: false, error: failure } : success();
    },
  });
  return { plan: planned.plan, called, served: result.ok ? result.attempt.endpointId : undefined };
}

const RUNS = { numRuns: 300 };

describe('residency over the real catalog', () => {
  test('the catalog has assumed regions to refuse, each with a note, and documented ones cite a page', () => {
    const assumed = tables.regions.filter((r) => r.locationConfidence === 'assumed');
    expect(assumed.map((r) => r.id)).toContain('anthropic:global');
    for (const r of assumed) expect(r.locationNote).toBeTruthy();
    for (const r of tables.regions.filter((x) => x.locationConfidence === 'documented'))
      expect(r.locationSource).toMatch(/^https:\/\//);
  });

  test('strict residency never serves nor tries an assumed location, fallbacks included', async () => {
    let served = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArb(), async (s) => {
        const out = await run(s);
        if (!out) return;
        const strictLayers = out.plan.policy.residency.filter((l) => l.strict);
        for (const id of out.called) {
          const region = regionOf(id);
          for (const layer of out.plan.policy.residency)
            expect(regionMatchesAny(layer.selectors, region)).toBe(true);
          if (strictLayers.length > 0) expect(region.locationConfidence).toBe('documented');
        }
        // Strict is the default: a constraint nobody marked lenient admits documented locations only.
        const lenient = s.spec.constraints.residency === 'lenient' || s.override?.residency === 'lenient';
        if (out.served) {
          served++;
          if (out.plan.policy.residency.length > 0 && !lenient)
            expect(regionOf(out.served).locationConfidence).toBe('documented');
        }
      }),
      RUNS,
    );
    // The property is about served requests: make sure plenty were.
    expect(served).toBeGreaterThan(50);
  });

  test('a geography never lifts the high-intensity demotion; a pinned region or country does', () => {
    // The plain case first: Poland (581 gCO2e/kWh) preferred, the request restricted to the EU.
    const preferPoland = (regions: string[]): string[] => {
      const planned = planRoute(
        planInput({
          spec: RoutingPolicySpec.parse({ kind: 'prefer-region', preferRegions: ['PL'] }),
          override: RouteOverride.parse({ regions }),
          model: 'openai/gpt-4o-mini',
          fails: () => false,
          seed: 7,
        }),
      );
      return planned.ok ? planned.plan.rank.attempts.map((a) => a.regionId) : [];
    };
    const eu = preferPoland(['EU']);
    expect(eu.length).toBeGreaterThan(1);
    expect(eu[0]).not.toBe('azure-openai:polandcentral');
    expect(eu.at(-1)).toBe('azure-openai:polandcentral');
    expect(preferPoland(['PL', 'SE'])[0]).toBe('azure-openai:polandcentral');
    expect(preferPoland(['azure-openai:polandcentral', 'EU'])[0]).toBe('azure-openai:polandcentral');

    fc.assert(
      fc.property(scenarioArb(), (s) => {
        const planned = planRoute(planInput(s));
        if (!planned.ok) return;
        const attempts = planned.plan.rank.attempts.map((a) => a.endpointId);
        const regions = s.override?.regions ?? [];
        const pin = regions.some((r) => !['EU', 'EEA', 'US'].includes(r));
        const unbanded = planRoute(planInput(s, Number.POSITIVE_INFINITY));
        const unbandedOrder = unbanded.ok ? unbanded.plan.rank.attempts.map((a) => a.endpointId) : [];
        if (!pin) {
          // Only geographies (or nothing): every region above the threshold comes after all below it.
          const above = attempts.map((id) => regionOf(id).gridGco2ePerKwh > THRESHOLD);
          const first = above.indexOf(true);
          if (first >= 0) expect(above.slice(first).every(Boolean)).toBe(true);
        } else {
          // A pin: the order is the one ranking gives without any threshold at all.
          expect(unbandedOrder).toEqual(attempts);
        }
      }),
      RUNS,
    );
  });

  test('a US request is never served by anthropic:global under strict residency, even when every other endpoint fails', async () => {
    const allFail: Scenario = {
      spec: RoutingPolicySpec.parse({}),
      override: RouteOverride.parse({ regions: ['US'], only: ['anthropic', 'aws-bedrock-anthropic'] }),
      model: 'anthropic/claude-sonnet-4-5',
      fails: (id) => !id.endsWith('@anthropic:global'),
      seed: 1,
    };
    const planned = planRoute(planInput(allFail));
    expect(planned.ok).toBe(true);
    if (!planned.ok) return;
    expect(
      planned.plan.rank.excluded.find((e) => e.endpointId.endsWith('@anthropic:global'))?.reason,
    ).toMatch(/location only assumed/);
    const out = await run(allFail);
    expect(out?.called.some((id) => id.endsWith('@anthropic:global'))).toBe(false);
    const lenient = await run({
      ...allFail,
      override: RouteOverride.parse({ regions: ['US'], residency: 'lenient', only: ['anthropic'] }),
    });
    expect(lenient?.served).toMatch(/@anthropic:global$/);
  });
});
