/** Exact conversions between integer micro-USD and decimal USD at the API surface. */
import { badInput } from './errors';

/** Largest amount a single grant may carry: 1e9 USD keeps every sum far below 2^53 µUSD. */
export const MAX_GRANT_MICRO = 1e15;

/**
 * A USD amount given as a float (GraphQL Float) to integer micro-USD, exactly: refuses amounts with
 * more than 6 decimals rather than rounding them. IEEE division is correctly rounded, so for an amount
 * written with at most 6 decimals `round(x * 1e6) / 1e6` gives back exactly the same double.
 */
export function usdToMicroExact(field: string, usd: number): number {
  if (!Number.isFinite(usd) || usd <= 0) throw badInput(field, `${field} must be more than 0, got ${usd}`);
  const micro = Math.round(usd * 1e6);
  if (micro / 1e6 !== usd) throw badInput(field, `${field} has at most 6 decimals (1 µUSD), got ${usd}`);
  if (micro > MAX_GRANT_MICRO) throw badInput(field, `${field} is at most ${MAX_GRANT_MICRO / 1e6} USD`);
  return micro;
}

/** Integer micro-USD as an exact decimal string, e.g. -1234567 → "-1.234567", 5 → "0.000005". */
export function microToUsdString(micro: number): string {
  const neg = micro < 0;
  const digits = String(Math.abs(Math.trunc(micro))).padStart(7, '0');
  const s = `${digits.slice(0, -6)}.${digits.slice(-6)}`;
  return neg ? `-${s}` : s;
}
