/** The `route` block every response carries, in words an operator understands. */
import type { AttemptRecord } from './execute';
import type { Attempt, RankResult } from './rank-types';

export interface RouteBlock {
  model: string | null;
  provider: string | null;
  region: string | null;
  country: string | null;
  /**
   * How the serving region's location is known: `documented` (the provider's page says where it
   * processes data) or `assumed`; null when nothing served.
   */
  locationBasis: string | null;
  endpointId: string | null;
  policy: { id: string | null; name: string; kind: string };
  reason: string;
  attempts: {
    endpointId: string;
    provider: string;
    region: string;
    outcome: string;
    errorKind: string | null;
    latencyMs: number;
  }[];
  fallbackUsed: boolean;
  /** Ranked candidates that were not tried, and why (first few). */
  excluded: { endpointId: string; reason: string }[];
  /** Present on a response-cache hit: whose answer was replayed, stored when. */
  cache?: { hit: true; originalRequestId: string; storedAt: string };
}

export function routeBlock(args: {
  served: Attempt | null;
  rank: RankResult;
  policy: { id: string | null; name: string; kind: string };
  attempts: AttemptRecord[];
  fallbackUsed: boolean;
}): RouteBlock {
  const { served, rank } = args;
  const why: string[] = [rank.policySummary];
  if (rank.classification)
    why.push(
      `auto: needs tier ${rank.classification.tier} (${rank.classification.signals.join('; ') || 'no signal'})`,
    );
  if (served) {
    why.push(`served by ${served.endpointId}: ${served.reasons.join('; ')}`);
    if (args.fallbackUsed) {
      const failed = args.attempts
        .filter((a) => a.outcome === 'error')
        .map((a) => `${a.endpointId} (${a.errorKind})`);
      why.push(`fell back after ${failed.join(', ')}`);
    }
  } else if (rank.noRoute) why.push(rank.noRoute);
  return {
    model: served?.modelId ?? null,
    provider: served?.providerId ?? null,
    region: served?.regionId ?? null,
    country: served?.country ?? null,
    locationBasis: served?.locationBasis ?? null,
    endpointId: served?.endpointId ?? null,
    policy: args.policy,
    reason: why.join('. '),
    attempts: args.attempts.map((a) => ({
      endpointId: a.endpointId,
      provider: a.provider,
      region: a.region,
      outcome: a.outcome === 'skipped' && a.message ? `skipped: ${a.message}` : a.outcome,
      errorKind: a.errorKind ?? null,
      latencyMs: a.latencyMs,
    })),
    fallbackUsed: args.fallbackUsed,
    excluded: rank.excluded.slice(0, 20),
  };
}
