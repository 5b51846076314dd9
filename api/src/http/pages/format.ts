/**
 * Number formatting for the server-rendered pages: the same rules as web/src/format.ts (the pages the
 * browser renders), so a figure reads the same wherever it is shown. Pure.
 */

export interface MinMax {
  min: number;
  max: number;
}

/** `digits` significant digits without exponent for everyday magnitudes: 0.06156 → "0.062", 123.4 → "123". */
export function sig(n: number, digits = 2): string {
  if (!Number.isFinite(n)) return '–';
  if (n === 0) return '0';
  if (Math.abs(n) >= 10 ** digits) return Math.round(n).toLocaleString('en-US');
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

/** An amount of money that may be tiny: "$0.0040", "$1.25". */
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

export const mid = (r: MinMax) => (r.min + r.max) / 2;
