/** Number formatting for route reasons: what an operator reads in the `route` block. */
import { microToUsd, PER_1K_REFERENCE_LABEL } from '@lowrouter/shared';
import { describeSelectors } from './geography';
import type { MergedPolicy } from './policy';

/** 12,000 */
export const formatCount = (n: number): string => {
  // What toLocaleString('en-US') prints for an integer, without Intl (it ran for every candidate of
  // every request: ~0.5 % of the gateway's CPU).
  const r = Math.round(n);
  if (!Number.isSafeInteger(r)) return r.toLocaleString('en-US');
  const digits = String(Math.abs(r)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return r < 0 ? `-${digits}` : digits;
};

/**
 * A small USD amount with two significant digits: $0.00042, $0.018, $1.20. Input is micro-USD
 * (may be fractional: a ranking estimate, not a billed amount).
 */
export function formatMicroUsd(micro: number): string {
  const usd = microToUsd(micro);
  if (usd === 0) return '$0';
  if (usd >= 1) return `$${usd.toFixed(2)}`;
  const digits = Math.min(10, Math.max(2, 1 - Math.floor(Math.log10(usd))));
  return `$${usd.toFixed(digits)}`;
}

/** USD per 1M tokens as price lists write it: $0.15, $2.50. */
export const formatPerMTok = (usd: number): string =>
  `$${usd < 0.1 && usd > 0 ? usd.toPrecision(2) : usd.toFixed(2)}`;

/** gCO2e with two significant digits below 10: 0.042, 1.3, 27. */
export function formatGrams(g: number): string {
  if (g === 0) return '0';
  return g >= 10 ? formatCount(g) : String(Number(g.toPrecision(2)));
}

/** 1st, 2nd, 3rd, 4th, 11th, 21st. */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? 'th' : (['th', 'st', 'nd', 'rd'][n % 10] ?? 'th');
  return `${n}${suffix}`;
}

/** One line describing the merged policy and the grid threshold, for the `route` block. */
export function summarisePolicy(policy: MergedPolicy, thresholdGco2ePerKwh: number): string {
  const parts: string[] = [`policy ${policy.kind}`];
  if (policy.kind === 'prefer-region')
    parts.push(`preferred regions ${describeSelectors(policy.preferRegions)}`);
  if (policy.kind === 'fixed-provider' && policy.fixed) {
    parts.push(
      'providerId' in policy.fixed
        ? `fixed provider ${policy.fixed.providerId}`
        : `fixed endpoint ${policy.fixed.endpointId}`,
    );
  }
  if (policy.residency.length > 0) {
    const layers = policy.residency.map(
      (l) => `${describeSelectors(l.selectors)}${l.source === 'request' ? ' (request)' : ''}`,
    );
    parts.push(`data residency ${layers.join(' ∩ ')}`);
  }
  if (policy.allowedProviders) parts.push(`allowed providers ${policy.allowedProviders.join(', ')}`);
  if (policy.deniedProviders.length > 0) parts.push(`denied providers ${policy.deniedProviders.join(', ')}`);
  if (policy.only.length > 0) parts.push(`only ${policy.only.join(', ')}`);
  if (policy.ignore.length > 0) parts.push(`ignoring ${policy.ignore.join(', ')}`);
  if (policy.order.length > 0) parts.push(`order ${policy.order.join(' > ')}`);
  if (policy.maxPricePerMTokUsd !== undefined)
    parts.push(`max ${formatPerMTok(policy.maxPricePerMTokUsd)} per 1M tokens`);
  if (policy.maxGco2ePer1kTokens !== undefined) {
    parts.push(`max ${formatGrams(policy.maxGco2ePer1kTokens)} gCO2e ${PER_1K_REFERENCE_LABEL}`);
  }
  parts.push(policy.allowFallbacks ? 'fallbacks allowed' : 'no fallbacks');
  parts.push(`grid threshold ${formatCount(thresholdGco2ePerKwh)} gCO2e/kWh`);
  return parts.join('; ');
}
