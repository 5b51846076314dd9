import { describe, expect, test } from 'vitest';
import {
  type CatalogView,
  mergePolicy,
  parseRouteOverride,
  pinsOf,
  RouteOverride,
  RoutingPolicySpec,
  validatePolicy,
} from './policy';
import { policyOf } from './rank.fixtures';

const catalog: CatalogView = {
  regions: [
    { id: 'scaleway:fr-par', country: 'FR', locationConfidence: 'documented' },
    { id: 'azure:swedencentral', country: 'SE', locationConfidence: 'documented' },
    { id: 'aws:us-east-1', country: 'US', locationConfidence: 'documented' },
  ],
  endpoints: [
    {
      id: 'm/a@scaleway:fr-par',
      providerId: 'scaleway',
      regionId: 'scaleway:fr-par',
      inputPerMTokUsd: 0.2,
      outputPerMTokUsd: 0.6,
    },
    {
      id: 'm/a@azure:swedencentral',
      providerId: 'azure',
      regionId: 'azure:swedencentral',
      inputPerMTokUsd: 0.3,
      outputPerMTokUsd: 1,
    },
    {
      id: 'm/a@aws:us-east-1',
      providerId: 'aws',
      regionId: 'aws:us-east-1',
      inputPerMTokUsd: 0.1,
      outputPerMTokUsd: 0.4,
    },
  ],
};
const messages = (spec: unknown, override?: unknown) =>
  validatePolicy(policyOf(spec, override ? RouteOverride.parse(override) : undefined), catalog).map(
    (p) => p.message,
  );

describe('RouteOverride', () => {
  test('refuses unknown fields instead of ignoring them', () => {
    expect(RouteOverride.safeParse({ policy: 'prefer-cheapest', provider: 'scaleway' }).success).toBe(false);
    expect(parseRouteOverride({ regions: ['EU'], fallbacks: false })).toEqual({
      ok: false,
      message:
        "route: unknown field 'fallbacks' (accepted: policy, order, only, ignore, regions, residency, allowFallbacks, maxPricePerMTokUsd, maxGco2ePer1kTokens)",
    });
  });

  test('refuses unknown region selectors and kinds, normalises the rest', () => {
    expect(parseRouteOverride({ regions: ['Europe'] })).toMatchObject({
      ok: false,
      message: expect.stringContaining("route.regions.0: unknown region selector 'Europe'"),
    });
    expect(RouteOverride.safeParse({ policy: 'fastest' }).success).toBe(false);
    expect(RouteOverride.parse({ regions: ['eu', 'fr', 'scaleway:fr-par'] }).regions).toEqual([
      'EU',
      'FR',
      'scaleway:fr-par',
    ]);
  });

  test('accepts every documented field', () => {
    const all = {
      policy: 'prefer-region',
      order: ['scaleway', 'm/a@aws:us-east-1'],
      only: ['scaleway'],
      ignore: ['aws'],
      regions: ['EEA'],
      allowFallbacks: false,
      maxPricePerMTokUsd: 2,
      maxGco2ePer1kTokens: 0.5,
    };
    expect(RouteOverride.parse(all)).toEqual(all);
  });
});

describe('RoutingPolicySpec', () => {
  test('defaults to auto with fallbacks and no constraints', () => {
    expect(RoutingPolicySpec.parse({})).toEqual({
      kind: 'auto',
      constraints: { deniedProviders: [], allowFallbacks: true },
    });
  });

  test.each([
    [{ kind: 'prefer-region' }, 'prefer-region needs preferRegions'],
    [{ kind: 'fixed-provider' }, 'fixed-provider needs fixed.providerId or fixed.endpointId'],
    [{ kind: 'auto', fixed: { providerId: 'x' } }, 'fixed is only used with kind fixed-provider, not auto'],
    [{ constraints: { allowedRegion: ['EU'] } }, 'Unrecognized key: "allowedRegion"'],
  ])('refuses %j', (spec, message) => {
    const result = RoutingPolicySpec.safeParse(spec);
    expect(result.error?.issues.map((i) => i.message)).toContain(message);
  });
});

describe('mergePolicy', () => {
  const org = RoutingPolicySpec.parse({
    kind: 'prefer-low-carbon',
    constraints: {
      allowedRegions: ['EU'],
      deniedProviders: ['aws'],
      maxPricePerMTokUsd: 3,
      allowFallbacks: true,
    },
  });

  test('narrows: residency layers, lower limits, fallbacks only if both allow', () => {
    const result = mergePolicy(
      org,
      RouteOverride.parse({ regions: ['FR'], maxPricePerMTokUsd: 5, allowFallbacks: false }),
    );
    expect(result).toEqual({
      ok: true,
      policy: {
        kind: 'prefer-low-carbon',
        preferRegions: [],
        order: [],
        residency: [
          { source: 'organisation', selectors: ['EU'], strict: true },
          { source: 'request', selectors: ['FR'], strict: true },
        ],
        deniedProviders: ['aws'],
        only: [],
        ignore: [],
        maxPricePerMTokUsd: 3,
        allowFallbacks: false,
      },
    });
  });

  test('residency is strict by default; lenient is chosen per layer and a request cannot relax the organisation', () => {
    const layers = (spec: unknown, override?: unknown) => {
      const merged = mergePolicy(
        RoutingPolicySpec.parse(spec),
        override === undefined ? undefined : RouteOverride.parse(override),
      );
      return merged.ok ? merged.policy.residency.map((l) => `${l.source}:${l.strict}`) : merged.problems;
    };
    const orgEu = { constraints: { allowedRegions: ['EU'] } };
    const orgLenient = { constraints: { allowedRegions: ['EU'], residency: 'lenient' } };
    expect(layers(orgEu)).toEqual(['organisation:true']);
    expect(layers(orgLenient)).toEqual(['organisation:false']);
    expect(layers(orgEu, { regions: ['FR'], residency: 'lenient' })).toEqual([
      'organisation:true',
      'request:false',
    ]);
    expect(layers(orgLenient, { regions: ['FR'] })).toEqual(['organisation:false', 'request:true']);
    expect(layers(orgLenient, { residency: 'strict' })).toEqual(['organisation:true']);
    expect(layers({}, { residency: 'lenient' })).toEqual([
      {
        code: 'lenient-without-regions',
        severity: 'error',
        message:
          "route.residency lenient relaxes only the request's own regions: add route.regions, or remove " +
          "route.residency (the organisation's residency is set by its policy and a request cannot relax it)",
      },
    ]);
    expect(parseRouteOverride({ regions: ['US'], residency: 'loose' })).toEqual({
      ok: false,
      message: 'route.residency: Invalid option: expected one of "strict"|"lenient"',
    });
    const noRegions = RoutingPolicySpec.safeParse({ constraints: { residency: 'lenient' } });
    expect(noRegions.success ? [] : noRegions.error.issues.map((i) => i.message)).toEqual([
      'residency (strict or lenient) applies to allowedRegions: set constraints.allowedRegions or remove it',
    ]);
  });

  test('a request cannot turn fallbacks back on', () => {
    const strict = RoutingPolicySpec.parse({ constraints: { allowFallbacks: false } });
    const result = mergePolicy(strict, RouteOverride.parse({ allowFallbacks: true }));
    expect(result.ok && result.policy.allowFallbacks).toBe(false);
  });

  test('fixed-provider from a request takes its single only entry', () => {
    const result = mergePolicy(
      org,
      RouteOverride.parse({ policy: 'fixed-provider', only: ['m/a@scaleway:fr-par'] }),
    );
    expect(result.ok && result.policy.fixed).toEqual({ endpointId: 'm/a@scaleway:fr-par' });
    const bad = mergePolicy(org, RouteOverride.parse({ policy: 'fixed-provider', only: ['a', 'b'] }));
    expect(bad).toEqual({
      ok: false,
      problems: [
        {
          code: 'override-needs-target',
          severity: 'error',
          message: 'policy fixed-provider needs exactly one provider or endpoint id in `only`',
        },
      ],
    });
  });

  test('prefer-region from a request orders by its regions', () => {
    const result = mergePolicy(org, RouteOverride.parse({ policy: 'prefer-region', regions: ['SE', 'FR'] }));
    expect(result.ok && result.policy.preferRegions).toEqual(['SE', 'FR']);
    expect(mergePolicy(org, RouteOverride.parse({ policy: 'prefer-region' })).ok).toBe(false);
  });

  test('pins are the request only list and regions', () => {
    expect(pinsOf(policyOf({}, { only: ['scaleway', 'm/a@aws:us-east-1'], regions: ['FR'] }))).toEqual({
      providers: ['scaleway'],
      endpoints: ['m/a@aws:us-east-1'],
      regions: ['FR'],
    });
    expect(pinsOf(policyOf({ constraints: { allowedRegions: ['EU'] } }))).toEqual({});
  });
});

describe('validatePolicy', () => {
  test('accepts a policy that can route', () => {
    expect(messages({ kind: 'prefer-cheapest', constraints: { allowedRegions: ['EU'] } })).toEqual([]);
  });

  test('refuses a fixed provider outside the residency set, saying where it serves from', () => {
    expect(
      messages({
        kind: 'fixed-provider',
        fixed: { providerId: 'aws' },
        constraints: { allowedRegions: ['EU'] },
      }),
    ).toEqual([
      'fixed provider aws has no endpoint in the allowed regions EU; it serves from aws:us-east-1 (US)',
    ]);
  });

  test('explains an empty intersection of request and organisation residency', () => {
    expect(messages({ constraints: { allowedRegions: ['EU'] } }, { regions: ['US'] })).toEqual([
      "the request's regions US do not overlap the organisation's data residency EU: a request can narrow the residency, never widen it",
    ]);
  });

  test('explains an empty candidate set with counts per cause', () => {
    expect(
      messages({ constraints: { allowedRegions: ['EEA'], deniedProviders: ['scaleway', 'azure'] } }),
    ).toEqual(['no endpoint satisfies the policy: 2 from denied providers, 1 outside the data residency']);
    expect(messages({ constraints: { maxPricePerMTokUsd: 0.05 } })).toEqual([
      'no endpoint can cost $0.05 per 1M tokens or less: the cheapest remaining price is $0.10 per 1M tokens',
    ]);
  });

  test('names unknown selectors, providers and endpoints', () => {
    expect(
      messages({ constraints: { allowedRegions: ['gcp:europe-west1'], allowedProviders: ['gcp'] } }),
    ).toEqual([
      "the organisation's allowed regions: unknown region selector 'gcp:europe-west1': use a region id such as scaleway:fr-par, an ISO 3166 country code such as FR, or one of EU, EEA, US",
      'allowed providers: unknown provider gcp',
    ]);
    expect(messages({ constraints: { allowedRegions: ['JP'] } })).toEqual([
      "the organisation's allowed regions JP match no region in the catalog",
    ]);
  });

  test('warns when preferred regions lie outside the residency', () => {
    const problems = validatePolicy(
      policyOf({ kind: 'prefer-region', preferRegions: ['US'], constraints: { allowedRegions: ['EU'] } }),
      catalog,
    );
    expect(problems).toEqual([
      {
        code: 'preferred-regions-outside-residency',
        severity: 'warning',
        message: 'the preferred regions US are all outside the data residency EU and will never be used',
      },
    ]);
  });
});
