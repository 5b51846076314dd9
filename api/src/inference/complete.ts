/**
 * One inference request, whatever the surface (REST or GraphQL), through the stages of
 * ARCHITECTURE.md, one file each: prepare.ts (parse, policy, planRoute), admit.ts (rate limit, then
 * credit against the node's lease), execute.ts (attempts and fallback), settle.ts (trusted usage,
 * charge, eco, the durable record) and stream.ts (the stream accumulator). This file only runs them in
 * order. Every request, successful or not, leaves exactly one request row; a successful one exactly
 * one debit; what was held is always settled or released.
 */
import type { Principal } from '../auth/key-store';
import { type CreditHold, creditHold } from '../billing/credit-hold';
import type { CreditAdmission } from '../billing/credit-lease';
import type { RequestInsert } from '../billing/record';
import type { Config } from '../config';
import type { Db } from '../db/client';
import type { EcoBlock } from '../eco/estimate';
import { newRequestId } from '../ids';
import type { Logger } from '../log';
import type { FetchLike } from '../providers/call';
import type {
  CanonicalRequest,
  CanonicalUsage,
  FinishReason,
  ToolCall,
  Warning,
} from '../providers/canonical';
import type { ProviderError } from '../providers/provider-error';
import type { HealthTracker } from '../routing/health';
import type { RouteOverride } from '../routing/policy';
import { admitCredit, admitRate } from './admit';
import type { PolicyStore } from '../routing/policies';
import { executeRequest } from './execute';
import { prepare } from './prepare';
import { settlement } from './settle';
import type { RateLimiter } from './rate-limit';
import { type RouteBlock, routeBlock } from '../routing/route-block';
import type { TablesCache } from '../routing/routing-tables';
import { type StreamItem, streamItems } from './stream';
import { type CacheRequest, lookupAnswer, planCache, storeAnswer } from './cache';
import { answerToKeep, replayItems, serveHit } from './cache-hit';

export interface InferenceDeps {
  db: Db;
  /** Where reservations are written (see DbHandle.asyncCommitDb). */
  reserveDb: Db;
  config: Config;
  tables: TablesCache;
  health: HealthTracker;
  policies: PolicyStore;
  rateLimiter: RateLimiter;
  /** Credit admission against this node's leases (absent: an exact reservation per request). */
  credit?: CreditAdmission;
  log: Logger;
  nodeId: string;
  /** Writes the request row, rollup and settlement in one transaction (group commit when batched). */
  record: (row: RequestInsert, reservedMicro: number) => Promise<{ debitedMicro: number }>;
  onRecorded?: (row: RequestInsert) => void;
  fetch?: FetchLike;
  now?: () => number;
  random?: () => number;
}

export type Failure =
  | { kind: 'invalid_request'; field: string; message: string; status: 400 | 404 | 413 }
  | {
      kind: 'insufficient_credits';
      balanceMicro: number;
      /** µUSD free now: the balance less what requests in flight hold. */
      availableMicro: number;
      requiredMicro: number;
      /** Why `requiredMicro`: its parts, and the max_tokens that would fit. */
      hold: CreditHold;
    }
  | { kind: 'no_route'; reasons: string[] }
  | { kind: 'rate_limited'; retryAfterMs: number; message: string }
  | { kind: 'upstream_failed'; error: ProviderError; attempts: RouteBlock['attempts']; route: RouteBlock };

export interface Completion {
  id: string;
  created: number;
  model: string;
  message: { content: string | null; toolCalls: ToolCall[]; reasoning?: string };
  finishReason: FinishReason;
  usage: CanonicalUsage & { costUsd: number; upstreamCostUsd: number; costMicro: number };
  eco: EcoBlock;
  route: RouteBlock;
  latencyMs: number;
  warnings: Warning[];
  /** Answered from the response cache (inference/cache.ts). */
  cacheHit?: boolean;
}

export type { StreamItem } from './stream';

export interface StreamStart {
  id: string;
  created: number;
  model: string;
  route: RouteBlock;
  warnings: Warning[];
  /** The client asked for the usage chunk (OpenAI `stream_options.include_usage`). */
  clientRequestedUsage: boolean;
  items: AsyncGenerator<StreamItem>;
  /** The response cache's part: `hit` (replayed) or `miss` (kept at the end); absent when not used. */
  cache?: 'hit' | 'miss';
}

export type CompletionOutcome =
  | { ok: true; stream: false; completion: Completion }
  | { ok: true; stream: true; start: StreamStart }
  | { ok: false; failure: Failure; requestId: string };

export interface CompletionInput {
  principal: Principal;
  request: CanonicalRequest;
  route?: RouteOverride;
  surface: 'rest' | 'graphql';
  /** Fires when the client goes away. */
  signal?: AbortSignal;
  warnings?: Warning[];
  /** The request's `cache` field (parsed): overrides the key's cache setting. */
  cache?: CacheRequest;
}

export async function runCompletion(deps: InferenceDeps, input: CompletionInput): Promise<CompletionOutcome> {
  const now = deps.now ?? Date.now;
  const t0 = now();
  const created = new Date(t0);
  const requestId = newRequestId(t0);
  const { principal, request } = input;
  const stream = Boolean(request.stream);
  const warnings = [...(input.warnings ?? [])];

  const marks: Record<string, number> = {};
  const p0 = performance.now();
  const mark = (name: string) => {
    marks[name] = Math.round((performance.now() - p0) * 100) / 100;
  };
  const prepared = await prepare(deps, input);
  mark('prepared');
  const baseRow = (): RequestInsert => ({
    id: requestId,
    createdAt: created,
    orgId: principal.orgId,
    apiKeyId: principal.keyId,
    surface: input.surface,
    stream,
    status: 'error',
    requestedModel: request.model,
    latencyMs: 0,
    route: {},
  });
  const fail = async (
    failure: Failure,
    extra: Partial<RequestInsert> = {},
    reservedMicro = 0,
  ): Promise<CompletionOutcome> => {
    const row: RequestInsert = {
      ...baseRow(),
      errorKind: failure.kind === 'upstream_failed' ? failure.error.kind : failure.kind,
      latencyMs: now() - t0,
      route:
        failure.kind === 'upstream_failed'
          ? failure.route
          : failure.kind === 'no_route'
            ? { reason: failure.reasons.join('; ') }
            : {},
      ...extra,
    };
    await deps.record(row, reservedMicro);
    deps.onRecorded?.(row);
    // A refusal of what the caller sent or may spend is expected: info, never error. An upstream
    // failure says something about a provider, not about LowRouter: warn.
    (failure.kind === 'upstream_failed' && failure.error.kind !== 'client_closed'
      ? deps.log.warn
      : deps.log.info)('request refused', {
      requestId,
      surface: input.surface,
      kind: row.errorKind,
      ...(failure.kind === 'invalid_request' ? { field: failure.field } : {}),
    });
    return { ok: false, failure, requestId };
  };
  if (!prepared.ok) return fail(prepared.failure);
  const p = prepared.p;
  const policyRef = { id: p.policy.id, name: p.policy.name, kind: input.route?.policy ?? p.policy.spec.kind };

  const rate = admitRate(deps, principal, p.inputBound);
  const rateRefusal = rate instanceof Promise ? await rate : rate;
  if (rateRefusal) return fail(rateRefusal);
  if (!p.rank.attempts.length) {
    const reasons = [
      p.rank.noRoute ?? 'no endpoint fits',
      ...p.rank.excluded.slice(0, 10).map((e) => `${e.endpointId}: ${e.reason}`),
    ];
    return fail({ kind: 'no_route', reasons }, { policyId: p.policy.id, policyKind: policyRef.kind });
  }

  // The response cache (opt-in): a stored answer whose endpoint is still an allowed route is served
  // without an upstream call; on a miss the answer is kept once its row has committed.
  const cachePlan = planCache(deps.config, principal, request, input.route, input.cache, warnings);
  if (cachePlan) {
    const hit = await lookupAnswer(deps.db, principal.orgId, cachePlan.key, new Date(now()));
    if (hit && p.rank.attempts.some((a) => a.endpointId === hit.endpointId)) {
      const served = await serveHit(deps, {
        hit,
        requestId,
        baseRow: { ...baseRow(), policyId: p.policy.id, policyKind: policyRef.kind },
        t0,
        warnings,
      });
      if (!served.ok) return fail(served.failure, { policyId: p.policy.id, policyKind: policyRef.kind });
      const completion = served.completion;
      if (!stream) return { ok: true, stream: false, completion };
      return {
        ok: true,
        stream: true,
        start: {
          id: requestId,
          created: completion.created,
          model: completion.model,
          route: completion.route,
          warnings,
          clientRequestedUsage: Boolean(request.stream_options?.include_usage),
          items: replayItems(completion),
          cache: 'hit',
        },
      };
    }
  }

  // Reserve the most the first choice can cost; fallbacks top the reservation up before they run.
  const first = p.tables.byEndpoint.get(p.rank.attempts[0]!.endpointId)!;
  let reservedMicro = p.reserveFor(first);
  const admitted = await admitCredit(deps, {
    orgId: principal.orgId,
    requestId,
    needMicro: reservedMicro,
    explain: (availableMicro) =>
      creditHold({
        endpointId: first.endpoint.id,
        prices: first.endpoint,
        inputTokens: p.inputBound,
        maxOutputTokens: p.maxOut(first),
        maxTokensSet: p.maxTokensSet,
        feePercent: deps.config.feePercent,
        availableMicro,
      }),
  });
  mark('reserved');
  if (!admitted.ok) {
    return fail(admitted.failure, { policyId: p.policy.id, policyKind: policyRef.kind });
  }

  const held = { micro: reservedMicro };
  const exec = await executeRequest(deps, p, {
    principal,
    request,
    requestId,
    stream,
    signal: input.signal,
    held,
  });
  reservedMicro = held.micro;

  if (!exec.ok) {
    const route = routeBlock({
      served: null,
      rank: p.rank,
      policy: policyRef,
      attempts: exec.attempts,
      fallbackUsed: false,
    });
    if (input.signal?.aborted) {
      // The client left before an answer came back: nothing was delivered, nothing is charged.
      const error = { ...exec.error, kind: 'client_closed' as const, message: 'the client disconnected' };
      return fail(
        { kind: 'upstream_failed', error, attempts: route.attempts, route },
        {
          policyId: p.policy.id,
          policyKind: policyRef.kind,
          route,
          status: 'client_disconnected',
          errorKind: 'client_disconnected',
        },
        reservedMicro,
      );
    }
    const failure: Failure = exec.clientError
      ? {
          kind: 'invalid_request',
          field: exec.error.param ?? 'messages',
          status: 400,
          message: exec.error.message,
        }
      : exec.error.kind === 'rate_limited' &&
          exec.attempts.filter((a) => a.outcome === 'error').length === 1 &&
          p.rank.attempts.length === 1
        ? {
            kind: 'rate_limited',
            retryAfterMs: exec.error.retryAfterMs ?? 1_000,
            message: exec.error.message,
          }
        : { kind: 'upstream_failed', error: exec.error, attempts: route.attempts, route };
    return fail(
      failure,
      { policyId: p.policy.id, policyKind: policyRef.kind, route, errorKind: exec.error.kind },
      reservedMicro,
    );
  }

  mark('upstream');
  const info = p.tables.byEndpoint.get(exec.attempt.endpointId)!;
  const route = routeBlock({
    served: exec.attempt,
    rank: p.rank,
    policy: policyRef,
    attempts: exec.attempts,
    fallbackUsed: exec.fallbackUsed,
  });
  warnings.push(...exec.result.warnings);

  const settleOnly = settlement({
    deps,
    p,
    info,
    route,
    fallbackUsed: exec.fallbackUsed,
    baseRow: { ...baseRow(), policyId: p.policy.id, policyKind: policyRef.kind },
    t0,
    held,
    warnings,
    onTimings: () => {
      mark('committed');
      deps.log.debug('request timings (ms since arrival)', { requestId, ...marks });
    },
  });

  const settle: typeof settleOnly = !cachePlan
    ? settleOnly
    : async (args) => {
        const completion = await settleOnly(args);
        if (args.status === 'ok') {
          // Kept after the row committed; a failure to keep it loses a future hit, never this answer.
          await storeAnswer(
            deps.db,
            principal.orgId,
            cachePlan,
            answerToKeep(completion, info.endpoint.id, new Date(now())),
            new Date(now()),
          ).catch((err) =>
            deps.log.warn('keeping an answer in the response cache failed', {
              requestId,
              error: String(err),
            }),
          );
          completion.cacheHit = false;
        }
        return completion;
      };

  if (!exec.result.stream) {
    const r = exec.result.response;
    const completion = await settle({
      usage: r.usage,
      finishReason: r.finishReason,
      status: 'ok',
      upstreamLatencyMs: exec.attempts.at(-1)?.latencyMs,
      message: {
        content: r.message.content,
        toolCalls: r.message.tool_calls ?? [],
        ...(r.message.reasoning ? { reasoning: r.message.reasoning } : {}),
      },
    });
    warnings.push(...r.warnings.filter((w) => !warnings.includes(w)));
    return { ok: true, stream: false, completion };
  }

  const streamResult = exec as Extract<typeof exec, { rest: unknown }>;
  const items = streamItems({
    requestId,
    provider: info.provider.id,
    first: streamResult.first,
    rest: streamResult.rest,
    startedAt: streamResult.startedAt,
    report: streamResult.report,
    settle,
    inputBound: p.inputBound,
    ...(input.signal ? { signal: input.signal } : {}),
    stallMs: deps.config.streamStallMs,
    now,
    onSettleError: (err) =>
      deps.log.error('recording a disconnected stream failed', { requestId, error: String(err) }),
  });
  return {
    ok: true,
    stream: true,
    start: {
      id: requestId,
      created: Math.floor(t0 / 1000),
      model: info.model.id,
      route,
      warnings,
      clientRequestedUsage: streamResult.result.clientRequestedUsage,
      items,
      ...(cachePlan ? { cache: 'miss' as const } : {}),
    },
  };
}
