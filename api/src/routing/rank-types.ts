/** The input and output shapes of `rankCandidates`, structural so the ranker depends on no other module. */
import type { Tier } from '@lowrouter/shared';
import type { Classification } from './classify';
import type { MergedPolicy, Pins } from './policy';

/** The model id that asks LowRouter to choose the model (see classify.ts). */
export const AUTO_MODEL = 'lowrouter/auto';

/** One endpoint with what the ranker needs to know about it. */
export interface RankCandidate {
  endpoint: {
    id: string;
    modelId: string;
    providerId: string;
    regionId: string;
    /** USD per 1M tokens. */
    inputPerMTokUsd: number;
    outputPerMTokUsd: number;
    cachedInputPerMTokUsd?: number;
  };
  model: { id: string; tier: Tier; contextWindow: number; maxOutputTokens: number; toolCalling: boolean };
  /** `country` is ISO 3166-1 alpha-2; grid intensity in gCO2e per kWh. */
  region: {
    id: string;
    country: string;
    gridIntensity: { gco2ePerKwh: number };
    /** `documented` (a provider page says where it processes data) or `assumed`. */
    locationConfidence: string;
  };
  /** False when the operator configured no credential for the provider. */
  hasCredentials: boolean;
  /** gCO2e per 1,000 output tokens on this endpoint (model energy × region intensity × PUE). */
  gco2ePer1kOutputTokens: number;
  /** Wh per 1,000 output tokens on this endpoint. */
  whPer1kOutputTokens: number;
}

export type HealthState = 'closed' | 'open' | 'half-open' | 'unavailable';
/** A state, or a state with the words that explain it ("circuit open after 5 consecutive failures"). */
export type HealthView = HealthState | { state: HealthState; detail?: string };

export interface RankRequest {
  /** `lowrouter/auto` or a catalog model id. */
  model: string;
  /** Auto: the only models to choose from. Named model: further models to fall back to, in order. */
  models?: string[];
  /** Tokens. */
  estimatedInputTokens: number;
  /** Tokens, for price and footprint comparisons. */
  expectedOutputTokens: number;
  /** The request's max_tokens; the context check uses it when given, else expectedOutputTokens. */
  maxTokens?: number;
  /** True when the request offers tools: models without tool calling are left out. */
  requiresTools?: boolean;
  /** `classifyRequest` of the request; needed for `lowrouter/auto` (tier small assumed without it). */
  classification?: Classification;
  /** What the request pinned (`pinsOf(policy)`): a filter, and an exemption from the grid demotion. */
  pinned: Pins;
}

export interface RankConfig {
  /** gCO2e per kWh; regions strictly above it are tried after all others unless the request pins. */
  highIntensityThreshold: number;
}

export const DEFAULT_RANK_CONFIG: RankConfig = { highIntensityThreshold: 500 };

export interface RankInput {
  candidates: readonly RankCandidate[];
  policy: MergedPolicy;
  request: RankRequest;
  health: (endpointId: string) => HealthView;
  config: RankConfig;
  /** [0, 1); consulted only to order candidates that are equal on every ranking key. */
  random: () => number;
}

export interface Attempt {
  endpointId: string;
  modelId: string;
  providerId: string;
  regionId: string;
  country: string;
  /** How the region's location is known: `documented` (a provider page says) or `assumed`. */
  locationBasis: string;
  /**
   * The policy's primary measure, lower ranks first: micro-USD for the expected tokens
   * (prefer-cheapest), gCO2e per 1,000 output tokens (prefer-low-carbon, fixed-provider, auto model),
   * preference index (prefer-region), 0–2 normalised footprint + price (auto kind, named model).
   */
  score: number;
  /** Why it ranks where it does, in plain words. */
  reasons: string[];
}

export interface Exclusion {
  endpointId: string;
  /** "excluded: …" or "not tried: …". */
  reason: string;
}

export interface RankResult {
  attempts: Attempt[];
  excluded: Exclusion[];
  classification?: Classification;
  policySummary: string;
  /** Set when there is no attempt: why, with counts per cause. */
  noRoute?: string;
}
