/**
 * Prepaid credit. The ledger is append-only; `organizations.balance_micro` caches its sum and is
 * updated in the same transaction as every ledger row. Before dispatch a request reserves the most it
 * can cost with ONE conditional update (row-locked and re-checked under concurrency), so no
 * interleaving can spend credit that is not there. Settlement debits the actual charge and releases
 * the reservation in the transaction that records the request.
 */
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { auditLog, creditLedger, creditReservations, organizations } from '../db/schema';

export type ReserveResult = { ok: true } | { ok: false; balanceMicro: number; availableMicro: number };

export async function reserveCredit(
  db: Db,
  r: { orgId: string; requestId: string; amountMicro: number; nodeId: string },
): Promise<ReserveResult> {
  return db.transaction(async (tx) => {
    const updated = await tx
      .update(organizations)
      .set({ reservedMicro: sql`${organizations.reservedMicro} + ${r.amountMicro}` })
      .where(
        and(
          eq(organizations.id, r.orgId),
          sql`${organizations.balanceMicro} - ${organizations.reservedMicro} >= ${r.amountMicro}`,
        ),
      )
      .returning({ id: organizations.id });
    if (!updated.length) {
      const [org] = await tx
        .select({ balance: organizations.balanceMicro, reserved: organizations.reservedMicro })
        .from(organizations)
        .where(eq(organizations.id, r.orgId));
      return {
        ok: false,
        balanceMicro: org?.balance ?? 0,
        availableMicro: (org?.balance ?? 0) - (org?.reserved ?? 0),
      };
    }
    await tx
      .insert(creditReservations)
      .values({ requestId: r.requestId, orgId: r.orgId, amountMicro: r.amountMicro, nodeId: r.nodeId });
    return { ok: true };
  });
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
  const released = s.reservedMicro
    ? await tx.delete(creditReservations).where(eq(creditReservations.requestId, s.requestId)).returning()
    : [];
  const reserved = released[0]?.amountMicro ?? 0;
  let debit = s.chargeMicro;
  if (debit > reserved) {
    const [org] = await tx
      .select({ balance: organizations.balanceMicro, reserved: organizations.reservedMicro })
      .from(organizations)
      .where(eq(organizations.id, s.orgId))
      .for('update');
    const free = (org?.balance ?? 0) - (org?.reserved ?? 0);
    debit = Math.max(0, Math.min(debit, reserved + free));
  }
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
