/**
 * Per-request glue from usage + catalog rows to the shared EcoLogits formula. Returns the `eco` block
 * for responses and every input used, to be stored on the request row so later catalog or grid
 * changes never rewrite a past estimate.
 */
import { type Range, METHODOLOGY_VERSION, estimateInference, range } from '@lowrouter/shared';
import type { ModelRow, ProviderRow, RegionRow } from '../db/schema';
import { ecoModel, rowPue } from './rows';

export interface EcoBlock {
  energyWh: Range;
  /** Usage-phase gCO2e (the headline). Embodied carbon is stored, never added here. */
  gco2e: Range;
  /** This request's gCO2e per 1,000 of its output tokens (gco2e × 1000 / outputTokens). */
  gco2ePer1kOutputTokensThisRequest: Range;
  /**
   * Deprecated: the same figure as `gco2ePer1kOutputTokensThisRequest`, kept for clients that read
   * it. Not the catalog's reference figure (model browser, route reasons).
   */
  gco2ePer1kOutputTokens: Range;
  gridIntensityGco2ePerKwh: number;
  gridSource: string;
  gridYear: number;
  region: string;
  country: string;
  pue: { min: number; max: number };
  confidence: 'disclosed-parameters' | 'estimated-parameters';
  /** True when the provider reported no token counts and LowRouter counted them. */
  tokensEstimated: boolean;
  outputTokens: number;
  methodology: string;
  /** A response-cache hit spends nothing: this is the original answer's estimate, which the hit avoided. */
  avoided?: { energyWh: Range; gco2e: Range };
}

export interface EcoRecord {
  block: EcoBlock;
  gco2eEmbodied: Range;
  inputs: {
    activeParamsB: { min: number; max: number };
    totalParamsB: { min: number; max: number };
    pue: { min: number; max: number };
    gridGco2ePerKwh: number;
    latencySeconds: number | undefined;
  };
}

export interface EcoRequestInput {
  model: Pick<
    ModelRow,
    | 'activeParamsMinB'
    | 'activeParamsMaxB'
    | 'totalParamsMinB'
    | 'totalParamsMaxB'
    | 'tps'
    | 'ttftSeconds'
    | 'paramsConfidence'
  >;
  provider: Pick<ProviderRow, 'pueMin' | 'pueMax'>;
  region: Pick<
    RegionRow,
    'id' | 'country' | 'gridGco2ePerKwh' | 'gridSource' | 'gridYear' | 'pueMin' | 'pueMax'
  >;
  /** Output tokens as EcoLogits counts them: completion tokens including reasoning tokens. */
  outputTokens: number;
  /** Latency LowRouter measured upstream, ms; undefined when not measured (e.g. a cut stream). */
  measuredLatencyMs: number | undefined;
  tokensEstimated: boolean;
}

const per1k = (r: Range, n: number) => (n > 0 ? range((r.min * 1000) / n, (r.max * 1000) / n) : range(0, 0));

export function estimateRequest(input: EcoRequestInput): EcoRecord {
  const { model, provider, region } = input;
  const pue = rowPue(provider, region);
  const { activeParamsB, totalParamsB } = ecoModel(model);
  const inputs = {
    activeParamsB,
    totalParamsB,
    pue,
    gridGco2ePerKwh: region.gridGco2ePerKwh,
    latencySeconds: input.measuredLatencyMs === undefined ? undefined : input.measuredLatencyMs / 1000,
  };
  const est = estimateInference({
    ...inputs,
    outputTokens: input.outputTokens,
    tokensPerSecond: model.tps ?? undefined,
    ttftSeconds: model.ttftSeconds ?? undefined,
  });
  return {
    block: {
      energyWh: est.energyWh,
      gco2e: est.gco2e,
      gco2ePer1kOutputTokensThisRequest: per1k(est.gco2e, input.outputTokens),
      gco2ePer1kOutputTokens: per1k(est.gco2e, input.outputTokens),
      gridIntensityGco2ePerKwh: region.gridGco2ePerKwh,
      gridSource: `${region.gridSource} (${region.gridYear})`,
      gridYear: region.gridYear,
      region: region.id,
      country: region.country,
      pue,
      confidence: model.paramsConfidence === 'disclosed' ? 'disclosed-parameters' : 'estimated-parameters',
      tokensEstimated: input.tokensEstimated,
      outputTokens: input.outputTokens,
      methodology: METHODOLOGY_VERSION,
    },
    gco2eEmbodied: est.gco2eEmbodied,
    inputs,
  };
}
