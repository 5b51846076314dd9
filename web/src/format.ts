/**
 * Number formatting for every page: the ones the browser renders (web/) and the ones the gateway renders
 * on the server (api/src/http/pages/), so a figure reads the same wherever it is shown. Pure, no DOM.
 */

export interface MinMax {
  min: number;
  max: number;
}

/** `digits` significant digits without exponent for everyday magnitudes: 0.06156 → "0.062", 123.4 → "123". */
export function sig(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '–';
  if (n === 0) return '0';
  const abs = Math.abs(n);
  if (abs >= 10 ** digits) return Math.round(n).toLocaleString('en-US');
  return String(Number(n.toPrecision(digits)));
}

/** A range as "min–max", or one figure when both round alike. */
export function range(r: MinMax, digits = 2): string {
  const a = sig(r.min, digits);
  const b = sig(r.max, digits);
  return a === b ? a : `${a}–${b}`;
}

/** A price in USD per 1M tokens: "$2.50", "$0.075", "$0". */
export function usd(n: number): string {
  if (n === 0) return '$0';
  if (Math.abs(n) >= 1) return `$${n.toFixed(2)}`;
  return `$${sig(n, 3)}`;
}

/** An amount of money that may be tiny (a request's cost): "$0.0040", "$1.25". */
export function cost(n: number): string {
  if (n === 0) return '$0';
  if (Math.abs(n) >= 1) return `$${n.toFixed(2)}`;
  return `$${Number(n.toPrecision(2)).toString()}`;
}

/** A cost range: "$0.0040–$0.012", or one figure. */
export function costRange(r: MinMax): string {
  const a = cost(r.min);
  const b = cost(r.max);
  return a === b ? a : `${a}–${b}`;
}

/** Integer with thousands separators: 12345 → "12,345". */
export function int(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** Billions of parameters as written: "8", "44–132". */
export function params(r: MinMax): string {
  return r.min === r.max ? sig(r.min, 3) : `${sig(r.min, 3)}–${sig(r.max, 3)}`;
}

/** A signed amount of credit: "+$50.00", "−$0.000012". */
export function signedCost(n: number): string {
  return n < 0 ? `−${cost(-n)}` : `+${cost(n)}`;
}

/** An ISO timestamp as "2026-11-21 22:24:11" (UTC, what the API stores). */
export function utcTime(iso: string): string {
  return iso.slice(0, 19).replace('T', ' ');
}

/** The midpoint of a range. */
export const mid = (r: MinMax) => (r.min + r.max) / 2;

/** A GraphQL enum value as the lower-case word the pages show: "CLIENT_DISCONNECTED" → "client_disconnected". */
export const enumWord = (v: string) => v.toLowerCase();
/**
 * The one label for a per-1,000 figure computed at the catalog's reference request (model browser,
 * calculator), never for one request's own figure. Equal to `PER_1K_REFERENCE_LABEL` in shared (a
 * test checks), spelled out here so the pages do not pull the shared barrel into their bundle.
 */
export const PER_1K_REFERENCE = 'per 1,000 output tokens, reference request of 400 tokens';
