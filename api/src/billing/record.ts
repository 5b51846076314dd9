/**
 * The durable record of one request: its row, its `usage_daily` rollup and its ledger settlement, in ONE
 * transaction, committed before the response completes. Prompt and completion text are never stored.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { requests, usageDaily } from '../db/schema';
import { settleCredit } from './ledger';

export type RequestInsert = typeof requests.$inferInsert;

export interface RecordInput {
  row: RequestInsert;
  /** µUSD held for this request before dispatch (0 when nothing was reserved). */
  reservedMicro: number;
}

/** UTC day (YYYY-MM-DD) of a timestamp. */
export const utcDay = (d: Date) => d.toISOString().slice(0, 10);

export async function recordRequest(db: Db, input: RecordInput): Promise<{ debitedMicro: number }> {
  return db.transaction(async (tx) => recordInTx(tx, input));
}

/** The same, inside a caller's transaction (group commit batches several). */
export async function recordInTx(
  tx: Db,
  { row, reservedMicro }: RecordInput,
): Promise<{ debitedMicro: number }> {
  const debitedMicro = await settleCredit(tx, {
    orgId: row.orgId,
    requestId: row.id,
    apiKeyId: row.apiKeyId,
    reservedMicro,
    chargeMicro: row.chargeMicro ?? 0,
  });
  const stored = { ...row, chargeMicro: debitedMicro };
  await tx.insert(requests).values(stored);
  const isError = row.status !== 'ok';
  await tx
    .insert(usageDaily)
    .values({
      day: utcDay(row.createdAt),
      orgId: row.orgId,
      apiKeyId: row.apiKeyId,
      policyId: row.policyId ?? '',
      modelId: row.modelId ?? '',
      providerId: row.providerId ?? '',
      regionId: row.regionId ?? '',
      country: row.country ?? '',
      requests: 1,
      errors: isError ? 1 : 0,
      inputTokens: row.inputTokens ?? 0,
      outputTokens: row.outputTokens ?? 0,
      cachedInputTokens: row.cachedInputTokens ?? 0,
      reasoningTokens: row.reasoningTokens ?? 0,
      upstreamCostMicro: row.upstreamCostMicro ?? 0,
      chargeMicro: debitedMicro,
      energyWhMin: row.energyWhMin ?? 0,
      energyWhMax: row.energyWhMax ?? 0,
      gco2eMin: row.gco2eMin ?? 0,
      gco2eMax: row.gco2eMax ?? 0,
      latencyMsSum: row.latencyMs,
    })
    .onConflictDoUpdate({
      target: [
        usageDaily.orgId,
        usageDaily.day,
        usageDaily.apiKeyId,
        usageDaily.policyId,
        usageDaily.modelId,
        usageDaily.providerId,
        usageDaily.regionId,
        usageDaily.country,
      ],
      set: Object.fromEntries(
        (
          [
            ['requests', 'requests'],
            ['errors', 'errors'],
            ['inputTokens', 'input_tokens'],
            ['outputTokens', 'output_tokens'],
            ['cachedInputTokens', 'cached_input_tokens'],
            ['reasoningTokens', 'reasoning_tokens'],
            ['upstreamCostMicro', 'upstream_cost_micro'],
            ['chargeMicro', 'charge_micro'],
            ['energyWhMin', 'energy_wh_min'],
            ['energyWhMax', 'energy_wh_max'],
            ['gco2eMin', 'gco2e_min'],
            ['gco2eMax', 'gco2e_max'],
            ['latencyMsSum', 'latency_ms_sum'],
          ] as const
        ).map(([k, c]) => [k, sql.raw(`usage_daily.${c} + excluded.${c}`)]),
      ),
    });
  return { debitedMicro };
}
