/**
 * Units used across LowRouter. Money is integer micro-USD (1 USD = 1_000_000 µUSD); energy is Wh;
 * carbon is gCO2e; time is ms at the API surface unless a name says otherwise.
 */

/** A ranged estimate: EcoLogits' low and high runs plus their midpoint. */
export interface Range {
  min: number;
  max: number;
  mid: number;
}

/** A closed interval without a central value, as catalog inputs (parameters, PUE) are written. */
export interface MinMax {
  min: number;
  max: number;
}

export const MICRO_USD_PER_USD = 1_000_000;

export function range(min: number, max: number): Range {
  return { min, max, mid: (min + max) / 2 };
}

/** Converts a USD amount (a decimal as written in price lists) to integer micro-USD, rounding half up. */
export function usdToMicro(usd: number): number {
  return Math.round(usd * MICRO_USD_PER_USD);
}

/** Converts integer micro-USD to USD for display and for API fields named `...Usd`. */
export function microToUsd(micro: number): number {
  return micro / MICRO_USD_PER_USD;
}
