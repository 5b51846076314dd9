/**
 * A per-endpoint eco figure for comparison (model browser, prefer-low-carbon routing): energy and carbon per
 * 1,000 output tokens, computed at one reference request and scaled linearly.
 */
import type { Model, Provider, Region } from '../catalog';
import type { MinMax, Range } from '../units';
import { range } from '../units';
import { estimateInference } from './formula';

/**
 * Output tokens of the reference request. 400 is the request length of Mistral's published LCA and of
 * EcoLogits' comparison with it (METHODOLOGY §9 example A, §11).
 */
export const REFERENCE_OUTPUT_TOKENS = 400;

/**
 * The one label for a per-1,000 figure computed at the reference request (catalog, model browser,
 * route reasons), so it is never confused with one request's own figure per 1,000 output tokens.
 */
export const PER_1K_REFERENCE_LABEL = `per 1,000 output tokens, reference request of ${REFERENCE_OUTPUT_TOKENS} tokens`;

/** Output tokens the per-1k figures are expressed for. */
export const PER_OUTPUT_TOKENS = 1000;

/** How much to trust the parameter counts behind an estimate. */
export type EcoConfidence = 'disclosed-parameters' | 'estimated-parameters';

/** `disclosed-parameters` when the sizes are published (open weights), else EcoLogits' guess. */
export function ecoConfidence(model: Pick<Model, 'paramsConfidence'>): EcoConfidence {
  return model.paramsConfidence === 'disclosed' ? 'disclosed-parameters' : 'estimated-parameters';
}

/** The PUE that applies at a region: the region's own when disclosed, else its provider's. */
export function effectivePue(provider: Pick<Provider, 'pue'>, region: Pick<Region, 'pue'>): MinMax {
  return region.pue ?? provider.pue;
}

export interface EcoPer1kInput {
  model: Pick<Model, 'activeParamsB' | 'totalParamsB' | 'deployment' | 'paramsConfidence'>;
  /** Data-centre PUE of the endpoint (see effectivePue). */
  pue: MinMax;
  /** Grid intensity of the endpoint's region, gCO2e/kWh. */
  gridGco2ePerKwh: number;
}

export interface EcoPer1k {
  /** Request energy per 1,000 output tokens, Wh (PUE included). */
  energyWh: Range;
  /** Usage-phase carbon per 1,000 output tokens, gCO2e (the headline; embodied not included). */
  gco2e: Range;
  /** Embodied carbon per 1,000 output tokens, gCO2e, for display beside the headline only. */
  gco2eEmbodied: Range;
  /** Output tokens of the reference request the figures were computed at (REFERENCE_OUTPUT_TOKENS). */
  referenceOutputTokens: number;
  confidence: EcoConfidence;
}

function scale(r: Range, factor: number): Range {
  return range(r.min * factor, r.max * factor);
}

/**
 * Wh and gCO2e per 1,000 output tokens: estimateInference at the reference request (400 output tokens, no
 * measured latency, the model's TPS/TTFT when the catalog has them, else the latency regression), times
 * 1000/400. Because the TTFT and the fixed per-request terms are amortised over 400 tokens, the figure is a
 * comparison index, not the energy of a 1,000-token request.
 */
export function ecoPer1kOutputTokens({ model, pue, gridGco2ePerKwh }: EcoPer1kInput): EcoPer1k {
  const estimate = estimateInference({
    activeParamsB: model.activeParamsB,
    totalParamsB: model.totalParamsB,
    outputTokens: REFERENCE_OUTPUT_TOKENS,
    tokensPerSecond: model.deployment?.tps,
    ttftSeconds: model.deployment?.ttftSeconds,
    pue,
    gridGco2ePerKwh,
  });
  const factor = PER_OUTPUT_TOKENS / REFERENCE_OUTPUT_TOKENS;
  return {
    energyWh: scale(estimate.energyWh, factor),
    gco2e: scale(estimate.gco2e, factor),
    gco2eEmbodied: scale(estimate.gco2eEmbodied, factor),
    referenceOutputTokens: REFERENCE_OUTPUT_TOKENS,
    confidence: ecoConfidence(model),
  };
}
