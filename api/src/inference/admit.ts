/**
 * Admission: the last stage before any upstream work. A request passes the key's rate limit, then has
 * the most it can cost held: from this node's credit lease in memory (no round trip), or, near a zero
 * balance, by an exact reservation (billing/credit-lease.ts). Refusals are typed failures.
 */
import type { Principal } from '../auth/key-store';
import type { CreditHold } from '../billing/credit-hold';
import { reserveCredit, topUpReservation } from '../billing/ledger';
import type { Failure, InferenceDeps } from './complete';
import type { RateDecision } from './rate-limit';

/**
 * The key's requests- and tokens-per-minute limits; null when the request may go on. Synchronous in
 * the common case; a promise only when the shared limiter must claim a slice from the database first
 * (callers: `const r = admitRate(…); const refusal = r instanceof Promise ? await r : r;`).
 */
export function admitRate(
  deps: InferenceDeps,
  principal: Principal,
  inputBound: number,
): Failure | null | Promise<Failure | null> {
  const r = deps.rateLimiter.admit(
    principal.keyId,
    { rpm: principal.requestsPerMinute, tpm: principal.tokensPerMinute },
    inputBound,
  );
  return r instanceof Promise ? r.then(rateFailure) : rateFailure(r);
}

function rateFailure(r: RateDecision): Failure | null {
  if (r.ok) return null;
  return {
    kind: 'rate_limited',
    retryAfterMs: r.retryAfterMs,
    message: `this key's ${r.which}-per-minute limit is reached; retry in ${Math.ceil(r.retryAfterMs / 1000)} s`,
  };
}

/** Holds `needMicro` (µUSD, the request's maximum) for `requestId`, or says the credit is not there. */
export async function admitCredit(
  deps: InferenceDeps,
  a: { orgId: string; requestId: string; needMicro: number; explain: (availableMicro: number) => CreditHold },
): Promise<{ ok: true } | { ok: false; failure: Failure }> {
  const r = deps.credit
    ? await deps.credit.admit(a.orgId, a.requestId, a.needMicro)
    : await reserveCredit(deps.reserveDb, {
        orgId: a.orgId,
        requestId: a.requestId,
        amountMicro: a.needMicro,
        nodeId: deps.nodeId,
      });
  if (r.ok) return { ok: true };
  return {
    ok: false,
    failure: {
      kind: 'insufficient_credits',
      balanceMicro: r.balanceMicro,
      availableMicro: r.availableMicro,
      requiredMicro: a.needMicro,
      hold: a.explain(r.availableMicro),
    },
  };
}

/** Raises what is held for an admitted request before a dearer fallback; false when it cannot. */
export function topUpCredit(
  deps: InferenceDeps,
  t: { orgId: string; requestId: string; deltaMicro: number },
): Promise<boolean> {
  return deps.credit
    ? deps.credit.topUp(t.orgId, t.requestId, t.deltaMicro)
    : topUpReservation(deps.reserveDb, t);
}
