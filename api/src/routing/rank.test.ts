import { describe, expect, test } from 'vitest';
import { pinsOf } from './policy';
import { rankCandidates } from './rank';
import { candidate, policyOf, rankInput } from './rank.fixtures';

// Expected cost for 1,200 input + 400 output tokens, in micro-USD, noted beside each candidate.
const scaleway = candidate({
  provider: 'scaleway',
  region: 'fr-par',
  country: 'FR',
  grid: 56,
  input: 0.2,
  output: 0.6,
  gco2e: 0.1,
}); // 480
const azure = candidate({
  provider: 'azure',
  region: 'swedencentral',
  country: 'SE',
  grid: 40,
  input: 0.15,
  output: 0.6,
  gco2e: 0.08,
}); // 420
const aws = candidate({
  provider: 'aws',
  region: 'us-east-1',
  country: 'US',
  grid: 380,
  input: 0.1,
  output: 0.4,
  gco2e: 0.7,
}); // 280
const ovh = candidate({
  provider: 'ovh',
  region: 'waw',
  country: 'PL',
  grid: 650,
  input: 0.05,
  output: 0.2,
  gco2e: 1.2,
}); // 140
const gcp = candidate({
  provider: 'gcp',
  region: 'europe-west3',
  country: 'DE',
  grid: 350,
  input: 0.3,
  output: 1.2,
  gco2e: 0.5,
}); // 840
const all = [scaleway, azure, aws, ovh, gcp];
const ids = (r: ReturnType<typeof rankCandidates>) => r.attempts.map((a) => a.providerId);

describe('ranks by the policy kind, high-intensity grids last', () => {
  test.each([
    { kind: 'auto', spec: {}, order: ['azure', 'scaleway', 'aws', 'gcp', 'ovh'] },
    {
      kind: 'prefer-cheapest',
      spec: { kind: 'prefer-cheapest' },
      order: ['aws', 'azure', 'scaleway', 'gcp', 'ovh'],
    },
    {
      kind: 'prefer-low-carbon',
      spec: { kind: 'prefer-low-carbon' },
      order: ['azure', 'scaleway', 'gcp', 'aws', 'ovh'],
    },
    {
      kind: 'prefer-region',
      spec: { kind: 'prefer-region', preferRegions: ['DE', 'fr'] },
      order: ['gcp', 'scaleway', 'azure', 'aws', 'ovh'],
    },
    {
      kind: 'fixed-provider',
      spec: { kind: 'fixed-provider', fixed: { providerId: 'scaleway' } },
      order: ['scaleway'],
    },
    {
      kind: 'fixed-provider (endpoint)',
      spec: { kind: 'fixed-provider', fixed: { endpointId: aws.endpoint.id } },
      order: ['aws'],
    },
  ])('$kind', ({ spec, order }) => {
    expect(ids(rankCandidates(rankInput(all, policyOf(spec))))).toEqual(order);
  });
});

test('explains each attempt in plain words', () => {
  const result = rankCandidates(rankInput([aws, ovh, azure], policyOf({ kind: 'prefer-cheapest' })));
  expect(result.attempts.map((a) => a.reasons)).toMatchInlineSnapshot(`
    [
      [
        "first choice",
        "cheapest for ~1,200 input + 400 output tokens: $0.00028",
      ],
      [
        "fallback 1",
        "costs $0.00042 for ~1,200 input + 400 output tokens (cheapest: $0.00028)",
      ],
      [
        "fallback 2",
        "grid 650 gCO2e/kWh is above the 500 threshold: tried after low-carbon regions",
        "cheapest for ~1,200 input + 400 output tokens: $0.00014",
      ],
    ]
  `);
  expect(result.attempts[0]!.score).toBeCloseTo(280);
  expect(result.policySummary).toBe(
    'policy prefer-cheapest; fallbacks allowed; grid threshold 500 gCO2e/kWh',
  );
});

test('applies data residency as a filter and says why', () => {
  const result = rankCandidates(rankInput(all, policyOf({ constraints: { allowedRegions: ['EU'] } })));
  expect(ids(result)).toEqual(['azure', 'scaleway', 'gcp', 'ovh']);
  expect(result.excluded).toEqual([
    { endpointId: aws.endpoint.id, reason: 'excluded: outside data residency EU (aws:us-east-1 is in US)' },
  ]);
});

test('a request narrows the residency to the intersection', () => {
  const policy = policyOf({ constraints: { allowedRegions: ['EU'] } }, { regions: ['FR', 'US'] });
  const result = rankCandidates(rankInput(all, policy, { pinned: pinsOf(policy) }));
  expect(ids(result)).toEqual(['scaleway']);
  expect(result.excluded.find((e) => e.endpointId === aws.endpoint.id)?.reason).toBe(
    'excluded: outside data residency EU (aws:us-east-1 is in US)',
  );
  expect(result.excluded.find((e) => e.endpointId === azure.endpoint.id)?.reason).toBe(
    "excluded: outside the request's regions FR, US (azure:swedencentral is in SE)",
  );
});

test('leaves out endpoints without credentials, open circuits and unavailable endpoints', () => {
  const noKey = candidate({ provider: 'mistral', region: 'fr', country: 'FR', hasCredentials: false });
  const result = rankCandidates(
    rankInput(
      [noKey, scaleway, azure, aws],
      policyOf(),
      {},
      {
        [scaleway.endpoint.id]: {
          state: 'open',
          detail: 'circuit open after 5 consecutive failures (probe in 30 s)',
        },
        [azure.endpoint.id]: 'unavailable',
        [aws.endpoint.id]: 'half-open',
      },
    ),
  );
  expect(ids(result)).toEqual(['aws']);
  expect(result.attempts[0]!.reasons).toContain(
    'circuit half-open: one probe request is allowed after the cool-down',
  );
  expect(result.excluded.map((e) => e.reason)).toEqual([
    'excluded: no credentials configured for provider mistral',
    'excluded: circuit open after 5 consecutive failures (probe in 30 s)',
    'excluded: marked unavailable after a credential error',
  ]);
});

test('leaves out models whose context window cannot hold the request', () => {
  const small = candidate({ provider: 'a', region: 'r', country: 'FR', contextWindow: 8_192 });
  const result = rankCandidates(
    rankInput([small], policyOf(), { estimatedInputTokens: 10_000, maxTokens: 2_000 }),
  );
  expect(result.excluded[0]!.reason).toBe('excluded: context window 8,192 < 12,000 needed');
  expect(result.noRoute).toBe('no endpoint can serve vendor/model-a: 1 context window too small');
});

test('enforces the price and carbon limits on the request mix', () => {
  const policy = policyOf({ constraints: { maxPricePerMTokUsd: 0.5, maxGco2ePer1kTokens: 0.6 } });
  const result = rankCandidates(rankInput([gcp, aws, scaleway], policy));
  expect(ids(result)).toEqual(['scaleway']);
  expect(result.excluded.map((e) => e.reason)).toEqual([
    "excluded: $0.53 per 1M tokens for this request's mix ($0.00084) is above the limit $0.50",
    'excluded: 0.7 gCO2e per 1,000 output tokens, reference request of 400 tokens, is above the limit 0.6',
  ]);
});

test('tries only the first endpoint when fallbacks are off', () => {
  const result = rankCandidates(rankInput(all, policyOf({}, { allowFallbacks: false })));
  expect(ids(result)).toEqual(['azure']);
  expect(
    result.excluded.filter((e) => e.reason === 'not tried: fallbacks are disabled by policy'),
  ).toHaveLength(4);
});

test('honours an only pin and exempts it from the grid demotion', () => {
  const policy = policyOf({ kind: 'prefer-cheapest' }, { only: ['ovh', 'azure'] });
  const result = rankCandidates(rankInput(all, policy, { pinned: pinsOf(policy) }));
  expect(ids(result)).toEqual(['ovh', 'azure']);
  expect(result.attempts[0]!.reasons).toContain(
    'grid 650 gCO2e/kWh is above the 500 threshold, but the request pins this route, so it keeps its place',
  );
});

test("follows the request's order, then the policy for the rest", () => {
  const policy = policyOf({ kind: 'prefer-cheapest' }, { order: ['gcp', scaleway.endpoint.id] });
  expect(ids(rankCandidates(rankInput(all, policy)))).toEqual(['gcp', 'scaleway', 'ovh', 'aws', 'azure']);
});

test('the grid threshold is configurable', () => {
  const input = {
    ...rankInput(all, policyOf({ kind: 'prefer-cheapest' })),
    config: { highIntensityThreshold: 300 },
  };
  expect(ids(rankCandidates(input))).toEqual(['azure', 'scaleway', 'ovh', 'aws', 'gcp']);
});

test('random only orders equals', () => {
  const twin = (p: string) => candidate({ provider: p, region: 'x', country: 'FR' });
  const cands = [twin('a'), twin('b'), twin('c'), aws];
  const run = (r: number[]) =>
    ids(
      rankCandidates({
        ...rankInput(cands, policyOf({ kind: 'prefer-cheapest' })),
        random: () => r.shift() ?? 0,
      }),
    );
  expect(run([0.9, 0.1, 0.5, 0])).toEqual(['aws', 'b', 'c', 'a']);
  expect(run([0.1, 0.5, 0.9, 0.99])).toEqual(['aws', 'a', 'b', 'c']);
  const result = rankCandidates(rankInput(cands, policyOf({ kind: 'prefer-cheapest' })));
  expect(result.attempts[1]!.reasons.at(-1)).toBe(
    'equal on every measure with 2 others: order drawn at random to spread load',
  );
});

test('falls back to the models listed after a named model', () => {
  const b = candidate({
    model: 'vendor/model-b',
    provider: 'scaleway',
    region: 'fr-par',
    country: 'FR',
    gco2e: 0.01,
  });
  const result = rankCandidates(rankInput([b, scaleway, aws], policyOf(), { models: ['vendor/model-b'] }));
  expect(result.attempts.map((a) => a.modelId)).toEqual([
    'vendor/model-a',
    'vendor/model-a',
    'vendor/model-b',
  ]);
  expect(result.attempts[2]!.reasons).toContain(
    "model vendor/model-b is the 1st fallback model in the request's models",
  );
});

test('leaves out models without tool calling when the request offers tools', () => {
  const noTools = candidate({ provider: 'a', region: 'r', country: 'FR', toolCalling: false });
  const result = rankCandidates(rankInput([noTools], policyOf(), { requiresTools: true }));
  expect(result.excluded[0]!.reason).toBe('excluded: model vendor/model-a does not support tool calling');
});

test('says why there is no route', () => {
  const policy = policyOf({ constraints: { allowedRegions: ['US'] } });
  expect(rankCandidates(rankInput([scaleway, azure], policy)).noRoute).toBe(
    'no endpoint can serve vendor/model-a: 2 outside data residency US',
  );
  expect(rankCandidates(rankInput([], policy)).noRoute).toBe(
    'no endpoint in the catalog serves vendor/model-a',
  );
});
