import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRow } from './test-support';
import {
  auditLog,
  creditLedger,
  creditReservations,
  organizations,
  requests,
  usageDaily,
} from '../db/schema';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { grantCredit, reserveCredit, sweepReservations } from './ledger';
import { recordRequest } from './record';

const row = (id: string, orgId: string, charge: number, status = 'ok') =>
  testRow(id, orgId, charge, {
    status,
    modelId: 'm',
    providerId: 'p',
    regionId: 'p:r',
    country: 'FR',
    inputTokens: 10,
    outputTokens: 5,
    latencyMs: 12,
    upstreamCostMicro: charge,
  });

describe.each(testDrivers())('credits on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(driver, { maxConnections: 20 });
  });
  afterAll(() => t.cleanup());

  const newOrg = async (id: string, grant: number) => {
    await t.handle.db.insert(organizations).values({ id, name: id });
    if (grant)
      await grantCredit(t.handle.db, {
        orgId: id,
        amountMicro: grant,
        kind: 'grant',
        note: 'test',
        actorKeyId: null,
      });
  };
  const balance = async (id: string) => {
    const [o] = await t.handle.db.select().from(organizations).where(eq(organizations.id, id));
    const [{ sum }] = (await t.handle.db
      .select({ sum: sql<string>`coalesce(sum(${creditLedger.amountMicro}), 0)` })
      .from(creditLedger)
      .where(eq(creditLedger.orgId, id))) as [{ sum: string }];
    return { cached: o!.balanceMicro, reserved: o!.reservedMicro, ledger: Number(sum) };
  };

  it('200 concurrent reservations against a balance that covers 50: exactly 50 pass, none overdraws', async () => {
    await newOrg('org_burst', 50 * 1_000);
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        reserveCredit(t.handle.db, {
          orgId: 'org_burst',
          requestId: `req_b${i}`,
          amountMicro: 1_000,
          nodeId: 'n1',
        }),
      ),
    );
    const ok = results.map((r, i) => (r.ok ? i : -1)).filter((i) => i >= 0);
    expect(ok).toHaveLength(50);
    const refused = results.find((r) => !r.ok);
    expect(refused).toEqual({ ok: false, balanceMicro: 50_000, availableMicro: 0 });

    // Settle every success at its full reservation, concurrently.
    await Promise.all(
      ok.map((i) =>
        recordRequest(t.handle.db, { row: row(`req_b${i}`, 'org_burst', 1_000), reservedMicro: 1_000 }),
      ),
    );
    const b = await balance('org_burst');
    expect(b).toEqual({ cached: 0, reserved: 0, ledger: 0 });
    const debits = await t.handle.db.select().from(creditLedger).where(eq(creditLedger.orgId, 'org_burst'));
    expect(debits.filter((d) => d.kind === 'usage')).toHaveLength(50);
  });

  it('settles to the actual charge and releases the rest of the reservation', async () => {
    await newOrg('org_settle', 10_000);
    expect(
      (
        await reserveCredit(t.handle.db, {
          orgId: 'org_settle',
          requestId: 'req_s1',
          amountMicro: 8_000,
          nodeId: 'n1',
        })
      ).ok,
    ).toBe(true);
    expect(await balance('org_settle')).toEqual({ cached: 10_000, reserved: 8_000, ledger: 10_000 });
    await recordRequest(t.handle.db, { row: row('req_s1', 'org_settle', 1_234), reservedMicro: 8_000 });
    expect(await balance('org_settle')).toEqual({ cached: 8_766, reserved: 0, ledger: 8_766 });
    const [r] = await t.handle.db.select().from(requests).where(eq(requests.id, 'req_s1'));
    expect(r!.chargeMicro).toBe(1_234);
    const [day] = await t.handle.db.select().from(usageDaily).where(eq(usageDaily.orgId, 'org_settle'));
    expect(day).toMatchObject({
      day: '2026-11-21',
      requests: 1,
      errors: 0,
      chargeMicro: 1_234,
      inputTokens: 10,
    });
  });

  it('a failed request releases its reservation, is recorded, and costs nothing', async () => {
    await newOrg('org_fail', 5_000);
    await reserveCredit(t.handle.db, {
      orgId: 'org_fail',
      requestId: 'req_f1',
      amountMicro: 4_000,
      nodeId: 'n1',
    });
    await recordRequest(t.handle.db, { row: row('req_f1', 'org_fail', 0, 'error'), reservedMicro: 4_000 });
    expect(await balance('org_fail')).toEqual({ cached: 5_000, reserved: 0, ledger: 5_000 });
    const [day] = await t.handle.db.select().from(usageDaily).where(eq(usageDaily.orgId, 'org_fail'));
    expect(day).toMatchObject({ requests: 1, errors: 1 });
  });

  it('a request is debited once: recording it twice fails and changes nothing', async () => {
    await newOrg('org_once', 5_000);
    await reserveCredit(t.handle.db, {
      orgId: 'org_once',
      requestId: 'req_o1',
      amountMicro: 1_000,
      nodeId: 'n1',
    });
    await recordRequest(t.handle.db, { row: row('req_o1', 'org_once', 500), reservedMicro: 1_000 });
    await expect(
      recordRequest(t.handle.db, { row: row('req_o1', 'org_once', 500), reservedMicro: 0 }),
    ).rejects.toThrow();
    expect(await balance('org_once')).toEqual({ cached: 4_500, reserved: 0, ledger: 4_500 });
  });

  it('never drives the balance below zero, even when an upstream overshoots the reservation', async () => {
    await newOrg('org_over', 1_000);
    await reserveCredit(t.handle.db, {
      orgId: 'org_over',
      requestId: 'req_x1',
      amountMicro: 1_000,
      nodeId: 'n1',
    });
    const { debitedMicro } = await recordRequest(t.handle.db, {
      row: row('req_x1', 'org_over', 5_000),
      reservedMicro: 1_000,
    });
    expect(debitedMicro).toBe(1_000);
    expect(await balance('org_over')).toEqual({ cached: 0, reserved: 0, ledger: 0 });
  });

  it("releases and audits a dead node's reservations, and leaves a live node's alone", async () => {
    await newOrg('org_sweep', 10_000);
    await reserveCredit(t.handle.db, {
      orgId: 'org_sweep',
      requestId: 'req_dead',
      amountMicro: 3_000,
      nodeId: 'dead-node',
    });
    await reserveCredit(t.handle.db, {
      orgId: 'org_sweep',
      requestId: 'req_live',
      amountMicro: 2_000,
      nodeId: 'live-node',
    });
    const released = await sweepReservations(t.handle.db, async (n) => n === 'dead-node');
    expect(released).toBe(1);
    expect(await balance('org_sweep')).toMatchObject({ reserved: 2_000 });
    const left = await t.handle.db
      .select()
      .from(creditReservations)
      .where(eq(creditReservations.orgId, 'org_sweep'));
    expect(left.map((r) => r.requestId)).toEqual(['req_live']);
    const [a] = await t.handle.db.select().from(auditLog).where(eq(auditLog.targetId, 'req_dead'));
    expect(a!.action).toBe('credits.reservation_released');
  });

  it('tells a live node from a dead one', async () => {
    await t.handle.holdNodeLease('node-alive');
    expect(await t.handle.isNodeGone('node-alive')).toBe(false);
    expect(await t.handle.isNodeGone('node-never-seen')).toBe(true);
  });
});
