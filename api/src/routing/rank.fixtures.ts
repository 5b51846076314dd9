/** Test builders for ranking: small, readable candidates and policies. Used by tests only. */
import type { Tier } from '@lowrouter/shared';
import { type MergedPolicy, mergePolicy, type RouteOverride, RoutingPolicySpec } from './policy';
import {
  DEFAULT_RANK_CONFIG,
  type HealthView,
  type RankCandidate,
  type RankInput,
  type RankRequest,
} from './rank-types';

export interface CandidateSpec {
  model?: string;
  tier?: Tier;
  provider: string;
  region: string;
  country: string;
  /** gCO2e per kWh. */
  grid?: number;
  /** USD per 1M tokens. */
  input?: number;
  output?: number;
  /** gCO2e per 1,000 output tokens. */
  gco2e?: number;
  contextWindow?: number;
  maxOutputTokens?: number;
  toolCalling?: boolean;
  hasCredentials?: boolean;
  /** Default `documented`. */
  location?: 'documented' | 'assumed';
}

/** One candidate; the endpoint id is `<model>@<provider>:<region>`. */
export function candidate(s: CandidateSpec): RankCandidate {
  const model = s.model ?? 'vendor/model-a';
  const regionId = `${s.provider}:${s.region}`;
  return {
    endpoint: {
      id: `${model}@${regionId}`,
      modelId: model,
      providerId: s.provider,
      regionId,
      inputPerMTokUsd: s.input ?? 1,
      outputPerMTokUsd: s.output ?? 4,
    },
    model: {
      id: model,
      tier: s.tier ?? 'medium',
      contextWindow: s.contextWindow ?? 128_000,
      maxOutputTokens: s.maxOutputTokens ?? 16_000,
      toolCalling: s.toolCalling ?? true,
    },
    region: {
      id: regionId,
      country: s.country,
      gridIntensity: { gco2ePerKwh: s.grid ?? 100 },
      locationConfidence: s.location ?? 'documented',
    },
    hasCredentials: s.hasCredentials ?? true,
    gco2ePer1kOutputTokens: s.gco2e ?? 0.5,
    whPer1kOutputTokens: 1,
  };
}

/** The organisation spec parsed, merged with `override`, and unwrapped (throws on merge problems). */
export function policyOf(spec: unknown = {}, override?: RouteOverride): MergedPolicy {
  const merged = mergePolicy(RoutingPolicySpec.parse(spec), override);
  if (!merged.ok) throw new Error(merged.problems.map((p) => p.message).join('; '));
  return merged.policy;
}

export function rankInput(
  candidates: RankCandidate[],
  policy: MergedPolicy,
  request: Partial<RankRequest> = {},
  health: Record<string, HealthView> = {},
): RankInput {
  return {
    candidates,
    policy,
    request: {
      model: 'vendor/model-a',
      estimatedInputTokens: 1_200,
      expectedOutputTokens: 400,
      pinned: {},
      ...request,
    },
    health: (id) => health[id] ?? 'closed',
    config: DEFAULT_RANK_CONFIG,
    random: () => 0.5,
  };
}
