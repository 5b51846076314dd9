/**
 * Serving a response-cache hit (see cache.ts): no upstream call. The hit is recorded like any request
 * (one row, `cache_hit` true, one debit when LOWROUTER_CACHE_HIT_PRICE > 0) before the answer is
 * released; its `eco` block spends nothing and reports what the original answer's estimate was as
 * `avoided`; its `usage` repeats the original token counts (what the client receives) at the hit's
 * price. A streamed request gets the stored answer replayed as stream items.
 */
import { microToUsd } from '@lowrouter/shared';
import { flatHold } from '../billing/credit-hold';
import type { RequestInsert } from '../billing/record';
import type { EcoBlock } from '../eco/estimate';
import type { RouteBlock } from '../routing/route-block';
import type { CachedAnswer } from './cache';
import type { Completion, Failure, InferenceDeps, StreamItem } from './complete';
import { admitCredit } from './admit';

const ZERO = { min: 0, mid: 0, max: 0 };

/** The eco block of a hit: nothing spent, the original estimate reported as avoided. */
export function hitEco(original: EcoBlock): EcoBlock {
  return {
    ...original,
    energyWh: ZERO,
    gco2e: ZERO,
    gco2ePer1kOutputTokens: ZERO,
    avoided: { energyWh: original.energyWh, gco2e: original.gco2e },
  };
}

export function hitRoute(hit: CachedAnswer): RouteBlock {
  return {
    ...hit.route,
    reason: `answered from the response cache: the answer of request ${hit.requestId} (${hit.createdAt}), served then by ${hit.endpointId}; no upstream call`,
    attempts: [],
    fallbackUsed: false,
    excluded: [],
    cache: { hit: true, originalRequestId: hit.requestId, storedAt: hit.createdAt },
  };
}

export async function serveHit(
  deps: InferenceDeps,
  a: {
    hit: CachedAnswer;
    requestId: string;
    baseRow: RequestInsert;
    t0: number;
    warnings: Completion['warnings'];
  },
): Promise<{ ok: true; completion: Completion } | { ok: false; failure: Failure; row: RequestInsert }> {
  const { hit } = a;
  const now = deps.now ?? Date.now;
  const chargeMicro = Math.round(hit.chargeMicro * deps.config.cacheHitPrice);
  if (chargeMicro > 0) {
    const admitted = await admitCredit(deps, {
      orgId: a.baseRow.orgId,
      requestId: a.requestId,
      needMicro: chargeMicro,
      explain: () =>
        flatHold(
          hit.endpointId,
          chargeMicro,
          deps.config.feePercent,
          `a response-cache hit costs LOWROUTER_CACHE_HIT_PRICE × the original answer's charge`,
        ),
    });
    if (!admitted.ok) return { ok: false, failure: admitted.failure, row: a.baseRow };
  }
  const route = hitRoute(hit);
  const eco = hitEco(hit.eco);
  const latencyMs = now() - a.t0;
  const row: RequestInsert = {
    ...a.baseRow,
    status: 'ok',
    finishReason: hit.finishReason,
    modelId: hit.route.model,
    providerId: hit.route.provider,
    regionId: hit.route.region,
    endpointId: hit.endpointId,
    country: hit.route.country,
    inputTokens: hit.usage.inputTokens,
    outputTokens: hit.usage.outputTokens,
    cachedInputTokens: hit.usage.cachedInputTokens,
    cacheWriteTokens: hit.usage.cacheWriteTokens,
    reasoningTokens: hit.usage.reasoningTokens,
    tokensEstimated: Boolean(hit.usage.estimated),
    latencyMs,
    upstreamLatencyMs: null,
    upstreamCostMicro: 0,
    chargeMicro,
    energyWhMin: 0,
    energyWhMax: 0,
    gco2eMin: 0,
    gco2eMax: 0,
    gridGco2ePerKwh: hit.eco.gridIntensityGco2ePerKwh,
    gridSource: hit.eco.gridSource,
    ecoConfidence: hit.eco.confidence,
    methodologyVersion: hit.eco.methodology,
    route,
    cacheHit: true,
    costSavedMicro: Math.max(0, hit.chargeMicro - chargeMicro),
    avoidedEnergyWhMin: hit.eco.energyWh.min,
    avoidedEnergyWhMax: hit.eco.energyWh.max,
    avoidedGco2eMin: hit.eco.gco2e.min,
    avoidedGco2eMax: hit.eco.gco2e.max,
  };
  const { debitedMicro } = await deps.record(row, chargeMicro);
  deps.onRecorded?.(row);
  return {
    ok: true,
    completion: {
      id: a.requestId,
      created: Math.floor(a.t0 / 1000),
      model: hit.model,
      message: hit.message,
      finishReason: hit.finishReason,
      usage: {
        ...hit.usage,
        costMicro: debitedMicro,
        costUsd: microToUsd(debitedMicro),
        upstreamCostUsd: 0,
      },
      eco,
      route,
      latencyMs,
      warnings: a.warnings,
      cacheHit: true,
    },
  };
}

/** Text is replayed in pieces of this many characters, so a streaming client sees a stream. */
const REPLAY_CHUNK = 256;

/** The stored answer as stream items: reasoning, text, tool calls, then the final completion. */
export async function* replayItems(c: Completion): AsyncGenerator<StreamItem> {
  const chunks = (s: string) => {
    const out: string[] = [];
    for (let i = 0; i < s.length; i += REPLAY_CHUNK) out.push(s.slice(i, i + REPLAY_CHUNK));
    return out;
  };
  for (const text of chunks(c.message.reasoning ?? ''))
    yield { type: 'delta', event: { type: 'reasoning', text } };
  for (const text of chunks(c.message.content ?? '')) yield { type: 'delta', event: { type: 'text', text } };
  for (const [index, t] of c.message.toolCalls.entries())
    yield {
      type: 'delta',
      event: { type: 'tool_call', index, id: t.id, name: t.function.name, arguments: t.function.arguments },
    };
  yield { type: 'final', completion: c };
}

/** What to keep of a served answer (called after its row committed). */
export function answerToKeep(c: Completion, endpointId: string, createdAt: Date): CachedAnswer {
  return {
    requestId: c.id,
    endpointId,
    createdAt: createdAt.toISOString(),
    model: c.model,
    message: c.message,
    finishReason: c.finishReason,
    usage: {
      inputTokens: c.usage.inputTokens,
      outputTokens: c.usage.outputTokens,
      cachedInputTokens: c.usage.cachedInputTokens,
      cacheWriteTokens: c.usage.cacheWriteTokens,
      reasoningTokens: c.usage.reasoningTokens,
      ...(c.usage.estimated ? { estimated: true } : {}),
    },
    chargeMicro: c.usage.costMicro,
    eco: c.eco,
    route: c.route,
  };
}
