/** Database rows → the inputs of the shared eco formula, in one place for every caller. */
import type { MinMax, Model } from '@lowrouter/shared';
import type { ModelRow, ProviderRow, RegionRow } from '../db/schema';

/** The PUE that applies at a region: the region's own when disclosed, else its provider's fleet PUE. */
export function rowPue(
  provider: Pick<ProviderRow, 'pueMin' | 'pueMax'>,
  region: Pick<RegionRow, 'pueMin' | 'pueMax'>,
): MinMax {
  return region.pueMin !== null && region.pueMax !== null
    ? { min: region.pueMin, max: region.pueMax }
    : { min: provider.pueMin, max: provider.pueMax };
}

/** A model row as the formula reads a catalog model: parameters (billions), confidence, TPS/TTFT. */
export function ecoModel(
  m: Pick<
    ModelRow,
    | 'activeParamsMinB'
    | 'activeParamsMaxB'
    | 'totalParamsMinB'
    | 'totalParamsMaxB'
    | 'paramsConfidence'
    | 'tps'
    | 'ttftSeconds'
  >,
): Pick<Model, 'activeParamsB' | 'totalParamsB' | 'paramsConfidence' | 'deployment'> {
  return {
    activeParamsB: { min: m.activeParamsMinB, max: m.activeParamsMaxB },
    totalParamsB: { min: m.totalParamsMinB, max: m.totalParamsMaxB },
    paramsConfidence: m.paramsConfidence as Model['paramsConfidence'],
    deployment: m.tps != null ? { tps: m.tps, ttftSeconds: m.ttftSeconds ?? 0, source: '' } : undefined,
  };
}
