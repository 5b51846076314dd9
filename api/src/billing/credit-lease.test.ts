import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fundedOrg, testRow } from './test-support';
import { createLogger } from '../log';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { DEFAULT_LEASE_POLICY, createCreditAdmission, leaseAsk, leaseGrant } from './credit-lease';
import { createGroupCommit } from './group-commit';
import { type BatchItem, recordBatch } from './record';

describe('lease sizing', () => {
  it('asks for the larger of the minimum block, the recent demand and two requests', () => {
    expect(leaseAsk(100, 0).wantMicro).toBe(DEFAULT_LEASE_POLICY.minBlockMicro);
    expect(leaseAsk(100, 70_000).wantMicro).toBe(70_000);
    expect(leaseAsk(30_000, 0).wantMicro).toBe(60_000);
  });

  it('caps a grant at half of what is available', () => {
    expect(leaseGrant(1_000_000, leaseAsk(100, 0))).toBe(20_000);
    expect(leaseGrant(30_000, leaseAsk(100, 0))).toBe(15_000);
  });

  it('grants nothing near zero, so the last requests are reserved exactly', () => {
    // 8 request maxima of available credit is the floor.
    expect(leaseGrant(799, leaseAsk(100, 0))).toBe(0);
    expect(leaseGrant(800, leaseAsk(100, 0))).toBe(400);
  });
});

const row = (id: string, orgId: string, charge: number) => testRow(id, orgId, charge);

describe.each(testDrivers())('credit leases on %s', (driver) => {
  let t: TestDb;
  let statements = 0;
  beforeAll(async () => {
    t = await openTestDb(driver, { maxConnections: 16, onQuery: () => statements++ });
  });
  afterAll(() => t.cleanup());
  const log = createLogger('silent');
  const q = (text: string, params: unknown[] = []) => t.handle.exec(text, params);
  const newOrg = (id: string, grant: number) => fundedOrg(t.handle.db, id, grant);
  const books = async (orgId: string) => {
    const [b] = await q(
      `select balance_micro::bigint as balance, reserved_micro::bigint as reserved,
        (select coalesce(sum(amount_micro), 0) from credit_ledger where org_id = $1)::bigint as ledger,
        (select count(*) from credit_reservations where org_id = $1)::int as holds
       from organizations where id = $1`,
      [orgId],
    );
    return Object.fromEntries(Object.entries(b!).map(([k, v]) => [k, Number(v)]));
  };

  it('grants in the database exactly what the sizing function says, then admits in memory', async () => {
    await newOrg('org_size', 30_000);
    const credit = createCreditAdmission({ db: t.handle.db, nodeId: 'n_size', log });
    expect(await credit.admit('org_size', 'r0', 100)).toMatchObject({ ok: true });
    const granted = leaseGrant(30_000, leaseAsk(100, 100));
    expect(credit.peek('org_size')).toEqual({ held: granted, inFlight: 100, mode: 'lease' });
    expect(await books('org_size')).toMatchObject({ reserved: granted, holds: 1 });
    // The next requests cost no statement at all.
    const before = statements;
    for (let i = 1; i <= 20; i++) expect((await credit.admit('org_size', `r${i}`, 100)).ok).toBe(true);
    expect(statements).toBe(before);
    await credit.close();
    expect(await books('org_size')).toEqual({ balance: 30_000, reserved: 0, ledger: 30_000, holds: 0 });
  });

  it('gives back what an idle lease holds beyond its requests in flight', async () => {
    await newOrg('org_idle', 100_000);
    let clock = 1_000_000;
    const credit = createCreditAdmission({ db: t.handle.db, nodeId: 'n_idle', log, now: () => clock });
    expect((await credit.admit('org_idle', 'idle_1', 700)).ok).toBe(true);
    await credit.returnIdle(60_000);
    expect((await books('org_idle')).reserved).toBeGreaterThan(700);
    clock += 60_000;
    await credit.returnIdle(60_000);
    // Only the request still in flight stays held.
    expect(credit.peek('org_idle')).toEqual({ held: 700, inFlight: 700, mode: 'lease' });
    expect(await books('org_idle')).toMatchObject({ reserved: 700 });
    await credit.close();
  });

  it('never admits more than the balance across two nodes, and settles to balance = ledger', async () => {
    const need = 1_000;
    await newOrg('org_two', 50 * need);
    const nodes = ['n_a', 'n_b'].map((nodeId) => createCreditAdmission({ db: t.handle.db, nodeId, log }));
    const gc = createGroupCommit<BatchItem>({ write: (items) => recordBatch(t.handle.db, items) });
    const results = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const credit = nodes[i % 2]!;
        const id = `two_${i}`;
        const r = await credit.admit('org_two', id, need);
        if (!r.ok) return 0;
        // Charge part of what was held, as a real answer does; record through the group commit.
        const s = credit.settle(row(id, 'org_two', 400 + (i % 7)), need)!;
        await gc.submit(s.item);
        s.done(true);
        return 1;
      }),
    );
    const admitted = results.reduce<number>((a, b) => a + b, 0);
    const b = await books('org_two');
    expect(b.balance).toBe(b.ledger);
    expect(b.balance).toBeGreaterThanOrEqual(0);
    expect(b.reserved).toBeLessThanOrEqual(b.balance);
    // Every admitted request was charged at most what it held: no overdraw is possible.
    expect(50 * need - b.ledger).toBeLessThanOrEqual(admitted * need);
    const debits = await q(
      "select count(*)::int as n from credit_ledger where org_id = 'org_two' and kind = 'usage'",
    );
    expect(debits).toEqual([{ n: admitted }]);
    for (const n of nodes) await n.close();
    expect(await books('org_two')).toMatchObject({ reserved: 0, holds: 0 });
  });

  it('admits the last cent exactly near zero: a balance that covers 50 admits exactly 50', async () => {
    const need = 1_000;
    await newOrg('org_exact', 50 * need);
    const credit = createCreditAdmission({ db: t.handle.db, nodeId: 'n_exact', log });
    const results = await Promise.all(
      Array.from({ length: 120 }, (_, i) => credit.admit('org_exact', `ex_${i}`, need)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(50);
    expect(credit.peek('org_exact')?.mode).toBe('exact');
    const b = await books('org_exact');
    expect(b.reserved).toBe(50 * need);
    await credit.close();
  });
});
