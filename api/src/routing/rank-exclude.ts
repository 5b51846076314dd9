/**
 * Why a candidate endpoint cannot serve this request, checked in a fixed order so the explanation
 * names the most fundamental cause: policy filters (residency first), pins, credentials, health,
 * context window, tool calling, the auto tier, then the price and carbon limits.
 */
import { PER_1K_REFERENCE_LABEL, TIER_ORDER, type Tier } from '@lowrouter/shared';
import { formatCount, formatGrams, formatMicroUsd, formatPerMTok } from './format';
import { describeSelectors, regionMatchesAny } from './geography';
import type { MergedPolicy } from './policy';
import { policyFilter } from './policy-filter';
import type { HealthView, RankCandidate, RankRequest } from './rank-types';

/** A short cause for grouping counts in `noRoute`, and the full reason. */
export interface ExclusionCause {
  cause: string;
  reason: string;
}

/** Expected cost in micro-USD (fractional): input tokens × input price + output tokens × output price. */
export function expectedCostMicroUsd(c: RankCandidate, req: RankRequest): number {
  // Tokens × USD per 1M tokens = micro-USD.
  return (
    req.estimatedInputTokens * c.endpoint.inputPerMTokUsd +
    req.expectedOutputTokens * c.endpoint.outputPerMTokUsd
  );
}

/** USD per 1M tokens blended over the request's expected mix (the mean of both prices if it is empty). */
export function blendedPerMTokUsd(c: RankCandidate, req: RankRequest): number {
  const tokens = req.estimatedInputTokens + req.expectedOutputTokens;
  if (tokens === 0) return (c.endpoint.inputPerMTokUsd + c.endpoint.outputPerMTokUsd) / 2;
  return expectedCostMicroUsd(c, req) / tokens;
}

export const healthState = (view: HealthView) => (typeof view === 'string' ? view : view.state);
export const healthDetail = (view: HealthView) => (typeof view === 'string' ? undefined : view.detail);

/** The first reason `c` cannot serve the request, or undefined when it can. */
export function exclusionOf(
  c: RankCandidate,
  policy: MergedPolicy,
  req: RankRequest,
  health: HealthView,
  minTier: Tier | undefined,
): ExclusionCause | undefined {
  const ep = c.endpoint;
  const filtered = policyFilter(ep, c.region, policy);
  if (filtered) return { cause: filtered.message.replace(/ \(.*\)$/, ''), reason: filtered.message };

  const pinIds = [...(req.pinned.providers ?? []), ...(req.pinned.endpoints ?? [])];
  if (pinIds.length > 0 && !pinIds.includes(ep.providerId) && !pinIds.includes(ep.id)) {
    return { cause: 'not pinned', reason: `not pinned by the request (pinned: ${pinIds.join(', ')})` };
  }
  const regions = req.pinned.regions ?? [];
  if (regions.length > 0 && !regionMatchesAny(regions, c.region)) {
    return {
      cause: 'outside the pinned regions',
      reason: `outside the pinned regions ${describeSelectors(regions)}`,
    };
  }
  if (!c.hasCredentials) {
    return { cause: 'no credentials', reason: `no credentials configured for provider ${ep.providerId}` };
  }
  const state = healthState(health);
  if (state === 'open') return { cause: 'circuit open', reason: healthDetail(health) ?? 'circuit open' };
  if (state === 'unavailable') {
    return {
      cause: 'marked unavailable',
      reason: healthDetail(health) ?? 'marked unavailable after a credential error',
    };
  }

  const output = req.maxTokens ?? req.expectedOutputTokens;
  const needed = req.estimatedInputTokens + output;
  if (needed > c.model.contextWindow) {
    return {
      cause: 'context window too small',
      reason: `context window ${formatCount(c.model.contextWindow)} < ${formatCount(needed)} needed`,
    };
  }
  if (req.maxTokens !== undefined && req.maxTokens > c.model.maxOutputTokens) {
    return {
      cause: 'max output too small',
      reason: `max output ${formatCount(c.model.maxOutputTokens)} tokens < ${formatCount(req.maxTokens)} requested`,
    };
  }
  if (req.requiresTools && !c.model.toolCalling) {
    return { cause: 'no tool calling', reason: `model ${c.model.id} does not support tool calling` };
  }
  if (minTier && TIER_ORDER.indexOf(c.model.tier) < TIER_ORDER.indexOf(minTier)) {
    return {
      cause: 'tier too low',
      reason: `tier ${c.model.tier} is below the ${minTier} tier this request needs`,
    };
  }
  const max = policy.maxPricePerMTokUsd;
  const blended = blendedPerMTokUsd(c, req);
  if (max !== undefined && blended > max) {
    return {
      cause: 'over the price limit',
      reason:
        `${formatPerMTok(blended)} per 1M tokens for this request's mix ` +
        `(${formatMicroUsd(expectedCostMicroUsd(c, req))}) is above the limit ${formatPerMTok(max)}`,
    };
  }
  const maxG = policy.maxGco2ePer1kTokens;
  if (maxG !== undefined && c.gco2ePer1kOutputTokens > maxG) {
    return {
      cause: 'over the carbon limit',
      reason: `${formatGrams(c.gco2ePer1kOutputTokens)} gCO2e ${PER_1K_REFERENCE_LABEL}, is above the limit ${formatGrams(maxG)}`,
    };
  }
  return undefined;
}
