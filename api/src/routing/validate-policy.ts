/**
 * Static checks of a merged policy against the catalog, so an invalid combination is refused with a
 * message that says why before any request is routed: unknown selectors or ids, a residency that
 * matches nothing or whose request/organisation intersection is empty, a fixed provider outside the
 * residency set, an empty candidate set. For a stored spec, validate `mergePolicy(spec).policy`.
 */
import { describeSelectors, expandRegionSelectors, type RegionRef, regionMatchesAny } from './geography';
import type { MergedPolicy, PolicyProblem } from './policy';
import { type FilterCode, policyFilter, splitTargets } from './policy-filter';

/** The slice of the catalog validation needs. */
export interface CatalogView {
  regions: readonly RegionRef[];
  endpoints: readonly {
    id: string;
    providerId: string;
    regionId: string;
    /** USD per 1M tokens. */
    inputPerMTokUsd?: number;
    outputPerMTokUsd?: number;
  }[];
  /** Defaults to the providers that have endpoints. */
  providers?: readonly { id: string }[];
}

const error = (code: PolicyProblem['code'], message: string): PolicyProblem => ({
  code,
  severity: 'error',
  message,
});
const warning = (code: PolicyProblem['code'], message: string): PolicyProblem => ({
  code,
  severity: 'warning',
  message,
});

const FILTER_LABEL: Record<FilterCode, string> = {
  residency: 'outside the data residency',
  'residency-assumed': 'whose location is only assumed (strict residency; `residency: lenient` accepts them)',
  fixed: 'not the fixed provider or endpoint',
  only: "not in the request's only list",
  ignored: 'ignored by the request',
  denied: 'from denied providers',
  'not-allowed': 'from providers that are not allowed',
};

/** Every problem with `policy` against `catalog`; an empty list means the policy can route. */
export function validatePolicy(policy: MergedPolicy, catalog: CatalogView): PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const regionById = new Map(catalog.regions.map((r) => [r.id, r]));
  const providerIds = new Set(
    (catalog.providers ?? catalog.endpoints.map((e) => ({ id: e.providerId }))).map((p) => p.id),
  );
  const endpointIds = new Set(catalog.endpoints.map((e) => e.id));

  // Selectors and residency.
  const layerSets: Set<string>[] = [];
  for (const layer of policy.residency) {
    const whose = layer.source === 'request' ? "the request's regions" : "the organisation's allowed regions";
    const expanded = expandRegionSelectors(layer.selectors, catalog.regions);
    if (!expanded.ok) {
      problems.push(error('unknown-region-selector', `${whose}: ${expanded.message}`));
      continue;
    }
    if (expanded.regionIds.size === 0) {
      problems.push(
        error(
          'residency-matches-no-region',
          `${whose} ${describeSelectors(layer.selectors)} match no region in the catalog`,
        ),
      );
      continue;
    }
    layerSets.push(expanded.regionIds);
  }
  const residencyOk = layerSets.length === policy.residency.length;
  if (residencyOk && layerSets.length > 1 && intersect(layerSets).size === 0) {
    const org = policy.residency.filter((l) => l.source === 'organisation').flatMap((l) => l.selectors);
    const req = policy.residency.filter((l) => l.source === 'request').flatMap((l) => l.selectors);
    problems.push(
      error(
        'residency-intersection-empty',
        `the request's regions ${describeSelectors(req)} do not overlap the organisation's data residency ` +
          `${describeSelectors(org)}: a request can narrow the residency, never widen it`,
      ),
    );
  }
  if (policy.preferRegions.length > 0) {
    const expanded = expandRegionSelectors(policy.preferRegions, catalog.regions);
    if (!expanded.ok)
      problems.push(error('unknown-region-selector', `preferred regions: ${expanded.message}`));
    else if (residencyOk && policy.residency.length > 0) {
      const inside = [...expanded.regionIds].filter((id) => layerSets.every((s) => s.has(id)));
      if (inside.length === 0) {
        problems.push(
          warning(
            'preferred-regions-outside-residency',
            `the preferred regions ${describeSelectors(policy.preferRegions)} are all outside the data residency ` +
              `${describeSelectors(policy.residency.flatMap((l) => l.selectors))} and will never be used`,
          ),
        );
      }
    }
  }

  // Provider and endpoint ids.
  const checkIds = (ids: readonly string[], where: string, severity: 'error' | 'warning') => {
    const { providers, endpoints } = splitTargets(ids);
    for (const p of providers.filter((id) => !providerIds.has(id))) {
      problems.push({ code: 'unknown-provider', severity, message: `${where}: unknown provider ${p}` });
    }
    for (const e of endpoints.filter((id) => !endpointIds.has(id))) {
      problems.push({ code: 'unknown-endpoint', severity, message: `${where}: unknown endpoint ${e}` });
    }
  };
  checkIds(policy.allowedProviders ?? [], 'allowed providers', 'error');
  checkIds(policy.only, "the request's only list", 'error');
  checkIds(policy.deniedProviders, 'denied providers', 'warning');
  checkIds(policy.ignore, "the request's ignore list", 'warning');
  checkIds(policy.order, "the request's order", 'warning');
  if (policy.allowedProviders?.every((p) => policy.deniedProviders.includes(p))) {
    problems.push(
      error(
        'providers-all-denied',
        `every allowed provider (${policy.allowedProviders.join(', ')}) is also denied`,
      ),
    );
  }

  // Fixed provider or endpoint.
  const fixed = policy.kind === 'fixed-provider' ? policy.fixed : undefined;
  if (fixed) {
    const isProvider = 'providerId' in fixed;
    const id = isProvider ? fixed.providerId : fixed.endpointId;
    const label = `fixed ${isProvider ? 'provider' : 'endpoint'} ${id}`;
    const own = catalog.endpoints.filter((e) => (isProvider ? e.providerId === id : e.id === id));
    if (own.length === 0) {
      problems.push(
        error(isProvider ? 'unknown-provider' : 'unknown-endpoint', `${label} is not in the catalog`),
      );
    } else {
      const providerId = own[0]!.providerId;
      if (
        policy.deniedProviders.includes(providerId) ||
        (policy.allowedProviders && !policy.allowedProviders.includes(providerId))
      ) {
        problems.push(
          error(
            'fixed-not-allowed',
            `${label} is not allowed: provider ${providerId} is denied or not in the allowed providers`,
          ),
        );
      }
      const inResidency = own.filter((e) => {
        const region = regionById.get(e.regionId);
        return region && policy.residency.every((l) => regionMatchesAny(l.selectors, region));
      });
      if (residencyOk && inResidency.length === 0) {
        const where = own.map((e) => `${e.regionId} (${regionById.get(e.regionId)?.country ?? '??'})`);
        problems.push(
          error(
            'fixed-outside-residency',
            `${label} has no endpoint in the allowed regions ` +
              `${describeSelectors(policy.residency.flatMap((l) => l.selectors))}; it serves from ${[...new Set(where)].join(', ')}`,
          ),
        );
      }
    }
  }

  // The candidate set as a whole, reported only when nothing more specific explains it.
  if (problems.some((p) => p.severity === 'error')) return problems;
  const counts = new Map<FilterCode, number>();
  const survivors = catalog.endpoints.filter((e) => {
    const region = regionById.get(e.regionId);
    if (!region) return false;
    const out = policyFilter(e, region, policy);
    if (out) counts.set(out.code, (counts.get(out.code) ?? 0) + 1);
    return !out;
  });
  if (survivors.length === 0) {
    const why = [...counts].map(([code, n]) => `${n} ${FILTER_LABEL[code]}`).join(', ');
    problems.push(
      error('no-candidates', `no endpoint satisfies the policy: ${why || 'the catalog has no endpoints'}`),
    );
    return problems;
  }
  const max = policy.maxPricePerMTokUsd;
  if (max !== undefined) {
    // The blended price of any request lies between an endpoint's input and output prices.
    const floor = Math.min(
      ...survivors.map((e) => Math.min(e.inputPerMTokUsd ?? 0, e.outputPerMTokUsd ?? 0)),
    );
    if (floor > max) {
      problems.push(
        error(
          'no-candidates',
          `no endpoint can cost ${usd(max)} per 1M tokens or less: the cheapest remaining price is ${usd(floor)} per 1M tokens`,
        ),
      );
    }
  }
  return problems;
}

function intersect(sets: Set<string>[]): Set<string> {
  const [first, ...rest] = sets;
  return new Set([...(first ?? [])].filter((id) => rest.every((s) => s.has(id))));
}

const usd = (n: number) => `$${n.toFixed(2)}`;
