/**
 * The durable record of finished requests: their rows, their `usage_daily` rollups, their debits and
 * the release of what was held for them, committed before any of their answers completes. A batch is
 * ONE statement (db/queries/credit.ts); billing/group-commit.ts gathers the batches. Balances move
 * only through the ledger rows (a trigger). Prompt and completion text are never stored here (only the
 * opt-in response cache keeps answers: inference/cache.ts).
 */
import { getTableColumns } from 'drizzle-orm';
import type { Db } from '../db/client';
import { recordBatchSql } from '../db/queries/credit';
import { requests, usageDaily, usageHourly } from '../db/schema';
import { settleCredit } from './ledger';

export type RequestInsert = typeof requests.$inferInsert;

export interface RecordInput {
  row: RequestInsert;
  /** µUSD held for this request before dispatch (0 when nothing was reserved). */
  reservedMicro: number;
}

/** One request of a batch. `row.chargeMicro` is what is debited: it must fit in what is released. */
export interface BatchItem {
  row: RequestInsert;
  /** Delete the request's own reservation row (exact admission). */
  releaseReservation: boolean;
  /** Shrink a node's lease by this much (leased admission): the debit plus any unused part returned. */
  lease?: { leaseId: string; shrinkMicro: number };
}

/** UTC day (YYYY-MM-DD) of a timestamp. */
export const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/** Single request: one statement when the charge fits in the reservation, else the clamping path. */
export async function recordRequest(db: Db, input: RecordInput): Promise<{ debitedMicro: number }> {
  const charge = input.row.chargeMicro ?? 0;
  if (charge <= input.reservedMicro) {
    await recordBatch(db, [{ row: input.row, releaseReservation: input.reservedMicro > 0 }]);
    return { debitedMicro: charge };
  }
  return db.transaction(async (tx) => recordInTx(tx, input));
}

/**
 * A request whose charge exceeds what was reserved (an upstream that overshoots, or a row recorded
 * without a reservation), inside a caller's transaction: settleCredit locks the organisation and
 * clamps the debit to the reservation plus what is free; the row stores what was debited.
 */
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
  await recordBatch(tx, [{ row: { ...row, chargeMicro: debitedMicro }, releaseReservation: false }], {
    debits: false,
  });
  return { debitedMicro };
}

/**
 * Writes a batch in one statement (a call of the record_batch function, db/queries/credit.ts): rows,
 * ledger debits (charge_micro > 0), reservation releases, lease shrinks (summed per lease), rollups
 * (summed per key). Throws if any part fails; nothing is written then.
 * `debits: false` when the caller already wrote the ledger row (recordInTx).
 */
export async function recordBatch(
  db: Db,
  items: BatchItem[],
  opts: { debits?: boolean } = {},
): Promise<void> {
  const rows: Record<string, unknown>[] = [];
  const releases: string[] = [];
  const shrinks = new Map<string, number>();
  const rollups = new Map<string, Record<string, unknown>>();
  const hourly = new Map<string, Record<string, unknown>>();
  for (const it of items) {
    rows.push(requestJson(it.row));
    if (it.releaseReservation) releases.push(it.row.id);
    if (it.lease && it.lease.shrinkMicro > 0)
      shrinks.set(it.lease.leaseId, (shrinks.get(it.lease.leaseId) ?? 0) + it.lease.shrinkMicro);
    addRollup(rollups, it.row, 'day');
    addRollup(hourly, it.row, 'hour');
  }
  await db.execute(
    recordBatchSql(
      JSON.stringify(rows),
      opts.debits !== false,
      JSON.stringify(releases),
      JSON.stringify([...shrinks].map(([lease_id, amount]) => ({ lease_id, amount }))),
      JSON.stringify([...rollups.values()]),
      JSON.stringify([...hourly.values()]),
    ),
  );
}

// Columns of `requests` in table order, with their defaults: jsonb_populate_recordset applies no
// defaults, so every column is filled here.
const REQUEST_COLUMNS = Object.entries(getTableColumns(requests)).map(
  ([key, col]) => [key, col.name, col.default ?? null] as const,
);

function requestJson(row: RequestInsert): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const r = row as Record<string, unknown>;
  for (const [key, name, dflt] of REQUEST_COLUMNS) out[name] = r[key] ?? dflt;
  return out;
}

const ROLLUP_COLUMNS = {
  day: Object.values(getTableColumns(usageDaily)).map((c) => c.name),
  hour: Object.values(getTableColumns(usageHourly)).map((c) => c.name),
};

/** Start of the UTC hour of a timestamp, ISO 8601. */
export const utcHour = (d: Date) => `${d.toISOString().slice(0, 13)}:00:00.000Z`;

/**
 * Adds a row's counts to its rollup bucket (UTC day or hour × org × key × policy × model × provider ×
 * region), so each batch writes one rollup row per bucket, not one per request.
 */
function addRollup(
  acc: Map<string, Record<string, unknown>>,
  row: RequestInsert,
  period: 'day' | 'hour',
): void {
  const key = {
    [period]: period === 'day' ? utcDay(row.createdAt) : utcHour(row.createdAt),
    org_id: row.orgId,
    api_key_id: row.apiKeyId,
    policy_id: row.policyId ?? '',
    model_id: row.modelId ?? '',
    provider_id: row.providerId ?? '',
    region_id: row.regionId ?? '',
    country: row.country ?? '',
  };
  const id = Object.values(key).join('\u0000');
  const add: Record<string, number> = {
    requests: 1,
    errors: row.status !== 'ok' ? 1 : 0,
    input_tokens: row.inputTokens ?? 0,
    output_tokens: row.outputTokens ?? 0,
    cached_input_tokens: row.cachedInputTokens ?? 0,
    reasoning_tokens: row.reasoningTokens ?? 0,
    upstream_cost_micro: row.upstreamCostMicro ?? 0,
    charge_micro: row.chargeMicro ?? 0,
    energy_wh_min: row.energyWhMin ?? 0,
    energy_wh_max: row.energyWhMax ?? 0,
    gco2e_min: row.gco2eMin ?? 0,
    gco2e_max: row.gco2eMax ?? 0,
    latency_ms_sum: row.latencyMs,
    cache_hits: row.cacheHit ? 1 : 0,
    cost_saved_micro: row.costSavedMicro ?? 0,
    avoided_energy_wh_min: row.avoidedEnergyWhMin ?? 0,
    avoided_energy_wh_max: row.avoidedEnergyWhMax ?? 0,
    avoided_gco2e_min: row.avoidedGco2eMin ?? 0,
    avoided_gco2e_max: row.avoidedGco2eMax ?? 0,
    embedding_requests: row.surface === 'embeddings' ? 1 : 0,
  };
  const cur = acc.get(id);
  if (!cur) {
    const bucket: Record<string, unknown> = {};
    for (const c of ROLLUP_COLUMNS[period]) bucket[c] = (key as Record<string, unknown>)[c] ?? add[c] ?? 0;
    acc.set(id, bucket);
    return;
  }
  for (const [c, v] of Object.entries(add)) cur[c] = (cur[c] as number) + v;
}
