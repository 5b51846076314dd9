/**
 * The hard filters shared by ranking and policy validation: data residency, fixed-provider, the
 * request's `only` / `ignore`, and the organisation's allowed / denied providers. They are applied
 * before ranking and are never relaxed, not even for fallbacks.
 */
import { describeSelectors, type RegionRef, regionMatchesAny } from './geography';
import type { MergedPolicy } from './policy';

export type FilterCode =
  | 'residency'
  | 'residency-assumed'
  | 'fixed'
  | 'only'
  | 'ignored'
  | 'denied'
  | 'not-allowed';

export interface FilterOutcome {
  code: FilterCode;
  /** Plain words, without the leading "excluded: ". */
  message: string;
}

/** The endpoint fields the filters read. */
export interface FilterableEndpoint {
  id: string;
  providerId: string;
}

const listed = (ids: readonly string[], ep: FilterableEndpoint) =>
  ids.includes(ep.id) || ids.includes(ep.providerId);

/** The first hard filter that rules the endpoint out, or undefined when it passes them all. */
export function policyFilter(
  ep: FilterableEndpoint,
  region: RegionRef,
  policy: MergedPolicy,
): FilterOutcome | undefined {
  for (const layer of policy.residency) {
    if (!regionMatchesAny(layer.selectors, region)) {
      const whose = layer.source === 'request' ? "the request's regions" : 'data residency';
      return {
        code: 'residency',
        message: `outside ${whose} ${describeSelectors(layer.selectors)} (${region.id} is in ${region.country})`,
      };
    }
    if (layer.strict && region.locationConfidence !== 'documented') {
      const whose = layer.source === 'request' ? "the request's" : "the organisation's";
      return {
        code: 'residency-assumed',
        message:
          `location only assumed: ${whose} strict residency ${describeSelectors(layer.selectors)} needs a ` +
          `location the provider documents (residency: lenient accepts assumed ones) (${region.id} is assumed ${region.country})`,
      };
    }
  }
  const fixed = policy.kind === 'fixed-provider' ? policy.fixed : undefined;
  if (fixed && 'providerId' in fixed && fixed.providerId !== ep.providerId) {
    return { code: 'fixed', message: `policy is fixed to provider ${fixed.providerId}` };
  }
  if (fixed && 'endpointId' in fixed && fixed.endpointId !== ep.id) {
    return { code: 'fixed', message: `policy is fixed to endpoint ${fixed.endpointId}` };
  }
  if (policy.only.length > 0 && !listed(policy.only, ep)) {
    return { code: 'only', message: `not in the request's only list (${policy.only.join(', ')})` };
  }
  if (listed(policy.ignore, ep)) {
    const what = policy.ignore.includes(ep.id) ? `endpoint ${ep.id}` : `provider ${ep.providerId}`;
    return { code: 'ignored', message: `${what} is ignored by the request` };
  }
  if (policy.deniedProviders.includes(ep.providerId)) {
    return { code: 'denied', message: `provider ${ep.providerId} is denied by the organisation's policy` };
  }
  if (policy.allowedProviders && !policy.allowedProviders.includes(ep.providerId)) {
    return {
      code: 'not-allowed',
      message: `provider ${ep.providerId} is not among the allowed providers ${policy.allowedProviders.join(', ')}`,
    };
  }
  return undefined;
}

/** True for an endpoint id (`<model id>@<region id>`), false for a provider id. */
export function isEndpointId(id: string): boolean {
  return id.includes('@');
}

/** Splits mixed provider / endpoint ids (`only`, `order`, `ignore`). */
export function splitTargets(ids: readonly string[]): { providers: string[]; endpoints: string[] } {
  return { providers: ids.filter((id) => !isEndpointId(id)), endpoints: ids.filter(isEndpointId) };
}
