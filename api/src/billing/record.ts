/**
 * The durable record of one request: its row, its `usage_daily` rollup and its ledger settlement, in ONE
 * transaction, committed before the response completes. Prompt and completion text are never stored.
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { creditLedger, creditReservations, organizations, requests, usageDaily } from '../db/schema';
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
  if ((input.row.chargeMicro ?? 0) <= input.reservedMicro) return recordInOneStatement(db, input);
  return db.transaction(async (tx) => recordInTx(tx, input));
}

/**
 * The usual case, in ONE statement (atomic by itself, one round trip): release the reservation and
 * debit the balance, append the ledger row, insert the request row, upsert the daily rollup. Only
 * valid when the charge fits in the reservation, so no balance check is needed.
 */
async function recordInOneStatement(
  db: Db,
  { row, reservedMicro }: RecordInput,
): Promise<{ debitedMicro: number }> {
  const debit = row.chargeMicro ?? 0;
  const ledger =
    debit > 0
      ? sql`, led as (${db.insert(creditLedger).values({ orgId: row.orgId, kind: 'usage', amountMicro: -debit, requestId: row.id, actorKeyId: row.apiKeyId }).getSQL()})`
      : sql``;
  await db.execute(sql`
    with released as (
      delete from ${creditReservations} where request_id = ${row.id} returning amount_micro
    ), settled as (
      update ${organizations}
      set balance_micro = balance_micro - ${debit},
          reserved_micro = reserved_micro - coalesce((select sum(amount_micro) from released), 0)
      where id = ${row.orgId} and (${debit} > 0 or ${reservedMicro} > 0)
    )${ledger}, req as (${db.insert(requests).values(row).getSQL()}), rollup as (${rollupInsert(db, row, debit).getSQL()})
    select 1`);
  return { debitedMicro: debit };
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
  await rollupInsert(tx, row, debitedMicro);
  return { debitedMicro };
}

/** The `usage_daily` upsert for one request row: adds its counts to its day's bucket. */
function rollupInsert(db: Db, row: RequestInsert, debitedMicro: number) {
  const isError = row.status !== 'ok';
  return db
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
}
