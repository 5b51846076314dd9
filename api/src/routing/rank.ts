/**
 * Ranking: a pure function of (candidates, merged policy, request, health, configuration, random)
 * to ordered attempts, each with the reasons it ranks where it does, and the excluded endpoints
 * with why. Steps:
 *
 * 1. Candidates: endpoints of the requested model, then of `models` in order (named model); for
 *    `lowrouter/auto`, endpoints of every model, or of `models` when given.
 * 2. Exclusions (rank-exclude.ts), never relaxed for fallbacks: data residency, fixed provider,
 *    only / ignore, allowed / denied providers, pins, credentials, open or unavailable circuits,
 *    context window, tool calling, the auto tier, price and carbon limits.
 * 3. Order, lexicographic on these keys, lower first:
 *    a. position in the request's `order` (listed ones first, in that order);
 *    b. grid band: regions strictly above `config.highIntensityThreshold` gCO2e/kWh after all
 *       others, unless the request pins providers, endpoints, region ids or countries (a geography
 *       such as `EU` is not a pin) or gives an `order`;
 *    c. model group: auto → tiers above the needed tier after it; named → `models` order;
 *    d. the policy kind's measures:
 *       prefer-cheapest    expected micro-USD, then gCO2e per 1,000 output tokens;
 *       prefer-low-carbon  gCO2e per 1,000 output tokens, then expected micro-USD;
 *       prefer-region      index of the first preferred selector covering the region, then gCO2e, price;
 *       fixed-provider     gCO2e, then price (the fixed target is a filter in step 2);
 *       auto               lowrouter/auto: gCO2e, then price (the lowest-footprint model that fits);
 *                          named model: footprint and price each scaled 0–1 across the survivors and
 *                          summed (balanced), then gCO2e, then price;
 *    e. a draw from `random`, only among candidates equal on every key above (spreads load);
 *    f. endpoint id, so the result is total even with a constant `random`.
 * 4. `allowFallbacks` false: the first attempt only; the rest are listed as not tried.
 */
import { PER_1K_REFERENCE_LABEL, TIER_ORDER, type Tier } from '@lowrouter/shared';
import { formatCount, formatGrams, formatMicroUsd, ordinal, summarisePolicy } from './format';
import { describeSelectors, regionMatches } from './geography';
import { liftsDemotion } from './policy';
import {
  type ExclusionCause,
  exclusionOf,
  expectedCostMicroUsd,
  healthDetail,
  healthState,
} from './rank-exclude';
import {
  AUTO_MODEL,
  type Attempt,
  type Exclusion,
  type RankCandidate,
  type RankInput,
  type RankResult,
} from './rank-types';

interface Ranked {
  c: RankCandidate;
  costMicroUsd: number;
  gco2e: number;
  orderIdx: number;
  band: 0 | 1;
  group: number;
  prefIdx: number;
  keys: number[];
  tie: number;
}

const compareKeys = (a: number[], b: number[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
};

/** Ranks candidate endpoints into ordered attempts (see the steps at the top of this file). */
export function rankCandidates(input: RankInput): RankResult {
  const { policy, request: req, config } = input;
  const auto = req.model === AUTO_MODEL;
  const extra = (req.models ?? []).filter((m) => m !== AUTO_MODEL);
  const modelList = auto ? extra : [req.model, ...extra.filter((m) => m !== req.model)];
  const relevant = input.candidates.filter((c) =>
    auto && modelList.length === 0 ? true : modelList.includes(c.endpoint.modelId),
  );
  const classification = auto ? req.classification : undefined;
  const minTier: Tier | undefined = auto ? (classification?.tier ?? 'small') : undefined;
  const policySummary = summarisePolicy(policy, config.highIntensityThreshold);

  const excluded: Exclusion[] = [];
  const causes: ExclusionCause[] = [];
  const survivors: RankCandidate[] = [];
  for (const c of relevant) {
    const out = exclusionOf(c, policy, req, input.health(c.endpoint.id), minTier);
    if (out) {
      causes.push(out);
      excluded.push({ endpointId: c.endpoint.id, reason: `excluded: ${out.reason}` });
    } else survivors.push(c);
  }

  const exempt = liftsDemotion(req.pinned) || policy.order.length > 0;
  const threshold = config.highIntensityThreshold;
  const costs = survivors.map((c) => expectedCostMicroUsd(c, req));
  const grams = survivors.map((c) => c.gco2ePer1kOutputTokens);
  const scale = (v: number, all: number[]) => {
    const lo = Math.min(...all);
    const hi = Math.max(...all);
    return hi === lo ? 0 : (v - lo) / (hi - lo);
  };

  const ranked: Ranked[] = survivors.map((c, i) => {
    const cost = costs[i]!;
    const g = grams[i]!;
    const orderHits = policy.order.flatMap((id, k) =>
      id === c.endpoint.id || id === c.endpoint.providerId ? [k] : [],
    );
    const orderIdx = orderHits.length > 0 ? Math.min(...orderHits) : policy.order.length;
    const band = !exempt && c.region.gridIntensity.gco2ePerKwh > threshold ? 1 : 0;
    const group = auto
      ? TIER_ORDER.indexOf(c.model.tier) - TIER_ORDER.indexOf(minTier!)
      : modelList.indexOf(c.endpoint.modelId);
    const prefHit = policy.preferRegions.findIndex((s) => regionMatches(s, c.region));
    const prefIdx = prefHit < 0 ? policy.preferRegions.length : prefHit;
    let measures: number[];
    if (policy.kind === 'prefer-cheapest') measures = [cost, g];
    else if (policy.kind === 'prefer-region') measures = [prefIdx, g, cost];
    else if (policy.kind === 'auto' && !auto) measures = [scale(g, grams) + scale(cost, costs), g, cost];
    else measures = [g, cost];
    return {
      c,
      costMicroUsd: cost,
      gco2e: g,
      orderIdx,
      band,
      group,
      prefIdx,
      keys: [orderIdx, band, group, ...measures],
      tie: 0,
    };
  });
  for (const r of ranked) r.tie = input.random();
  ranked.sort(
    (a, b) => compareKeys(a.keys, b.keys) || a.tie - b.tie || a.c.endpoint.id.localeCompare(b.c.endpoint.id),
  );

  const ctx = { input, ranked, exempt, minTier };
  let attempts: Attempt[] = ranked.map((r, i) => ({
    endpointId: r.c.endpoint.id,
    modelId: r.c.endpoint.modelId,
    providerId: r.c.endpoint.providerId,
    regionId: r.c.region.id,
    country: r.c.region.country,
    locationBasis: r.c.region.locationConfidence,
    score: r.keys[3]!,
    reasons: reasonsFor(r, i, ctx),
  }));
  if (!policy.allowFallbacks && attempts.length > 1) {
    for (const a of attempts.slice(1)) {
      excluded.push({ endpointId: a.endpointId, reason: 'not tried: fallbacks are disabled by policy' });
    }
    attempts = attempts.slice(0, 1);
  }

  const result: RankResult = { attempts, excluded, policySummary };
  if (classification) result.classification = classification;
  if (attempts.length === 0) result.noRoute = noRouteMessage(req.model, relevant.length, causes);
  return result;
}

interface ReasonContext {
  input: RankInput;
  ranked: Ranked[];
  exempt: boolean;
  minTier: Tier | undefined;
}

function reasonsFor(r: Ranked, i: number, ctx: ReasonContext): string[] {
  const { policy, request: req, config } = ctx.input;
  const c = r.c;
  const reasons: string[] = [i === 0 ? 'first choice' : `fallback ${i}`];

  if (policy.order.length > 0) {
    reasons.push(
      r.orderIdx < policy.order.length
        ? `${ordinal(r.orderIdx + 1)} in the request's order`
        : "not in the request's order: tried after the listed ones",
    );
  }
  const intensity = c.region.gridIntensity.gco2ePerKwh;
  if (intensity > config.highIntensityThreshold) {
    const grid = `grid ${formatCount(intensity)} gCO2e/kWh is above the ${formatCount(config.highIntensityThreshold)} threshold`;
    reasons.push(
      ctx.exempt
        ? `${grid}, but the request pins this route, so it keeps its place`
        : `${grid}: tried after low-carbon regions`,
    );
  }

  if (ctx.minTier) {
    const cls = ctx.input.request.classification;
    if (i === 0) {
      const why = cls
        ? cls.details.map((s) => s.detail).join('; ') || 'no demanding signal'
        : 'no classification given';
      reasons.push(`auto: this request needs tier ${ctx.minTier} (${why})`);
    }
    if (r.group > 0) {
      const hasMin = ctx.ranked.some((o) => o.group === 0);
      reasons.push(
        hasMin
          ? `tier ${c.model.tier} is above the ${ctx.minTier} needed: tried after ${ctx.minTier} models`
          : `tier ${c.model.tier}: no ${ctx.minTier} model is available for this request, so the next tier up`,
      );
    }
  } else if (r.group > 0) {
    reasons.push(
      `model ${c.endpoint.modelId} is the ${ordinal(r.group)} fallback model in the request's models`,
    );
  }

  const tokens = `~${formatCount(req.estimatedInputTokens)} input + ${formatCount(req.expectedOutputTokens)} output tokens`;
  // "Cheapest" and "lowest" compare with the peers it competes with: same order slot, band and model group.
  const peers = ctx.ranked.filter((o) => compareKeys(o.keys.slice(0, 3), r.keys.slice(0, 3)) === 0);
  const minCost = Math.min(...peers.map((o) => o.costMicroUsd));
  const minG = Math.min(...peers.map((o) => o.gco2e));
  const price = formatMicroUsd(r.costMicroUsd);
  const footprint = `${formatGrams(r.gco2e)} gCO2e ${PER_1K_REFERENCE_LABEL}`;
  if (policy.kind === 'prefer-cheapest') {
    reasons.push(
      r.costMicroUsd === minCost
        ? `cheapest for ${tokens}: ${price}`
        : `costs ${price} for ${tokens} (cheapest: ${formatMicroUsd(minCost)})`,
    );
  } else if (policy.kind === 'prefer-region') {
    reasons.push(
      r.prefIdx < policy.preferRegions.length
        ? `in preferred region ${policy.preferRegions[r.prefIdx]} (${ordinal(r.prefIdx + 1)} preference)`
        : `outside the preferred regions ${describeSelectors(policy.preferRegions)}: tried after them`,
    );
  } else if (policy.kind === 'auto' && !ctx.minTier) {
    reasons.push(
      `balanced footprint and price: ${footprint} (lowest ${formatGrams(minG)}), ` +
        `${price} for ${tokens} (lowest ${formatMicroUsd(minCost)})`,
    );
  } else {
    if (policy.kind === 'fixed-provider' && policy.fixed) {
      reasons.push(
        'providerId' in policy.fixed ? `fixed provider ${policy.fixed.providerId}` : 'fixed endpoint',
      );
    }
    reasons.push(
      r.gco2e === minG
        ? `lowest footprint: ${footprint}`
        : `footprint ${footprint} (lowest ${formatGrams(minG)})`,
    );
  }

  const health = ctx.input.health(c.endpoint.id);
  if (healthState(health) === 'half-open') {
    reasons.push(
      `circuit half-open: ${healthDetail(health) ?? 'one probe request is allowed after the cool-down'}`,
    );
  }
  const equals = ctx.ranked.filter((o) => o !== r && compareKeys(o.keys, r.keys) === 0).length;
  if (equals > 0) {
    reasons.push(
      `equal on every measure with ${equals} other${equals > 1 ? 's' : ''}: order drawn at random to spread load`,
    );
  }
  return reasons;
}

function noRouteMessage(model: string, relevant: number, causes: ExclusionCause[]): string {
  if (relevant === 0) return `no endpoint in the catalog serves ${model}`;
  const counts = new Map<string, number>();
  for (const { cause } of causes) counts.set(cause, (counts.get(cause) ?? 0) + 1);
  const why = [...counts].map(([cause, n]) => `${n} ${cause}`).join(', ');
  return `no endpoint can serve ${model}: ${why}`;
}
