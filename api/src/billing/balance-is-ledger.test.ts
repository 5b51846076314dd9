/**
 * The balance is the ledger, by construction (migration 0003): the database refuses any other way to
 * move it, and after arbitrary traffic it equals the ledger's sum. On PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testRow } from './test-support';
import { organizations } from '../db/schema';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { grantCredit, reserveCredit } from './ledger';
import { recordRequest } from './record';

const row = (id: string, orgId: string, charge: number) => testRow(id, orgId, charge, { latencyMs: 3 });

describe.each(testDrivers())('balance = ledger on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(driver, { maxConnections: 12 });
    await t.handle.db.insert(organizations).values([
      { id: 'org_a', name: 'a' },
      { id: 'org_b', name: 'b' },
    ]);
  });
  afterAll(() => t.cleanup());
  const q = (text: string, params: unknown[] = []) => t.handle.exec(text, params);

  it('refuses a direct change of balance_micro', async () => {
    await expect(q("update organizations set balance_micro = 1000000 where id = 'org_a'")).rejects.toThrow(
      /balance_micro changes only through credit_ledger/,
    );
    await expect(
      q("insert into organizations (id, name, balance_micro) values ('org_c', 'c', 5)"),
    ).rejects.toThrow(/balance_micro starts at 0/);
    expect(await q("select balance_micro::int as b from organizations where id = 'org_a'")).toEqual([
      { b: 0 },
    ]);
  });

  it('refuses to change or delete a ledger entry', async () => {
    await grantCredit(t.handle.db, {
      orgId: 'org_a',
      amountMicro: 10,
      kind: 'grant',
      note: null,
      actorKeyId: null,
    });
    await expect(q("update credit_ledger set amount_micro = 999 where org_id = 'org_a'")).rejects.toThrow(
      /append-only/,
    );
    await expect(q("delete from credit_ledger where org_id = 'org_a'")).rejects.toThrow(/append-only/);
  });

  it('refuses to hold more than the balance', async () => {
    await expect(
      q("update organizations set reserved_micro = balance_micro + 1 where id = 'org_a'"),
    ).rejects.toThrow(/organizations_reserved_within_balance/);
  });

  it('equals the sum of the ledger after random concurrent traffic', async () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (const orgId of ['org_a', 'org_b'])
      await grantCredit(t.handle.db, {
        orgId,
        amountMicro: 200_000,
        kind: 'grant',
        note: null,
        actorKeyId: null,
      });
    const jobs = Array.from({ length: 120 }, async (_, i) => {
      const orgId = rand() < 0.5 ? 'org_a' : 'org_b';
      const hold = 1 + Math.floor(rand() * 5_000);
      const charge = Math.floor(rand() * hold * 1.5); // sometimes more than held: clamped
      const id = `req_r${i}`;
      if (rand() < 0.1)
        return grantCredit(t.handle.db, {
          orgId,
          amountMicro: hold,
          kind: 'refund',
          note: null,
          actorKeyId: null,
        });
      const r = await reserveCredit(t.handle.db, { orgId, requestId: id, amountMicro: hold, nodeId: 'n' });
      return recordRequest(t.handle.db, {
        row: row(id, orgId, r.ok ? charge : 0),
        reservedMicro: r.ok ? hold : 0,
      });
    });
    await Promise.all(jobs);
    const books = await q(
      `select o.id, o.balance_micro::bigint as balance, o.reserved_micro::bigint as reserved,
         (select coalesce(sum(amount_micro), 0) from credit_ledger l where l.org_id = o.id)::bigint as ledger
       from organizations o order by o.id`,
    );
    for (const b of books) {
      expect(Number(b.balance), String(b.id)).toBe(Number(b.ledger));
      expect(Number(b.reserved), String(b.id)).toBe(0);
      expect(Number(b.balance)).toBeGreaterThanOrEqual(0);
    }
  });
});
