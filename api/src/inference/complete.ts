/**
 * One inference request, whatever the surface (REST or GraphQL): validate, pick the policy, rank,
 * reserve credit, call upstream with fallback, estimate eco, settle and record, in that order.
 * Every request, successful or not, leaves exactly one request row; a successful one exactly one
 * debit; a reservation is always settled or released.
 */
import { microToUsd } from '@lowrouter/shared';
import type { Principal } from '../auth/key-store';
import { chargeFor } from '../billing/price';
import { boundCharge } from '../billing/bound-charge';
import type { CreditAdmission } from '../billing/credit-lease';
import type { RequestInsert } from '../billing/record';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { type EcoBlock, estimateRequest } from '../eco/estimate';
import { newRequestId } from '../ids';
import type { Logger } from '../log';
import { type CallChatResult, type FetchLike, callChat } from '../providers/call';
import { GATEWAY_PROVIDER } from '../providers/call-errors';
import type {
  CanonicalRequest,
  CanonicalUsage,
  FinishReason,
  ToolCall,
  Warning,
} from '../providers/canonical';
import type { ProviderError } from '../providers/provider-error';
import { trustUsage } from '../providers/trust-usage';
import { executeAttempts } from '../routing/execute';
import type { HealthTracker } from '../routing/health';
import type { RouteOverride } from '../routing/policy';
import type { Attempt } from '../routing/rank-types';
import { admitCredit, admitRate, topUpCredit } from './admit';
import type { PolicyStore } from '../routing/policies';
import { prepare } from './prepare';
import type { RateLimiter } from './rate-limit';
import { type RouteBlock, routeBlock } from '../routing/route-block';
import type { TablesCache } from '../routing/routing-tables';
import { type StreamItem, type StreamSettleArgs, estimateOutputTokens, streamItems } from './stream';

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
  | { kind: 'insufficient_credits'; balanceMicro: number; requiredMicro: number }
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
}

const DEADLINE_MS = 600_000;
const MAX_ATTEMPTS = 4;

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
    return { ok: false, failure, requestId };
  };
  if (!prepared.ok) return fail(prepared.failure);
  const p = prepared.p;
  const policyRef = { id: p.policy.id, name: p.policy.name, kind: input.route?.policy ?? p.policy.spec.kind };

  const rateRefusal = admitRate(deps, principal, p.inputBound);
  if (rateRefusal) return fail(rateRefusal);
  if (!p.rank.attempts.length) {
    const reasons = [
      p.rank.noRoute ?? 'no endpoint fits',
      ...p.rank.excluded.slice(0, 10).map((e) => `${e.endpointId}: ${e.reason}`),
    ];
    return fail({ kind: 'no_route', reasons }, { policyId: p.policy.id, policyKind: policyRef.kind });
  }

  // Reserve the most the first choice can cost; fallbacks top the reservation up before they run.
  const first = p.tables.byEndpoint.get(p.rank.attempts[0]!.endpointId)!;
  let reservedMicro = p.reserveFor(first);
  const admitted = await admitCredit(deps, { orgId: principal.orgId, requestId, needMicro: reservedMicro });
  mark('reserved');
  if (!admitted.ok) {
    return fail(admitted.failure, { policyId: p.policy.id, policyKind: policyRef.kind });
  }

  const exec = await executeAttempts({
    attempts: p.rank.attempts,
    stream,
    health: deps.health,
    now,
    deadlineMs: DEADLINE_MS,
    maxAttempts: MAX_ATTEMPTS,
    ...(input.signal ? { signal: input.signal } : {}),
    contextWindowOf: (a) => p.tables.byEndpoint.get(a.endpointId)!.model.contextWindow,
    call: async (attempt: Attempt, timeoutMs: number): Promise<CallChatResult> => {
      const info = p.tables.byEndpoint.get(attempt.endpointId)!;
      const need = p.reserveFor(info);
      if (need > reservedMicro) {
        const ok = await topUpCredit(deps, {
          orgId: principal.orgId,
          requestId,
          deltaMicro: need - reservedMicro,
        });
        if (!ok) {
          return {
            ok: false,
            // The gateway's own refusal (GATEWAY_PROVIDER): never held against the endpoint; a
            // cheaper candidate further down may still fit the balance.
            error: {
              kind: 'bad_request',
              status: 402,
              retryable: true,
              provider: GATEWAY_PROVIDER,
              message: `not enough credit to fall back to ${info.endpoint.id}`,
            },
          };
        }
        reservedMicro = need;
      }
      return callChat({
        provider: { ...(info.provider.spec as object), id: info.provider.id } as never,
        endpoint: { upstreamModel: info.endpoint.upstreamModel },
        region: { providerRegionId: info.region.providerRegionId },
        request,
        ...(info.credentials?.apiKey ? { apiKey: info.credentials.apiKey } : {}),
        ...(info.credentials?.baseUrl ? { baseUrl: info.credentials.baseUrl } : {}),
        placeholders: info.credentials?.placeholders ?? {},
        maxOutputTokens: info.model.maxOutputTokens,
        stream,
        ...(input.signal ? { signal: input.signal } : {}),
        timeouts: { totalMs: timeoutMs },
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
    },
  });

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

  const settle = async (args: StreamSettleArgs): Promise<Completion> => {
    // Never trust upstream numbers: impossible counts are replaced by our own; never charge past the hold.
    const { usage, problems } = trustUsage(
      args.usage,
      { maxInputTokens: p.inputBound, maxOutputTokens: p.maxOut(info) },
      {
        inputTokens: Math.ceil(p.inputBound / 4),
        outputTokens: estimateOutputTokens(
          (args.message.content ?? '') + (args.message.reasoning ?? ''),
          args.message.toolCalls.map((t) => t.function.arguments).join(''),
        ),
      },
    );
    const charge = boundCharge(chargeFor(usage, info.endpoint, deps.config.feePercent), reservedMicro);
    for (const message of problems) warnings.push({ code: 'usage_untrusted', param: 'usage', message });
    if (charge.note) warnings.push({ code: 'charge_capped', param: 'usage', message: charge.note });
    const eco = estimateRequest({
      model: info.model,
      provider: info.provider,
      region: info.region,
      outputTokens: usage.outputTokens,
      measuredLatencyMs: args.upstreamLatencyMs,
      tokensEstimated: Boolean(usage.estimated),
    });
    const latencyMs = now() - t0;
    const row: RequestInsert = {
      ...baseRow(),
      status: args.status,
      errorKind: args.errorKind ?? null,
      finishReason: args.finishReason,
      policyId: p.policy.id,
      policyKind: policyRef.kind,
      modelId: info.model.id,
      providerId: info.provider.id,
      regionId: info.region.id,
      endpointId: info.endpoint.id,
      country: info.region.country,
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cachedInputTokens: usage.cachedInputTokens,
      cacheWriteTokens: usage.cacheWriteTokens,
      reasoningTokens: usage.reasoningTokens,
      tokensEstimated: Boolean(usage.estimated),
      latencyMs,
      upstreamLatencyMs: args.upstreamLatencyMs ?? null,
      upstreamCostMicro: charge.upstreamMicro,
      chargeMicro: charge.chargeMicro,
      energyWhMin: eco.block.energyWh.min,
      energyWhMax: eco.block.energyWh.max,
      gco2eMin: eco.block.gco2e.min,
      gco2eMax: eco.block.gco2e.max,
      gco2eEmbodiedMin: eco.gco2eEmbodied.min,
      gco2eEmbodiedMax: eco.gco2eEmbodied.max,
      gridGco2ePerKwh: eco.inputs.gridGco2ePerKwh,
      gridSource: eco.block.gridSource,
      pueMin: eco.inputs.pue.min,
      pueMax: eco.inputs.pue.max,
      activeParamsMinB: eco.inputs.activeParamsB.min,
      activeParamsMaxB: eco.inputs.activeParamsB.max,
      totalParamsMinB: eco.inputs.totalParamsB.min,
      totalParamsMaxB: eco.inputs.totalParamsB.max,
      ecoConfidence: eco.block.confidence,
      methodologyVersion: eco.block.methodology,
      // Why the usage or the charge is not the upstream's, for whoever reads the row later.
      route:
        problems.length || charge.note
          ? { ...route, billing: { refused: problems, note: charge.note } }
          : route,
      fallbackUsed: exec.fallbackUsed,
    };
    mark('recorded');
    const { debitedMicro } = await deps.record(row, reservedMicro);
    mark('committed');
    deps.log.debug('request timings (ms since arrival)', { requestId, ...marks });
    deps.onRecorded?.(row);
    return {
      id: requestId,
      created: Math.floor(t0 / 1000),
      model: info.model.id,
      message: args.message,
      finishReason: args.finishReason ?? 'error',
      usage: {
        ...usage,
        costMicro: debitedMicro,
        costUsd: microToUsd(debitedMicro),
        upstreamCostUsd: microToUsd(charge.upstreamMicro),
      },
      eco: eco.block,
      route,
      latencyMs,
      warnings,
    };
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
    },
  };
}
