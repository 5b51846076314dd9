/**
 * Prepaid credit. The ledger is append-only; `organizations.balance_micro` is its sum, kept by a
 * trigger on ledger inserts (migration 0003), so code here never writes a balance. Before dispatch a
 * request reserves the most it can cost with ONE conditional update (row-locked and re-checked under
 * concurrency), or takes it from its node's lease (credit-lease.ts), so no interleaving can spend
 * credit that is not there. Settlement debits the actual charge and releases what was held in the
 * statement that records the request (record.ts).
 */
import { audit } from '../audit';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Db, resultRows } from '../db/client';
import { reserveSql } from '../db/queries/credit';
import { creditLedger, creditReservations, organizations } from '../db/schema';

export type ReserveResult =
  | {
      ok: true /** What the organisation still has free after this reservation (µUSD). */;
      availableMicro: number;
    }
  | { ok: false; balanceMicro: number; availableMicro: number };

export async function reserveCredit(
  db: Db,
  r: { orgId: string; requestId: string; amountMicro: number; nodeId: string },
): Promise<ReserveResult> {
  // One statement, so one round trip and one implicit transaction: the conditional update takes the
  // organisation's row lock and re-checks the condition, and the reservation row exists iff it passed.
  const result = await db.execute(
    reserveSql(r.amountMicro, r.orgId, r.amountMicro, r.requestId, r.amountMicro, r.nodeId),
  );
  const [row] = resultRows<{ ok: number; available: string | number | null }>(result);
  if (row && Number(row.ok) === 1) return { ok: true, availableMicro: Number(row.available ?? 0) };
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
 * Inside the caller's transaction: lock the organisation, release the reservation, debit the charge
 * (one ledger row per request, enforced by a unique index; the trigger moves the balance). Returns the
 * amount actually debited: the charge, clamped to the reservation plus what is free, so the balance
 * never goes below zero even when an upstream overshoots what was reserved.
 */
export async function settleCredit(tx: Db, s: Settlement): Promise<number> {
  const [org] = await tx
    .select({ balance: organizations.balanceMicro, reserved: organizations.reservedMicro })
    .from(organizations)
    .where(eq(organizations.id, s.orgId))
    .for('update');
  const released = s.reservedMicro
    ? await tx.delete(creditReservations).where(eq(creditReservations.requestId, s.requestId)).returning()
    : [];
  const reserved = released[0]?.amountMicro ?? 0;
  const free = (org?.balance ?? 0) - (org?.reserved ?? 0);
  const debit = Math.max(0, Math.min(s.chargeMicro, reserved + free));
  if (reserved > 0) {
    await tx
      .update(organizations)
      .set({ reservedMicro: sql`${organizations.reservedMicro} - ${reserved}` })
      .where(eq(organizations.id, s.orgId));
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
  return debit;
}

/** Adds credit (grant, refund, adjustment) and audits it, in one transaction; returns the new balance. */
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
    // The ledger trigger has moved the balance by the end of the insert above.
    const [org] = await tx
      .select({ balance: organizations.balanceMicro })
      .from(organizations)
      .where(eq(organizations.id, g.orgId));
    await audit(tx, {
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
      await audit(tx, {
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
