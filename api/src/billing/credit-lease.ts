/**
 * Credit leases: per node and organisation, a block of credit moved from the available balance into a
 * node-held reservation row (request_id 'lease:<nodeId>:<orgId>', node_id = this node) by ONE
 * conditional statement. Requests are then admitted against the lease in memory, with no round trip;
 * the lease is refilled in the background when half of its last block is spent, and what is unused is
 * given back at shutdown. Settlement shrinks the lease by the debit in the record batch that writes
 * the debit (record.ts), so the DB always holds at least what this node may still spend.
 *
 * Near zero (available < nearZeroRequests × the request's maximum) the node stops leasing, gives back
 * the lease's unused part and admits with exact per-request reservations, so the last cent is never
 * overdrawn and no credit sits stranded in a lease. A dead node's leases are reservation rows with its
 * node id: the sweep releases them like any other.
 *
 * Invariant (memory ≤ database): `held` is lowered before a statement that shrinks the lease is sent
 * and raised only after a statement that grows it has committed, so the memory never admits against
 * credit the database does not hold for this node.
 */
import type { Db } from '../db/client';
import { resultRows } from '../db/client';
import { leaseExtendSql, leaseReturnSql, leasesReleaseAllSql } from '../db/queries/credit';
import type { Logger } from '../log';
import { type ReserveResult, reserveCredit, topUpReservation } from './ledger';
import type { BatchItem, RequestInsert } from './record';

export interface LeasePolicy {
  /** Smallest block worth a round trip (µUSD). */
  minBlockMicro: number;
  /** The lease aims to cover this much recent demand (ms of admitted maxima). */
  horizonMs: number;
  /** At most this share of the available balance per grant, per mille (500 = half). */
  fractionPerMille: number;
  /** Below this many request maxima of available credit, admit exactly instead. */
  nearZeroRequests: number;
}

export const DEFAULT_LEASE_POLICY: LeasePolicy = {
  minBlockMicro: 20_000,
  horizonMs: 10_000,
  fractionPerMille: 500,
  nearZeroRequests: 8,
};

/** What to ask the database for, given the request's maximum and the recent demand (both µUSD). */
export function leaseAsk(
  needMicro: number,
  recentDemandMicro: number,
  p: LeasePolicy = DEFAULT_LEASE_POLICY,
): { wantMicro: number; minAvailableMicro: number; minGrantMicro: number } {
  return {
    wantMicro: Math.max(p.minBlockMicro, recentDemandMicro, 2 * needMicro),
    minAvailableMicro: p.nearZeroRequests * needMicro,
    minGrantMicro: needMicro,
  };
}

/**
 * Pure mirror of the grant the lease statement computes under the organisation's lock: the ask capped
 * at a share of what is available, or 0 (fall back to exact reservations) near zero.
 */
export function leaseGrant(
  availableMicro: number,
  ask: ReturnType<typeof leaseAsk>,
  p: LeasePolicy = DEFAULT_LEASE_POLICY,
): number {
  if (availableMicro < ask.minAvailableMicro) return 0;
  const grant = Math.min(ask.wantMicro, Math.floor((availableMicro * p.fractionPerMille) / 1000));
  return grant >= ask.minGrantMicro ? grant : 0;
}

interface Lease {
  id: string;
  orgId: string;
  /** What the database holds for this node (never more than that, see the invariant). */
  held: number;
  /** Sum of the maxima of admitted requests not yet settled. */
  inFlight: number;
  /** 'exact' near zero: no lease admission, settlements give back their unused part. */
  mode: 'lease' | 'exact';
  lastGrant: number;
  extending?: Promise<void>;
  /** The give-back that ended leasing (near zero), for refused requests to wait on before a retry. */
  returning?: Promise<void>;
  /** Admitted maxima per tenth of the horizon: [slot, µUSD]. */
  demand: [number, number][];
  /** When a request was last admitted against it (ms). */
  lastUsed: number;
}

type Ticket = { lease: Lease; need: number } | { lease: null };

export type AdmitResult = ReserveResult;

export interface CreditAdmission {
  /** Holds `needMicro` for a request: from the node's lease in memory, or exactly near zero. */
  admit(orgId: string, requestId: string, needMicro: number): Promise<AdmitResult>;
  /** Raises what is held for an admitted request (a dearer fallback); false when the credit is not there. */
  topUp(orgId: string, requestId: string, deltaMicro: number): Promise<boolean>;
  /**
   * Turns a finished request into its record-batch item (charge clamped to what was held) and a
   * `done(committed)` to call when its batch has committed or failed; null when the request must be
   * recorded on its own (an exact reservation the charge overshoots: record.ts clamps it).
   */
  settle(
    row: RequestInsert,
    reservedMicro: number,
  ): { item: BatchItem; debitedMicro: number; done: (committed: boolean) => void } | null;
  /** Gives back the unused part of leases no request used for `idleMs`, so idle credit is not stranded. */
  returnIdle(idleMs: number): Promise<void>;
  /** Gives every lease back (shutdown, after the last record has committed). */
  close(): Promise<void>;
  /** For tests: what this node holds for an organisation in memory. */
  peek(orgId: string): { held: number; inFlight: number; mode: 'lease' | 'exact' } | undefined;
}

export function createCreditAdmission(opts: {
  db: Db;
  nodeId: string;
  log: Logger;
  now?: () => number;
  policy?: LeasePolicy;
}): CreditAdmission {
  const { db, nodeId, log } = opts;
  const now = opts.now ?? Date.now;
  const policy = opts.policy ?? DEFAULT_LEASE_POLICY;
  const leases = new Map<string, Lease>();
  const tickets = new Map<string, Ticket>();
  const slotMs = policy.horizonMs / 10;

  const leaseOf = (orgId: string): Lease => {
    let l = leases.get(orgId);
    if (!l) {
      l = {
        id: `lease:${nodeId}:${orgId}`,
        orgId,
        held: 0,
        inFlight: 0,
        mode: 'lease',
        lastGrant: 0,
        demand: [],
        lastUsed: now(),
      };
      leases.set(orgId, l);
    }
    return l;
  };
  const noteDemand = (l: Lease, need: number) => {
    const slot = Math.floor(now() / slotMs);
    const last = l.demand.at(-1);
    if (last && last[0] === slot) last[1] += need;
    else l.demand.push([slot, need]);
    while (l.demand.length && l.demand[0]![0] <= slot - 10) l.demand.shift();
  };
  const recentDemand = (l: Lease) => l.demand.reduce((s, [, v]) => s + v, 0);

  /** Gives back what the lease holds beyond its requests in flight. */
  const giveBack = async (l: Lease) => {
    const spare = l.held - l.inFlight;
    if (spare <= 0) return;
    l.held -= spare;
    try {
      await db.execute(leaseReturnSql(spare, l.id, spare));
    } catch (err) {
      l.held += spare;
      log.error('returning unused lease credit failed', { orgId: l.orgId, error: String(err) });
    }
  };

  /** One extension at a time per lease; callers that need more wait for it and look again. */
  const extend = (l: Lease, need: number): Promise<void> => {
    l.extending ??= (async () => {
      const ask = leaseAsk(need, recentDemand(l), policy);
      const res = await db.execute(
        leaseExtendSql(
          l.id,
          l.orgId,
          ask.wantMicro,
          policy.fractionPerMille,
          ask.minAvailableMicro,
          ask.minGrantMicro,
          l.id,
          nodeId,
        ),
      );
      const granted = Number(resultRows<{ granted: string | number }>(res)[0]?.granted ?? 0);
      if (granted > 0) {
        l.held += granted;
        l.lastGrant = granted;
        return;
      }
      // Near zero: stop leasing, free what the lease does not need, admit exactly from now on.
      l.mode = 'exact';
      await giveBack(l);
    })().finally(() => {
      l.extending = undefined;
    });
    return l.extending;
  };

  const spare = (l: Lease) => l.held - l.inFlight;

  return {
    async admit(orgId, requestId, need) {
      const l = leaseOf(orgId);
      l.lastUsed = now();
      noteDemand(l, need);
      for (let tries = 0; l.mode === 'lease' && tries < 3; tries++) {
        if (spare(l) >= need) {
          l.inFlight += need;
          tickets.set(requestId, { lease: l, need });
          // Refill ahead of exhaustion, off the request's path.
          if (!l.extending && spare(l) < l.lastGrant / 2)
            extend(l, need).catch((err) =>
              log.error('extending a credit lease failed', { orgId, error: String(err) }),
            );
          return { ok: true, availableMicro: spare(l) };
        }
        await extend(l, need);
      }
      let r = await reserveCredit(db, { orgId, requestId, amountMicro: need, nodeId });
      if (!r.ok && l.lastGrant > 0) {
        // Refused while this node leases (or did): the organisation is out of free credit, so never
        // refuse while our lease sits on some. Stop leasing, give its unused part back, look again.
        if (l.mode === 'lease') {
          l.mode = 'exact';
          l.returning = (async () => {
            await l.extending?.catch(() => {});
            await giveBack(l);
          })();
        }
        await l.returning;
        r = await reserveCredit(db, { orgId, requestId, amountMicro: need, nodeId });
      }
      if (r.ok) {
        tickets.set(requestId, { lease: null });
        // Credit came back (a grant): lease again once there is clearly room for it.
        if (l.mode === 'exact' && r.availableMicro >= 2 * policy.nearZeroRequests * need) l.mode = 'lease';
      }
      return r;
    },

    async topUp(orgId, requestId, delta) {
      if (delta <= 0) return true;
      const t = tickets.get(requestId);
      if (!t?.lease) return topUpReservation(db, { orgId, requestId, deltaMicro: delta });
      const l = t.lease;
      if (l.mode === 'lease' && spare(l) < delta) await extend(l, delta).catch(() => {});
      if (l.mode !== 'lease' || spare(l) < delta) return false;
      l.inFlight += delta;
      t.need += delta;
      return true;
    },

    settle(row, reservedMicro) {
      const t = tickets.get(row.id);
      tickets.delete(row.id);
      const charge = row.chargeMicro ?? 0;
      if (t?.lease) {
        const l = t.lease;
        // An upstream that overshoots is charged at most what was held for the request.
        const debit = Math.min(charge, t.need);
        // Leasing: the unused part stays in the lease for the next request. Near zero: give it back.
        const shrink = l.mode === 'lease' ? debit : t.need;
        l.held -= shrink;
        l.inFlight -= t.need;
        return {
          item: {
            row: { ...row, chargeMicro: debit },
            releaseReservation: false,
            lease: { leaseId: l.id, shrinkMicro: shrink },
          },
          debitedMicro: debit,
          done: (committed) => {
            if (!committed) l.held += shrink;
          },
        };
      }
      if (charge > reservedMicro) return null;
      return { item: { row, releaseReservation: reservedMicro > 0 }, debitedMicro: charge, done: () => {} };
    },

    async returnIdle(idleMs) {
      const idle = [...leases.values()].filter(
        (l) => !l.extending && l.held > l.inFlight && now() - l.lastUsed >= idleMs,
      );
      await Promise.all(idle.map(giveBack));
    },

    async close() {
      await Promise.allSettled([...leases.values()].map((l) => l.extending));
      const res = await db.execute(leasesReleaseAllSql(nodeId));
      const [r] = resultRows<{ leases: number; amount: string | number }>(res);
      for (const l of leases.values()) l.held = 0;
      if (r && Number(r.leases))
        log.info('returned credit leases', { leases: Number(r.leases), amountMicro: Number(r.amount) });
    },

    peek(orgId) {
      const l = leases.get(orgId);
      return l && { held: l.held, inFlight: l.inFlight, mode: l.mode };
    },
  };
}
