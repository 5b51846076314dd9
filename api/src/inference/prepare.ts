/**
 * Stage 1 of a request (see ARCHITECTURE.md, "The flow of one request"): from the parsed canonical
 * request and the caller to a plan: the policy in force, the ordered attempts (`planRoute`, the same
 * function `routePreview` calls), and the credit bound of each candidate. No side effect beyond reading
 * the cached routing tables and policies.
 */
import type { Principal } from '../auth/key-store';
import { maxChargeMicro } from '../billing/price';
import type { Config } from '../config';
import { type CanonicalRequest, requestedMaxTokens } from '../providers/canonical';
import type { HealthTracker } from '../routing/health';
import { maxOutputFor, planRoute } from '../routing/plan';
import type { RouteOverride } from '../routing/policy';
import type { RankResult } from '../routing/rank-types';
import { inputTokenUpperBound } from './bounds';
import type { PolicyStore, ResolvedPolicy } from '../routing/policies';
import type { EndpointInfo, RoutingTables, TablesCache } from '../routing/routing-tables';

export interface Prepared {
  tables: RoutingTables;
  policy: ResolvedPolicy;
  rank: RankResult;
  /** Tokens: a true upper bound on the request's input (see bounds.ts). */
  inputBound: number;
  /** Most output tokens an attempt on this endpoint may produce. */
  maxOut: (info: EndpointInfo) => number;
  /** Whether the request set max_tokens (else the model's output limit bounds, and prices, the output). */
  maxTokensSet: boolean;
  /** µUSD: the most an attempt on this endpoint can cost (what is reserved before it runs). */
  reserveFor: (info: EndpointInfo) => number;
}

/** A request refused before any credit or upstream work. */
export interface PrepareRefusal {
  kind: 'invalid_request';
  field: string;
  message: string;
  status: 400 | 404 | 413;
}

export interface PrepareDeps {
  config: Config;
  tables: TablesCache;
  health: HealthTracker;
  policies: PolicyStore;
  random?: () => number;
}

export async function prepare(
  deps: PrepareDeps,
  input: { principal: Principal; request: CanonicalRequest; route?: RouteOverride },
): Promise<{ ok: true; p: Prepared } | { ok: false; failure: PrepareRefusal }> {
  const { request } = input;
  if (request.messages.length > deps.config.maxMessages) {
    return {
      ok: false,
      failure: {
        kind: 'invalid_request',
        field: 'messages',
        status: 400,
        message: `at most ${deps.config.maxMessages} messages per request, got ${request.messages.length}`,
      },
    };
  }
  const tables = await deps.tables.get();
  const policy = await deps.policies.forPrincipal(input.principal);
  const maxTokens = requestedMaxTokens(request);
  const models = (request as { models?: unknown }).models;
  const planned = planRoute({
    tables,
    spec: policy.spec,
    ...(input.route ? { override: input.route } : {}),
    request: {
      ...(request as Parameters<typeof planRoute>[0]['request']),
      ...(models !== undefined ? { models: models as unknown[] } : {}),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
    },
    health: (id) => deps.health.view(id),
    config: { highIntensityThreshold: deps.config.highIntensityThreshold },
    random: deps.random ?? Math.random,
  });
  if (!planned.ok) return { ok: false, failure: { kind: 'invalid_request', ...planned.refusal } };
  const plan = planned.plan;
  const inputBound = inputTokenUpperBound(request);
  const maxOut = (info: EndpointInfo) => maxOutputFor(plan, info);
  const reserveFor = (info: EndpointInfo) =>
    maxChargeMicro(inputBound, maxOut(info), info.endpoint, deps.config.feePercent);
  return {
    ok: true,
    p: {
      tables,
      policy,
      rank: plan.rank,
      inputBound,
      maxOut,
      maxTokensSet: maxTokens !== undefined,
      reserveFor,
    },
  };
}
