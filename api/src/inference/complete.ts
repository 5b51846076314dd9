/**
 * One inference request, whatever the surface (REST or GraphQL): validate, pick the policy, rank,
 * reserve credit, call upstream with fallback, estimate eco, settle and record, in that order.
 * Every request, successful or not, leaves exactly one request row; a successful one exactly one
 * debit; a reservation is always settled or released.
 */
import { microToUsd } from '@lowrouter/shared';
import type { Principal } from '../auth/key-store';
import { maxChargeMicro, chargeFor } from '../billing/price';
import type { CreditAdmission } from '../billing/credit-lease';
import type { RequestInsert } from '../billing/record';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { type EcoBlock, estimateRequest } from '../eco/estimate';
import { newRequestId } from '../ids';
import type { Logger } from '../log';
import { type CallChatResult, type FetchLike, callChat } from '../providers/call';
import {
  type CanonicalRequest,
  type CanonicalStreamEvent,
  type CanonicalUsage,
  type FinishReason,
  type ToolCall,
  type Warning,
  requestedMaxTokens,
} from '../providers/canonical';
import type { ProviderError } from '../providers/provider-error';
import { classifyRequest } from '../routing/classify';
import { executeAttempts } from '../routing/execute';
import type { HealthTracker } from '../routing/health';
import { type RouteOverride, mergePolicy, pinsOf, validatePolicy } from '../routing/policy';
import { rankCandidates } from '../routing/rank';
import { AUTO_MODEL, type Attempt, type RankResult } from '../routing/rank-types';
import { admitCredit, admitRate, topUpCredit } from './admit';
import { inputTokenUpperBound } from './bounds';
import type { PolicyStore, ResolvedPolicy } from './policies';
import type { RateLimiter } from './rate-limit';
import { type RouteBlock, routeBlock } from './route-block';
import { type EndpointInfo, type RoutingTables, type TablesCache, resolveModelId } from './routing-tables';

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

/** What a stream yields: upstream deltas, then exactly one `final` (after the record is committed) or one `error`. */
export type StreamItem =
  | { type: 'delta'; event: Extract<CanonicalStreamEvent, { type: 'text' | 'reasoning' | 'tool_call' }> }
  | { type: 'final'; completion: Completion }
  | { type: 'error'; error: ProviderError; requestId: string };

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
const EXPECTED_OUTPUT = 400;

interface Prepared {
  tables: RoutingTables;
  policy: ResolvedPolicy;
  rank: RankResult;
  inputBound: number;
  maxOut: (info: EndpointInfo) => number;
  reserveFor: (info: EndpointInfo) => number;
}

async function prepare(
  deps: InferenceDeps,
  input: CompletionInput,
): Promise<{ ok: true; p: Prepared } | { ok: false; failure: Failure }> {
  const { request } = input;
  const tables = await deps.tables.get();
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
  const modelId = resolveModelId(tables, request.model);
  if (!modelId) {
    return {
      ok: false,
      failure: {
        kind: 'invalid_request',
        field: 'model',
        status: 404,
        message: `unknown model '${request.model}': see GET /v1/models, or use ${AUTO_MODEL}`,
      },
    };
  }
  const fallbacks: string[] = [];
  const extra = (request as { models?: unknown }).models;
  if (Array.isArray(extra)) {
    for (const m of extra) {
      const id = typeof m === 'string' ? resolveModelId(tables, m) : null;
      if (!id || id === AUTO_MODEL)
        return {
          ok: false,
          failure: {
            kind: 'invalid_request',
            field: 'models',
            status: 400,
            message: `unknown model '${String(m)}' in models`,
          },
        };
      fallbacks.push(id);
    }
  }
  const maxTokens = requestedMaxTokens(request);
  if (modelId !== AUTO_MODEL && maxTokens !== undefined) {
    const limit = tables.models.get(modelId)!.maxOutputTokens;
    if (maxTokens > limit) {
      return {
        ok: false,
        failure: {
          kind: 'invalid_request',
          field: 'max_tokens',
          status: 400,
          message: `${modelId} generates at most ${limit} output tokens; max_tokens is ${maxTokens}`,
        },
      };
    }
  }
  const policy = await deps.policies.forPrincipal(input.principal);
  const merged = mergePolicy(policy.spec, input.route);
  if (!merged.ok) {
    return {
      ok: false,
      failure: {
        kind: 'invalid_request',
        field: 'route',
        status: 400,
        message: merged.problems.map((p) => p.message).join('; '),
      },
    };
  }
  const inputBound = inputTokenUpperBound(request);
  const classification = classifyRequest(request as Parameters<typeof classifyRequest>[0]);
  const rank = rankCandidates({
    candidates: tables.candidates,
    policy: merged.policy,
    request: {
      model: modelId,
      ...(fallbacks.length ? { models: fallbacks } : {}),
      estimatedInputTokens: classification.estimatedInputTokens,
      expectedOutputTokens: Math.min(maxTokens ?? EXPECTED_OUTPUT, EXPECTED_OUTPUT * 4),
      ...(maxTokens !== undefined ? { maxTokens } : {}),
      requiresTools: Boolean(request.tools?.length),
      classification,
      pinned: pinsOf(merged.policy),
    },
    health: (id) => deps.health.view(id),
    config: { highIntensityThreshold: deps.config.highIntensityThreshold },
    random: deps.random ?? Math.random,
  });
  if (!rank.attempts.length) {
    // Say whether the policy and the request contradict each other (400) before calling it an outage.
    const problems = validatePolicy(merged.policy, {
      regions: tables.regions,
      providers: tables.providers,
      endpoints: tables.candidates.map((c) => c.endpoint),
    }).filter((pr) => pr.severity === 'error');
    if (problems.length) {
      return {
        ok: false,
        failure: {
          kind: 'invalid_request',
          field: 'route',
          status: 400,
          message: problems.map((pr) => pr.message).join('; '),
        },
      };
    }
  }
  const maxOut = (info: EndpointInfo) =>
    Math.min(maxTokens ?? info.model.maxOutputTokens, info.model.maxOutputTokens);
  const reserveFor = (info: EndpointInfo) =>
    maxChargeMicro(inputBound, maxOut(info), info.endpoint, deps.config.feePercent);
  return {
    ok: true,
    p: { tables, policy: { ...policy, spec: policy.spec }, rank, inputBound, maxOut, reserveFor },
  };
}

function estimateOutputTokens(text: string, toolArgs: string): number {
  return Math.ceil((text.length + toolArgs.length) / 4);
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
            error: {
              kind: 'bad_request',
              status: 402,
              retryable: false,
              provider: 'lowrouter',
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
      const error = { ...exec.error, kind: 'network' as const, message: 'the client disconnected' };
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

  const settle = async (args: {
    usage: CanonicalUsage;
    finishReason: FinishReason | null;
    status: 'ok' | 'error' | 'client_disconnected';
    errorKind?: string;
    upstreamLatencyMs: number | undefined;
    message: Completion['message'];
  }): Promise<Completion> => {
    const usage = args.usage;
    const charge = chargeFor(usage, info.endpoint, deps.config.feePercent);
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
      route,
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
  async function* items(): AsyncGenerator<StreamItem> {
    let text = '';
    let reasoning = '';
    const tools: ToolCall[] = [];
    let usage: CanonicalUsage | undefined;
    let finish: FinishReason | undefined;
    let error: ProviderError | undefined;
    let done = false;
    const upstreamT0 = streamResult.startedAt;
    const take = (ev: CanonicalStreamEvent): StreamItem | null => {
      switch (ev.type) {
        case 'text':
          text += ev.text;
          return { type: 'delta', event: ev };
        case 'reasoning':
          reasoning += ev.text;
          return { type: 'delta', event: ev };
        case 'tool_call': {
          let t = tools[ev.index];
          if (!t) {
            t = {
              id: ev.id ?? '',
              type: 'function',
              function: { name: ev.name ?? '', arguments: '' },
            } as ToolCall;
            tools[ev.index] = t;
          }
          if (ev.id) t.id = ev.id;
          if (ev.name) t.function.name = ev.name;
          t.function.arguments += ev.arguments;
          return { type: 'delta', event: ev };
        }
        case 'usage':
          usage = ev.usage;
          return null;
        case 'finish':
          finish = ev.finishReason;
          return null;
        case 'error':
          error = ev.error;
          return null;
        default:
          return null;
      }
    };
    const counted = (): CanonicalUsage => ({
      inputTokens: usage?.inputTokens ?? Math.ceil(p.inputBound / 4),
      outputTokens: Math.max(
        usage?.outputTokens ?? 0,
        estimateOutputTokens(text + reasoning, tools.map((t) => t.function.arguments).join('')),
      ),
      cachedInputTokens: usage?.cachedInputTokens ?? 0,
      cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
      reasoningTokens: usage?.reasoningTokens ?? 0,
      estimated: true,
    });
    try {
      const firstItem = streamResult.first ? take(streamResult.first) : null;
      if (firstItem) yield firstItem;
      for (;;) {
        const next = await streamResult.rest.next();
        if (next.done) break;
        const item = take(next.value);
        if (item) yield item;
        if (error || finish) break;
      }
      const message = {
        content: text || null,
        toolCalls: tools.filter(Boolean),
        ...(reasoning ? { reasoning } : {}),
      };
      if (!error && finish) {
        streamResult.report(true);
        const completion = await settle({
          usage: usage ?? counted(),
          finishReason: finish,
          status: 'ok',
          upstreamLatencyMs: now() - upstreamT0,
          message,
        });
        done = true;
        yield { type: 'final', completion };
        return;
      }
      const e: ProviderError = error ?? {
        kind: 'network',
        status: null,
        retryable: true,
        provider: info.provider.id,
        message: 'the upstream stream ended before its end marker',
      };
      // The client's own disconnect also cancels the upstream, which then reports an error: that is
      // the client leaving, not an upstream fault, and says nothing about the endpoint's health.
      const clientLeft = Boolean(input.signal?.aborted);
      streamResult.report(clientLeft, clientLeft ? undefined : e.kind);
      // Charged for what was generated before the cut; the row says why it ended.
      await settle({
        usage: usage && usage.outputTokens > 0 ? usage : counted(),
        finishReason: null,
        status: clientLeft ? 'client_disconnected' : 'error',
        errorKind: clientLeft ? 'client_disconnected' : e.kind,
        upstreamLatencyMs: undefined,
        message,
      });
      done = true;
      yield { type: 'error', error: e, requestId };
    } finally {
      if (!done) {
        // The client went away mid-stream: charge what was generated, say so on the row.
        streamResult.rest.return?.().catch(() => {});
        streamResult.report(true);
        await settle({
          usage: usage && usage.outputTokens > 0 ? usage : counted(),
          finishReason: null,
          status: 'client_disconnected',
          errorKind: 'client_disconnected',
          upstreamLatencyMs: undefined,
          message: { content: null, toolCalls: [] },
        }).catch((err) =>
          deps.log.error('recording a disconnected stream failed', { requestId, error: String(err) }),
        );
      }
    }
  }
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
      items: items(),
    },
  };
}
