/**
 * A request never pays more than was reserved for it. The reservation is the most the request could
 * cost (inference/bounds.ts input bound, the output allowance, the highest input-side price), and the
 * usage is checked against the same bounds (providers/trust-usage.ts), so a charge above it can only
 * come from the output tolerance or a catalog that changed mid-request. Either way the organisation is
 * not billed past what it agreed to hold: the charge is capped at the reservation and the cap is said.
 * All amounts in integer micro-USD.
 */
import type { Charge } from './price';

export interface BoundedCharge {
  /** What is debited: 0 ≤ chargeMicro ≤ reservedMicro. */
  chargeMicro: number;
  /** The upstream's price of the tokens used (for the record; not money moved). */
  upstreamMicro: number;
  /** Set when the computed charge was not debited as computed: why, in words for the row and the client. */
  note?: string;
}

export function boundCharge(charge: Charge, reservedMicro: number): BoundedCharge {
  const reserved = Number.isSafeInteger(reservedMicro) && reservedMicro > 0 ? reservedMicro : 0;
  const upstreamMicro = Number.isSafeInteger(charge.upstreamMicro) ? Math.max(0, charge.upstreamMicro) : 0;
  const wanted = charge.chargeMicro;
  if (!Number.isSafeInteger(wanted) || wanted < 0) {
    // Not reachable with trusted usage; money never moves on a number that is not an amount.
    return {
      chargeMicro: 0,
      upstreamMicro,
      note: `computed charge ${String(wanted).slice(0, 24)} is not an amount; nothing charged`,
    };
  }
  if (wanted <= reserved) return { chargeMicro: wanted, upstreamMicro };
  return {
    chargeMicro: reserved,
    upstreamMicro,
    note: `charge of ${wanted} µUSD capped at the ${reserved} µUSD reserved for this request`,
  };
}
