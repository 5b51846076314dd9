/**
 * Routing policies as data: the organisation's stored `RoutingPolicySpec`, the per-request
 * `RouteOverride` (REST body `route`, GraphQL `RouteInput`) and their merge into the `MergedPolicy`
 * that `rankCandidates` reads. `validatePolicy` (validate-policy.ts, re-exported here) checks a merged
 * policy against the catalog.
 *
 * Merge rules, so a request can narrow the organisation's policy but never widen it:
 * - residency: the request's `regions` is a second layer; a candidate must satisfy every layer
 *   (intersection). An empty intersection is a validation error that names both sides. Each layer is
 *   `strict` (only regions whose location the provider documents) unless its owner chose `lenient`:
 *   the organisation in `constraints.residency`, the request in `route.residency` (which relaxes only
 *   the request's own `regions`; `route.residency: strict` tightens every layer).
 * - providers: `only` and `ignore` filter further; the organisation's allowed / denied lists stay.
 * - limits: the lower of the two maxima wins (price in USD per 1M tokens, gCO2e per 1,000 tokens).
 * - fallbacks: allowed only when both sides allow them.
 * - kind: the request's `policy` replaces the organisation's kind. `fixed-provider` is a preference
 *   kind; an operator who must forbid other providers uses `constraints.allowedProviders`.
 */
import { z } from 'zod';
import { normalizeSelector, selectorKind, unknownSelectorMessage } from './geography';
import { isEndpointId } from './policy-filter';

export { isEndpointId } from './policy-filter';
export { type CatalogView, validatePolicy } from './validate-policy';

export const PolicyKind = z.enum([
  'auto',
  'prefer-region',
  'prefer-low-carbon',
  'prefer-cheapest',
  'fixed-provider',
]);
export type PolicyKind = z.infer<typeof PolicyKind>;

const PROVIDER_ID = /^[a-z0-9-]+$/;

/** A catalog provider id (`scaleway`). */
export const ProviderId = z
  .string()
  .regex(PROVIDER_ID, 'a provider id is lower-case letters, digits and dashes');

/** A provider id, or an endpoint id (`<model id>@<region id>`, recognised by its `@`). */
export const TargetId = z.string().refine((s) => PROVIDER_ID.test(s) || /^[^@\s]+@[^@\s]+$/.test(s), {
  message: 'expected a provider id (scaleway) or an endpoint id (<model id>@<region id>)',
});

/** A region id, ISO 3166-1 alpha-2 country code or named geography (EU, EEA, US); see geography.ts. */
export const RegionSelector = z
  .string()
  .superRefine((s, ctx) => {
    if (!selectorKind(s)) ctx.addIssue({ code: 'custom', message: unknownSelectorMessage(s) });
  })
  .transform(normalizeSelector);

/**
 * How a residency constraint treats regions whose location is only assumed: `strict` (the default
 * whenever regions are constrained) admits only locations the provider documents; `lenient` also
 * admits assumed ones.
 */
export const ResidencyMode = z.enum(['strict', 'lenient']);
export type ResidencyMode = z.infer<typeof ResidencyMode>;

/** One provider, or one endpoint, for `fixed-provider`. */
export const FixedTarget = z.union([
  z.strictObject({ providerId: ProviderId }),
  z.strictObject({ endpointId: z.string().min(1) }),
]);
export type FixedTarget = z.infer<typeof FixedTarget>;

/** Constraints that combine with any kind. Residency and providers are hard filters, never relaxed. */
export const RoutingConstraints = z.strictObject({
  /** Data residency: only regions these selectors cover. Absent = anywhere. */
  allowedRegions: z.array(RegionSelector).min(1).optional(),
  /** How `allowedRegions` treats assumed locations; strict unless `lenient` is chosen. */
  residency: ResidencyMode.optional(),
  /** Only these providers. Absent = any provider. */
  allowedProviders: z.array(ProviderId).min(1).optional(),
  deniedProviders: z.array(ProviderId).default([]),
  /** USD per 1M tokens, blended over the request's expected input and output tokens. */
  maxPricePerMTokUsd: z.number().positive().optional(),
  /** gCO2e per 1,000 output tokens of the endpoint (model energy × region intensity × PUE). */
  maxGco2ePer1kTokens: z.number().positive().optional(),
  /** False: only the first ranked endpoint is tried. */
  allowFallbacks: z.boolean().default(true),
});
export type RoutingConstraints = z.infer<typeof RoutingConstraints>;

/** An organisation's stored policy. */
export const RoutingPolicySpec = z
  .strictObject({
    kind: PolicyKind.default('auto'),
    /** For `prefer-region`: tried in this order; regions no selector covers come after. */
    preferRegions: z.array(RegionSelector).min(1).optional(),
    /** For `fixed-provider`. */
    fixed: FixedTarget.optional(),
    constraints: RoutingConstraints.prefault({}),
  })
  .superRefine((spec, ctx) => {
    if (spec.kind === 'prefer-region' && !spec.preferRegions) {
      ctx.addIssue({ code: 'custom', path: ['preferRegions'], message: 'prefer-region needs preferRegions' });
    }
    if (spec.kind === 'fixed-provider' && !spec.fixed) {
      ctx.addIssue({
        code: 'custom',
        path: ['fixed'],
        message: 'fixed-provider needs fixed.providerId or fixed.endpointId',
      });
    }
    if (spec.constraints.residency && !spec.constraints.allowedRegions) {
      ctx.addIssue({
        code: 'custom',
        path: ['constraints', 'residency'],
        message:
          'residency (strict or lenient) applies to allowedRegions: set constraints.allowedRegions or remove it',
      });
    }
    if (spec.kind !== 'fixed-provider' && spec.fixed) {
      ctx.addIssue({
        code: 'custom',
        path: ['fixed'],
        message: `fixed is only used with kind fixed-provider, not ${spec.kind}`,
      });
    }
  });
export type RoutingPolicySpec = z.infer<typeof RoutingPolicySpec>;

/** The per-request override. Unknown fields are refused, not ignored. */
export const RouteOverride = z.strictObject({
  policy: PolicyKind.optional(),
  /** Provider or endpoint ids, tried in this order before everything else. */
  order: z.array(TargetId).min(1).optional(),
  /** Only these provider or endpoint ids (a pin). With policy fixed-provider: exactly one. */
  only: z.array(TargetId).min(1).optional(),
  /** Never these provider or endpoint ids. */
  ignore: z.array(TargetId).optional(),
  /** Narrows the organisation's data residency (a pin); with prefer-region, also the preference order. */
  regions: z.array(RegionSelector).min(1).optional(),
  /**
   * `lenient`: the request's `regions` also admit regions whose location is only assumed (needs
   * `regions`; the organisation's strict residency still applies). `strict`: every residency layer
   * admits documented locations only. Absent: strict for the request's `regions`.
   */
  residency: ResidencyMode.optional(),
  allowFallbacks: z.boolean().optional(),
  maxPricePerMTokUsd: z.number().positive().optional(),
  maxGco2ePer1kTokens: z.number().positive().optional(),
});
export type RouteOverride = z.infer<typeof RouteOverride>;

/** Parses a request's `route` object into an override or one readable message ("route.foo: ..."). */
export function parseRouteOverride(
  input: unknown,
): { ok: true; value: RouteOverride } | { ok: false; message: string } {
  const parsed = RouteOverride.safeParse(input);
  if (parsed.success) return { ok: true, value: parsed.data };
  const message = parsed.error.issues
    .map((issue) => {
      const where = ['route', ...issue.path.map(String)].join('.');
      if (issue.code === 'unrecognized_keys') {
        const accepted = Object.keys(RouteOverride.shape).join(', ');
        return `${where}: unknown field ${issue.keys.map((k) => `'${k}'`).join(', ')} (accepted: ${accepted})`;
      }
      return `${where}: ${issue.message}`;
    })
    .join('; ');
  return { ok: false, message };
}

/** One residency layer; a candidate region must be covered by every layer. */
export interface ResidencyLayer {
  source: 'organisation' | 'request';
  selectors: string[];
  /** Only regions whose location the provider documents (`residency: strict`). */
  strict: boolean;
}

/** The policy the ranker reads: organisation policy with the request's override applied. */
export interface MergedPolicy {
  kind: PolicyKind;
  /** Region selectors in preference order (prefer-region). */
  preferRegions: string[];
  fixed?: FixedTarget;
  /** Provider or endpoint ids from the request, tried first in this order. */
  order: string[];
  residency: ResidencyLayer[];
  allowedProviders?: string[];
  deniedProviders: string[];
  /** Provider or endpoint ids from the request's `only` (empty = no restriction). */
  only: string[];
  /** Provider or endpoint ids from the request's `ignore`. */
  ignore: string[];
  /** USD per 1M tokens, blended over the request's expected tokens. */
  maxPricePerMTokUsd?: number;
  /** gCO2e per 1,000 output tokens. */
  maxGco2ePer1kTokens?: number;
  allowFallbacks: boolean;
}

export type PolicyProblemCode =
  | 'override-needs-target'
  | 'lenient-without-regions'
  | 'prefer-region-without-regions'
  | 'unknown-region-selector'
  | 'residency-matches-no-region'
  | 'residency-intersection-empty'
  | 'unknown-provider'
  | 'unknown-endpoint'
  | 'providers-all-denied'
  | 'fixed-not-allowed'
  | 'fixed-outside-residency'
  | 'no-candidates'
  | 'preferred-regions-outside-residency';

/** A typed problem with a message an operator can act on. Errors refuse the policy; warnings do not. */
export interface PolicyProblem {
  code: PolicyProblemCode;
  severity: 'error' | 'warning';
  message: string;
}

export type MergeResult = { ok: true; policy: MergedPolicy } | { ok: false; problems: PolicyProblem[] };

const lower = (a?: number, b?: number): number | undefined =>
  a === undefined ? b : b === undefined ? a : Math.min(a, b);

/** Applies `override` to `org` (see the merge rules at the top of this file). */
export function mergePolicy(org: RoutingPolicySpec, override?: RouteOverride): MergeResult {
  const c = org.constraints;
  const o = override ?? {};
  const problems: PolicyProblem[] = [];
  const kind = o.policy ?? org.kind;

  let fixed = kind === org.kind ? org.fixed : undefined;
  if (o.policy === 'fixed-provider') {
    const target = o.only?.length === 1 ? o.only[0]! : undefined;
    if (target) fixed = isEndpointId(target) ? { endpointId: target } : { providerId: target };
    else
      problems.push({
        code: 'override-needs-target',
        severity: 'error',
        message: 'policy fixed-provider needs exactly one provider or endpoint id in `only`',
      });
  }

  let preferRegions = org.preferRegions ?? [];
  if (kind === 'prefer-region' && o.policy === 'prefer-region' && o.regions) preferRegions = o.regions;
  if (kind === 'prefer-region' && preferRegions.length === 0) {
    problems.push({
      code: 'prefer-region-without-regions',
      severity: 'error',
      message: 'policy prefer-region needs an ordered list of regions, countries or geographies in `regions`',
    });
  }
  if (o.residency === 'lenient' && !o.regions) {
    problems.push({
      code: 'lenient-without-regions',
      severity: 'error',
      message:
        "route.residency lenient relaxes only the request's own regions: add route.regions, or remove " +
        "route.residency (the organisation's residency is set by its policy and a request cannot relax it)",
    });
  }
  if (problems.length > 0) return { ok: false, problems };

  const tighten = o.residency === 'strict';
  const residency: ResidencyLayer[] = [];
  if (c.allowedRegions)
    residency.push({
      source: 'organisation',
      selectors: c.allowedRegions,
      strict: tighten || c.residency !== 'lenient',
    });
  if (o.regions)
    residency.push({ source: 'request', selectors: o.regions, strict: o.residency !== 'lenient' });

  const policy: MergedPolicy = {
    kind,
    preferRegions,
    order: o.order ?? [],
    residency,
    deniedProviders: c.deniedProviders,
    only: o.only ?? [],
    ignore: o.ignore ?? [],
    allowFallbacks: c.allowFallbacks && (o.allowFallbacks ?? true),
  };
  if (fixed) policy.fixed = fixed;
  if (c.allowedProviders) policy.allowedProviders = c.allowedProviders;
  const maxPrice = lower(c.maxPricePerMTokUsd, o.maxPricePerMTokUsd);
  if (maxPrice !== undefined) policy.maxPricePerMTokUsd = maxPrice;
  const maxCarbon = lower(c.maxGco2ePer1kTokens, o.maxGco2ePer1kTokens);
  if (maxCarbon !== undefined) policy.maxGco2ePer1kTokens = maxCarbon;
  return { ok: true, policy };
}

/** What the request pinned, for `rankCandidates`' `request.pinned`. */
export interface Pins {
  providers?: string[];
  endpoints?: string[];
  /** Region selectors. */
  regions?: string[];
}

/**
 * The request's pins: `only` (split into providers and endpoints; a request-level fixed-provider
 * target is its single `only` entry) and the request's `regions`. A request that pins providers,
 * endpoints, a region id or a country is exempt from the grid-intensity demotion; a geography
 * (`EU`, `EEA`, `US`) alone is a residency constraint, not a pin, and does not lift it (`liftsDemotion`).
 */
export function pinsOf(policy: MergedPolicy): Pins {
  const pins: Pins = {};
  const ids = policy.only;
  const requestRegions = policy.residency.filter((l) => l.source === 'request').flatMap((l) => l.selectors);
  const providers = ids.filter((id) => !isEndpointId(id));
  const endpoints = ids.filter(isEndpointId);
  if (providers.length > 0) pins.providers = providers;
  if (endpoints.length > 0) pins.endpoints = endpoints;
  if (requestRegions.length > 0) pins.regions = requestRegions;
  return pins;
}

/** True when the pins name a provider, an endpoint, a region id or a country (not only geographies). */
export function liftsDemotion(pins: Pins): boolean {
  if ((pins.providers?.length ?? 0) > 0 || (pins.endpoints?.length ?? 0) > 0) return true;
  return (pins.regions ?? []).some((s) => selectorKind(s) !== 'geography');
}
