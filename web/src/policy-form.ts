/**
 * The routing-policy editor's values ↔ the API: a stored `spec` (RoutingPolicy.spec) fills the form, the
 * form becomes a RoutingPolicyInput for create/update and for the live routePreview. Lists are typed
 * comma- or space-separated. Pure; the server validates (and says what is wrong).
 */

/** Each kind and what it does, as the editor explains it. */
export const POLICY_KINDS = [
  ['auto', 'lowrouter/auto picks the smallest capable model; lowest footprint first.'],
  ['prefer-low-carbon', 'Lowest gCO2e per 1,000 output tokens first.'],
  ['prefer-cheapest', 'Lowest price first.'],
  ['prefer-region', 'The preferred regions first, in order; the rest after them.'],
  ['fixed-provider', 'One provider (or endpoint) first; the rest only as fallbacks.'],
] as const;

export interface PolicyForm {
  name: string;
  kind: string;
  /** prefer-region only. */
  preferRegions: string;
  /** fixed-provider only: a provider id, or an endpoint id (has an @). */
  fixed: string;
  allowedRegions: string;
  /** Residency lenient: the allowed regions also admit locations the provider does not document. */
  lenientResidency: boolean;
  allowedProviders: string;
  deniedProviders: string;
  /** USD per 1M tokens; empty = no cap. */
  maxPrice: string;
  /** gCO2e per 1,000 output tokens; empty = no cap. */
  maxGco2e: string;
  allowFallbacks: boolean;
}

export interface PolicyInput {
  name: string;
  kind: string;
  preferRegions?: string[];
  fixedProviderId?: string;
  fixedEndpointId?: string;
  allowedRegions?: string[];
  /** `lenient`, or absent for strict (documented locations only). */
  residency?: string;
  allowedProviders?: string[];
  deniedProviders?: string[];
  maxPricePerMTokUsd?: number;
  maxGco2ePer1kTokens?: number;
  allowFallbacks: boolean;
}

/** A stored spec, loosely typed: the API returns it as JSON. */
export interface StoredSpec {
  kind?: string;
  preferRegions?: string[];
  fixed?: { providerId?: string; endpointId?: string };
  constraints?: {
    allowedRegions?: string[];
    residency?: string;
    allowedProviders?: string[];
    deniedProviders?: string[];
    maxPricePerMTokUsd?: number;
    maxGco2ePer1kTokens?: number;
    allowFallbacks?: boolean;
  };
}

export const emptyForm = (): PolicyForm => ({
  name: '',
  kind: 'auto',
  preferRegions: '',
  fixed: '',
  allowedRegions: '',
  lenientResidency: false,
  allowedProviders: '',
  deniedProviders: '',
  maxPrice: '',
  maxGco2e: '',
  allowFallbacks: true,
});

const join = (xs: string[] | undefined) => (xs ?? []).join(', ');
const num = (n: number | undefined) => (n === undefined ? '' : String(n));

export function formFromSpec(name: string, spec: StoredSpec): PolicyForm {
  const c = spec.constraints ?? {};
  return {
    name,
    kind: spec.kind ?? 'auto',
    preferRegions: join(spec.preferRegions),
    fixed: spec.fixed?.providerId ?? spec.fixed?.endpointId ?? '',
    allowedRegions: join(c.allowedRegions),
    lenientResidency: c.residency === 'lenient',
    allowedProviders: join(c.allowedProviders),
    deniedProviders: join(c.deniedProviders),
    maxPrice: num(c.maxPricePerMTokUsd),
    maxGco2e: num(c.maxGco2ePer1kTokens),
    allowFallbacks: c.allowFallbacks ?? true,
  };
}

/** "EU, FR  scaleway" → ["EU", "FR", "scaleway"]; empty → undefined (no constraint). */
export function list(text: string): string[] | undefined {
  const items = text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
}

/** A positive number, or undefined for an empty field. NaN is passed on for the server to refuse. */
function amount(text: string): number | undefined {
  const t = text.trim();
  return t === '' ? undefined : Number(t);
}

/** The RoutingPolicyInput of the form; fields that do not apply to the kind are left out. */
export function inputFromForm(f: PolicyForm, fallbackName = 'unsaved policy'): PolicyInput {
  const out: PolicyInput = {
    name: f.name.trim() || fallbackName,
    kind: f.kind,
    allowFallbacks: f.allowFallbacks,
  };
  const set = <K extends keyof PolicyInput>(k: K, v: PolicyInput[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  if (f.kind === 'prefer-region') set('preferRegions', list(f.preferRegions));
  const fixed = f.fixed.trim();
  if (f.kind === 'fixed-provider' && fixed) {
    if (fixed.includes('@')) out.fixedEndpointId = fixed;
    else out.fixedProviderId = fixed;
  }
  set('allowedRegions', list(f.allowedRegions));
  if (f.lenientResidency && out.allowedRegions) out.residency = 'lenient';
  set('allowedProviders', list(f.allowedProviders));
  set('deniedProviders', list(f.deniedProviders));
  set('maxPricePerMTokUsd', amount(f.maxPrice));
  set('maxGco2ePer1kTokens', amount(f.maxGco2e));
  return out;
}
