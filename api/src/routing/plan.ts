/**
 * planRoute: from a request and a policy to the ordered attempts, with reasons. The ONE function that
 * both the inference path (`inference/prepare.ts`) and `routePreview` call, so a preview can never
 * drift from real routing: same model resolution, same `models` validation, same max_tokens check,
 * same policy merge, classifier and ranker, same explanation when nothing fits. Pure: tables, health,
 * configuration and randomness are passed in.
 */
import type { EndpointInfo, RoutingTables } from './routing-tables';
import { resolveModelId } from './routing-tables';
import { clip } from '../providers/request-shape';
import { type Classification, type ClassifiableRequest, classifyRequest } from './classify';
import {
  type MergedPolicy,
  type RouteOverride,
  type RoutingPolicySpec,
  mergePolicy,
  pinsOf,
  validatePolicy,
} from './policy';
import { rankCandidates } from './rank';
import { AUTO_MODEL, type HealthView, type RankConfig, type RankResult } from './rank-types';

/** Output tokens assumed when comparing prices and footprints, when the request sets no max_tokens. */
export const EXPECTED_OUTPUT_TOKENS = 400;

export interface PlanRequest extends ClassifiableRequest {
  /** A catalog id, an upstream alias, or `lowrouter/auto`. */
  model: string;
  /** Auto: the only models to choose from. Named model: fallbacks, in order. As sent by the client. */
  models?: readonly unknown[];
  /** The request's output limit (max_completion_tokens or max_tokens), when it set one. */
  maxTokens?: number;
}

export interface PlanInput {
  tables: RoutingTables;
  /** The policy in force (the organisation's or key's, or an unsaved one for a preview). */
  spec: RoutingPolicySpec;
  /** The request's own `route` field, which may narrow the policy but never widen it. */
  override?: RouteOverride;
  request: PlanRequest;
  health: (endpointId: string) => HealthView;
  config: RankConfig;
  random: () => number;
}

/** A request the plan refuses: the field to fix, what to do, and the HTTP status it maps to. */
export interface PlanRefusal {
  field: string;
  message: string;
  status: 400 | 404;
}

export interface RoutePlan {
  /** The resolved model id (a catalog id or `lowrouter/auto`). */
  modelId: string;
  /** Resolved `models`, in order. */
  fallbacks: string[];
  /** The request's max_tokens, when it set one. */
  maxTokens: number | undefined;
  policy: MergedPolicy;
  classification: Classification;
  rank: RankResult;
}

export type PlanResult = { ok: true; plan: RoutePlan } | { ok: false; refusal: PlanRefusal };

const refuse = (field: string, message: string, status: 400 | 404 = 400): PlanResult => ({
  ok: false,
  refusal: { field, message, status },
});

export function planRoute(input: PlanInput): PlanResult {
  const { tables, request } = input;
  const modelId = resolveModelId(tables, request.model);
  if (!modelId) {
    return refuse(
      'model',
      `unknown model '${clip(request.model)}': see GET /v1/models, or use ${AUTO_MODEL}`,
      404,
    );
  }
  const fallbacks: string[] = [];
  if (request.models !== undefined) {
    if (!Array.isArray(request.models)) return refuse('models', 'models must be a list of model ids');
    for (const m of request.models) {
      const id = typeof m === 'string' ? resolveModelId(tables, m) : null;
      if (!id || id === AUTO_MODEL) return refuse('models', `unknown model '${clip(String(m))}' in models`);
      fallbacks.push(id);
    }
  }
  const maxTokens = request.maxTokens;
  if (modelId !== AUTO_MODEL && maxTokens !== undefined) {
    const limit = tables.models.get(modelId)!.maxOutputTokens;
    if (maxTokens > limit) {
      return refuse(
        'max_tokens',
        `${modelId} generates at most ${limit} output tokens; max_tokens is ${maxTokens}`,
      );
    }
  }
  const merged = mergePolicy(input.spec, input.override);
  if (!merged.ok) return refuse('route', merged.problems.map((p) => p.message).join('; '));
  const classification = classifyRequest(request);
  const rank = rankCandidates({
    candidates: tables.candidates,
    policy: merged.policy,
    request: {
      model: modelId,
      ...(fallbacks.length ? { models: fallbacks } : {}),
      estimatedInputTokens: classification.estimatedInputTokens,
      expectedOutputTokens: Math.min(maxTokens ?? EXPECTED_OUTPUT_TOKENS, EXPECTED_OUTPUT_TOKENS * 4),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      requiresTools: Boolean(request.tools?.length),
      classification,
      pinned: pinsOf(merged.policy),
    },
    health: input.health,
    config: input.config,
    random: input.random,
  });
  if (!rank.attempts.length) {
    // Say whether the policy and the request contradict each other (400) before calling it an outage.
    const problems = validatePolicy(merged.policy, {
      regions: tables.regions,
      providers: tables.providers,
      endpoints: tables.candidates.map((c) => c.endpoint),
    }).filter((pr) => pr.severity === 'error');
    if (problems.length) return refuse('route', problems.map((pr) => pr.message).join('; '));
  }
  return { ok: true, plan: { modelId, fallbacks, maxTokens, policy: merged.policy, classification, rank } };
}

/** Most output tokens an attempt on `info` may produce: the request's max_tokens, else the model's limit. */
export function maxOutputFor(plan: Pick<RoutePlan, 'maxTokens'>, info: EndpointInfo): number {
  return Math.min(plan.maxTokens ?? info.model.maxOutputTokens, info.model.maxOutputTokens);
}
