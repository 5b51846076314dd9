import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundedOrg, testRow } from './test-support';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { createGroupCommit } from './group-commit';
import { reserveCredit } from './ledger';
import { type BatchItem, recordBatch, recordRequest } from './record';

const row = (id: string, orgId: string, charge: number, model = 'm') =>
  testRow(id, orgId, charge, {
    requestedModel: model,
    modelId: model,
    inputTokens: 10,
    outputTokens: 5,
    latencyMs: 7,
  });

describe.each(testDrivers())('group commit on %s', (driver) => {
  let t: TestDb;
  let batches = 0;
  beforeAll(async () => {
    t = await openTestDb(driver, {
      maxConnections: 12,
      onQuery: (q) => {
        if (q.includes('record_batch(')) batches++;
      },
    });
  });
  afterAll(() => t.cleanup());
  const q = (text: string, params: unknown[] = []) => t.handle.exec(text, params);
  const newOrg = (id: string, grant: number) => fundedOrg(t.handle.db, id, grant);
  const books = async (orgId: string) => {
    const [b] = await q(
      `select balance_micro::bigint as balance, reserved_micro::bigint as reserved,
        (select coalesce(sum(amount_micro), 0) from credit_ledger where org_id = $1)::bigint as ledger,
        (select count(*) from credit_ledger where org_id = $1 and kind = 'usage')::int as debits,
        (select count(*) from requests where org_id = $1)::int as rows,
        (select coalesce(sum(requests), 0) from usage_daily where org_id = $1)::int as rolled,
        (select coalesce(sum(charge_micro), 0) from usage_daily where org_id = $1)::bigint as rolled_charge
       from organizations where id = $1`,
      [orgId],
    );
    return Object.fromEntries(Object.entries(b!).map(([k, v]) => [k, Number(v)]));
  };
  const reserveAll = (orgId: string, n: number, amount: number) =>
    Promise.all(
      Array.from({ length: n }, (_, i) =>
        reserveCredit(t.handle.db, { orgId, requestId: `${orgId}_${i}`, amountMicro: amount, nodeId: 'n' }),
      ),
    );

  it('writes requests that finish together in a few statements, with exact totals', async () => {
    await newOrg('org_gc', 1_000_000);
    await reserveAll('org_gc', 60, 1_000);
    const gc = createGroupCommit<BatchItem>({
      write: (items) => recordBatch(t.handle.db, items),
      maxBatch: 16,
    });
    batches = 0;
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        gc.submit({ row: row(`org_gc_${i}`, 'org_gc', 100 + i, `m${i % 3}`), releaseReservation: true }),
      ),
    );
    const charged = Array.from({ length: 60 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0);
    expect(await books('org_gc')).toEqual({
      balance: 1_000_000 - charged,
      reserved: 0,
      ledger: 1_000_000 - charged,
      debits: 60,
      rows: 60,
      rolled: 60,
      rolled_charge: charged,
    });
    // The first request is written alone at once; the 59 that arrive during its flush share batches of 16.
    expect(gc.stats).toMatchObject({ items: 60, batches: 5, retriedBatches: 0 });
    expect(batches).toBe(5);
    const rollups = await q(
      "select model_id, requests from usage_daily where org_id = 'org_gc' order by model_id",
    );
    expect(rollups).toEqual([
      { model_id: 'm0', requests: 20 },
      { model_id: 'm1', requests: 20 },
      { model_id: 'm2', requests: 20 },
    ]);
  });

  it('writes one statement per request when requests come one at a time (no timer)', async () => {
    await newOrg('org_one', 10_000);
    const gc = createGroupCommit<BatchItem>({ write: (items) => recordBatch(t.handle.db, items) });
    batches = 0;
    for (let i = 0; i < 3; i++)
      await gc.submit({ row: row(`one_${i}`, 'org_one', 0), releaseReservation: false });
    expect(batches).toBe(3);
    expect(gc.stats.batches).toBe(3);
  });

  it('fails a poison row alone: its caller gets the error, its batch-mates commit', async () => {
    await newOrg('org_poison', 100_000);
    await reserveAll('org_poison', 10, 1_000);
    // Already recorded: its second record breaks the one-debit-per-request index.
    await recordRequest(t.handle.db, { row: row('org_poison_3', 'org_poison', 500), reservedMicro: 1_000 });
    const errors: string[] = [];
    const gc = createGroupCommit<BatchItem>({
      write: (items) => recordBatch(t.handle.db, items),
      log: { debug() {}, info() {}, warn() {}, error: (msg) => errors.push(msg) },
    });
    const results = await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) =>
        gc.submit({ row: row(`org_poison_${i}`, 'org_poison', 500), releaseReservation: true }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'fulfilled',
    ]);
    expect(gc.stats.retriedBatches).toBe(1);
    expect(errors).toEqual(['recording a request failed']);
    expect(await books('org_poison')).toEqual({
      balance: 100_000 - 10 * 500,
      reserved: 0,
      ledger: 100_000 - 10 * 500,
      debits: 10,
      rows: 10,
      rolled: 10,
      rolled_charge: 10 * 500,
    });
  });
});
