/**
 * The tier rule, written once and applied by the build script and by `checkCatalog`.
 *
 * size S (billions of parameters) = sqrt(mid(active) × mid(total)), a "dense-equivalent" size: for a dense
 * model it is the parameter count; for a mixture-of-experts it sits between the active and total counts.
 * reference output price P (USD per 1M output tokens) = the model vendor's own API price when the catalog
 * has an endpoint whose provider id equals the vendor (openai, anthropic, mistral, google), otherwise the
 * lowest output price among hosted (not self-hosted) endpoints.
 *
 *   frontier  if P >= 10 or S >= 500
 *   large     else if S >= 100
 *   medium    else if S >= 30
 *   small     otherwise
 *
 * Closed models use EcoLogits' estimated ranges, so their tier inherits that uncertainty (see README).
 */
import type { Endpoint, Model, Provider, Tier } from '@lowrouter/shared/catalog';

/** USD per 1M output tokens at or above which a model is frontier regardless of its size. */
export const FRONTIER_OUTPUT_PRICE_USD = 10;
/** Dense-equivalent size thresholds, billions of parameters. */
export const SIZE_THRESHOLDS_B = { frontier: 500, large: 100, medium: 30 } as const;

const mid = (r: { min: number; max: number }): number => (r.min + r.max) / 2;

/** Dense-equivalent size in billions of parameters. */
export function denseEquivalentSizeB(model: Pick<Model, 'activeParamsB' | 'totalParamsB'>): number {
  return Math.sqrt(mid(model.activeParamsB) * mid(model.totalParamsB));
}

/** Reference output price in USD per 1M tokens, or undefined when the model has no hosted endpoint. */
export function referenceOutputPriceUsd(
  model: Pick<Model, 'id' | 'vendor'>,
  endpoints: readonly Endpoint[],
  providers: readonly Provider[],
): number | undefined {
  const own = endpoints.filter((e) => e.modelId === model.id);
  const firstParty = own.filter((e) => e.providerId === model.vendor);
  const selfHosted = new Set(providers.filter((p) => p.selfHosted).map((p) => p.id));
  const pool = firstParty.length > 0 ? firstParty : own.filter((e) => !selfHosted.has(e.providerId));
  if (pool.length === 0) return undefined;
  return Math.min(...pool.map((e) => e.outputPerMTokUsd));
}

export function tierFor(sizeB: number, outputPriceUsd: number | undefined): Tier {
  if ((outputPriceUsd ?? 0) >= FRONTIER_OUTPUT_PRICE_USD || sizeB >= SIZE_THRESHOLDS_B.frontier) {
    return 'frontier';
  }
  if (sizeB >= SIZE_THRESHOLDS_B.large) return 'large';
  if (sizeB >= SIZE_THRESHOLDS_B.medium) return 'medium';
  return 'small';
}

/** The tier the rule assigns to `model` given the catalog's endpoints. */
export function expectedTier(
  model: Pick<Model, 'id' | 'vendor' | 'activeParamsB' | 'totalParamsB'>,
  endpoints: readonly Endpoint[],
  providers: readonly Provider[],
): Tier {
  return tierFor(denseEquivalentSizeB(model), referenceOutputPriceUsd(model, endpoints, providers));
}
