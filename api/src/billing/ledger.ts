/**
 * Prepaid credit. The ledger is append-only; `organizations.balance_micro` caches its sum and is
 * updated in the same transaction as every ledger row. Before dispatch a request reserves the most it
 * can cost with ONE conditional update (row-locked and re-checked under concurrency), so no
 * interleaving can spend credit that is not there. Settlement debits the actual charge and releases
 * the reservation in the transaction that records the request.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Db, resultRows } from '../db/client';
import { auditLog, creditLedger, creditReservations, organizations } from '../db/schema';

export type ReserveResult = { ok: true } | { ok: false; balanceMicro: number; availableMicro: number };

export async function reserveCredit(
  db: Db,
  r: { orgId: string; requestId: string; amountMicro: number; nodeId: string },
): Promise<ReserveResult> {
  // One statement, so one round trip and one implicit transaction: the conditional update takes the
  // organisation's row lock and re-checks the condition, and the reservation row exists iff it passed.
  const result = await db.execute(sql`
    with held as (
      update ${organizations} set reserved_micro = reserved_micro + ${r.amountMicro}
      where id = ${r.orgId} and balance_micro - reserved_micro >= ${r.amountMicro}
      returning id
    ), ins as (
      insert into ${creditReservations} (request_id, org_id, amount_micro, node_id)
      select ${r.requestId}, id, ${r.amountMicro}, ${r.nodeId} from held
      returning request_id
    )
    select (select count(*) from ins)::int as ok`);
  const [row] = resultRows<{ ok: number }>(result);
  if (row && Number(row.ok) === 1) return { ok: true };
  // Refused: read the figures as they are now (the statement's own snapshot may predate the lock).
  const [org] = await db
    .select({ balance: organizations.balanceMicro, reserved: organizations.reservedMicro })
    .from(organizations)
    .where(eq(organizations.id, r.orgId));
  return {
    ok: false,
    balanceMicro: org?.balance ?? 0,
    availableMicro: (org?.balance ?? 0) - (org?.reserved ?? 0),
  };
}

/**
 * Raises an existing reservation by `deltaMicro` before a fallback to a dearer endpoint, with the same
 * conditional update as `reserveCredit`; false when the credit is not there.
 */
export async function topUpReservation(
  db: Db,
  r: { orgId: string; requestId: string; deltaMicro: number },
): Promise<boolean> {
  if (r.deltaMicro <= 0) return true;
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(organizations)
      .set({ reservedMicro: sql`${organizations.reservedMicro} + ${r.deltaMicro}` })
      .where(
        and(
          eq(organizations.id, r.orgId),
          sql`${organizations.balanceMicro} - ${organizations.reservedMicro} >= ${r.deltaMicro}`,
        ),
      )
      .returning({ id: organizations.id });
    if (!updated.length) return false;
    await tx
      .update(creditReservations)
      .set({ amountMicro: sql`${creditReservations.amountMicro} + ${r.deltaMicro}` })
      .where(eq(creditReservations.requestId, r.requestId));
    return true;
  });
}

export interface Settlement {
  orgId: string;
  requestId: string;
  apiKeyId: string;
  /** What was reserved (0 when nothing was). */
  reservedMicro: number;
  /** The charge to debit; clamped so the balance never goes below zero (see return value). */
  chargeMicro: number;
}

/**
 * Inside the caller's transaction: debit the charge (one ledger row per request, enforced by a unique
 * index), release the reservation. Returns the amount actually debited: the charge, unless it would
 * exceed the reservation plus what is free, which pricing makes impossible for well-behaved upstreams.
 */
export async function settleCredit(tx: Db, s: Settlement): Promise<number> {
  if (s.chargeMicro <= s.reservedMicro) {
    // The usual case: the charge fits in what was held. Releasing the reservation and debiting the
    // balance is one statement; it releases only what is still held (a sweep may have released it).
    const debit = s.chargeMicro;
    await Promise.all([
      tx.execute(sql`
        with released as (
          delete from ${creditReservations} where request_id = ${s.requestId} returning amount_micro
        )
        update ${organizations}
        set balance_micro = balance_micro - ${debit},
            reserved_micro = reserved_micro - coalesce((select sum(amount_micro) from released), 0)
        where id = ${s.orgId}`),
      debit > 0
        ? tx.insert(creditLedger).values({
            orgId: s.orgId,
            kind: 'usage',
            amountMicro: -debit,
            requestId: s.requestId,
            actorKeyId: s.apiKeyId,
          })
        : Promise.resolve(),
    ]);
    return debit;
  }
  const released = s.reservedMicro
    ? await tx.delete(creditReservations).where(eq(creditReservations.requestId, s.requestId)).returning()
    : [];
  const reserved = released[0]?.amountMicro ?? 0;
  const [org] = await tx
    .select({ balance: organizations.balanceMicro, reserved: organizations.reservedMicro })
    .from(organizations)
    .where(eq(organizations.id, s.orgId))
    .for('update');
  const free = (org?.balance ?? 0) - (org?.reserved ?? 0);
  // Never below zero: an upstream that overshoots what was reserved is charged at most what is there.
  const debit = Math.max(0, Math.min(s.chargeMicro, reserved + free));
  if (debit > 0) {
    await tx.insert(creditLedger).values({
      orgId: s.orgId,
      kind: 'usage',
      amountMicro: -debit,
      requestId: s.requestId,
      actorKeyId: s.apiKeyId,
    });
  }
  if (debit > 0 || reserved > 0) {
    await tx
      .update(organizations)
      .set({
        balanceMicro: sql`${organizations.balanceMicro} - ${debit}`,
        reservedMicro: sql`${organizations.reservedMicro} - ${reserved}`,
      })
      .where(eq(organizations.id, s.orgId));
  }
  return debit;
}

/** Adds credit (grant, refund, adjustment) and audits it, in one transaction. */
export async function grantCredit(
  db: Db,
  g: {
    orgId: string;
    amountMicro: number;
    kind: 'grant' | 'refund' | 'adjustment';
    note: string | null;
    actorKeyId: string | null;
  },
): Promise<{ balanceMicro: number; ledgerId: number }> {
  return db.transaction(async (tx) => {
    const [entry] = await tx
      .insert(creditLedger)
      .values({
        orgId: g.orgId,
        kind: g.kind,
        amountMicro: g.amountMicro,
        note: g.note,
        actorKeyId: g.actorKeyId,
      })
      .returning({ id: creditLedger.id });
    const [org] = await tx
      .update(organizations)
      .set({ balanceMicro: sql`${organizations.balanceMicro} + ${g.amountMicro}` })
      .where(eq(organizations.id, g.orgId))
      .returning({ balance: organizations.balanceMicro });
    await tx.insert(auditLog).values({
      orgId: g.orgId,
      actorKeyId: g.actorKeyId,
      action: `credits.${g.kind}`,
      targetType: 'organization',
      targetId: g.orgId,
      details: { amountMicro: g.amountMicro, note: g.note, ledgerId: entry!.id },
    });
    return { balanceMicro: org!.balance, ledgerId: entry!.id };
  });
}

/**
 * Releases reservations held by nodes that are gone, and audits each release. `isDead(nodeId)` says
 * whether a node is gone (Postgres: its advisory lock is free; PGlite: any node but this one).
 */
export async function sweepReservations(
  db: Db,
  isDead: (nodeId: string) => Promise<boolean>,
): Promise<number> {
  const nodes = await db.selectDistinct({ nodeId: creditReservations.nodeId }).from(creditReservations);
  const dead: string[] = [];
  for (const { nodeId } of nodes) if (await isDead(nodeId)) dead.push(nodeId);
  if (!dead.length) return 0;
  return db.transaction(async (tx) => {
    const gone = await tx
      .delete(creditReservations)
      .where(inArray(creditReservations.nodeId, dead))
      .returning();
    for (const r of gone) {
      await tx
        .update(organizations)
        .set({ reservedMicro: sql`${organizations.reservedMicro} - ${r.amountMicro}` })
        .where(eq(organizations.id, r.orgId));
      await tx.insert(auditLog).values({
        orgId: r.orgId,
        actorKeyId: null,
        action: 'credits.reservation_released',
        targetType: 'request',
        targetId: r.requestId,
        details: { amountMicro: r.amountMicro, nodeId: r.nodeId, reason: 'node gone (crash or kill)' },
      });
    }
    return gone.length;
  });
}
