/**
 * Stage 4, settle: from what the upstream answered to the durable record and the answer's `usage`,
 * `eco` and `route`. Upstream numbers are checked first (providers/trust-usage.ts: impossible counts are
 * replaced by our own) and the charge never exceeds what was held (billing/bound-charge.ts). The row
 * joins the next group commit; the answer is released when that batch commits.
 */
import { microToUsd } from '@lowrouter/shared';
import { boundCharge } from '../billing/bound-charge';
import { chargeFor } from '../billing/price';
import type { RequestInsert } from '../billing/record';
import { estimateRequest } from '../eco/estimate';
import type { Warning } from '../providers/canonical';
import { trustUsage } from '../providers/trust-usage';
import type { RouteBlock } from '../routing/route-block';
import type { EndpointInfo } from '../routing/routing-tables';
import type { Completion, InferenceDeps } from './complete';
import type { Prepared } from './prepare';
import { type StreamSettleArgs, estimateOutputTokens } from './stream';

export interface SettleContext {
  deps: InferenceDeps;
  p: Prepared;
  /** The endpoint that served. */
  info: EndpointInfo;
  route: RouteBlock;
  fallbackUsed: boolean;
  /** The row's fields known before the upstream answered (id, org, key, surface, policy…). */
  baseRow: RequestInsert;
  /** Arrival time (ms since epoch). */
  t0: number;
  /** µUSD held for the request (read when settling: a fallback may have raised it). */
  held: { micro: number };
  /** The answer's warnings; settling adds those about untrusted usage or a capped charge. */
  warnings: Warning[];
  onTimings?: () => void;
}

/** The settle function of one served request (called once: at the end of a response or a stream). */
export function settlement(ctx: SettleContext) {
  const { deps, p, info, route } = ctx;
  const now = deps.now ?? Date.now;
  return async (args: StreamSettleArgs): Promise<Completion> => {
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
    const charge = boundCharge(chargeFor(usage, info.endpoint, deps.config.feePercent), ctx.held.micro);
    for (const message of problems) ctx.warnings.push({ code: 'usage_untrusted', param: 'usage', message });
    if (charge.note) ctx.warnings.push({ code: 'charge_capped', param: 'usage', message: charge.note });
    const eco = estimateRequest({
      model: info.model,
      provider: info.provider,
      region: info.region,
      outputTokens: usage.outputTokens,
      measuredLatencyMs: args.upstreamLatencyMs,
      tokensEstimated: Boolean(usage.estimated),
    });
    const latencyMs = now() - ctx.t0;
    const row: RequestInsert = {
      ...ctx.baseRow,
      status: args.status,
      errorKind: args.errorKind ?? null,
      finishReason: args.finishReason,
      modelId: info.model.id,
      providerId: info.provider.id,
      regionId: info.region.id,
      endpointId: info.endpoint.id,
      country: info.region.country,
      locationBasis: info.region.locationConfidence,
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
      gridYear: eco.block.gridYear,
      catalogVersion: info.catalogVersion ?? null,
      // Why the usage or the charge is not the upstream's, for whoever reads the row later.
      route:
        problems.length || charge.note
          ? { ...route, billing: { refused: problems, note: charge.note } }
          : route,
      fallbackUsed: ctx.fallbackUsed,
    };
    const { debitedMicro } = await deps.record(row, ctx.held.micro);
    ctx.onTimings?.();
    deps.onRecorded?.(row);
    return {
      id: row.id,
      created: Math.floor(ctx.t0 / 1000),
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
      warnings: ctx.warnings,
    };
  };
}
