/**
 * Why a request needs the credit it holds: the parts of `maxChargeMicro` (output limit × output price,
 * the input bound × the dearest input price, the platform fee), and the largest `max_tokens` that would
 * fit what the organisation has free. Pure, integer micro-USD; dollars only in the sentence for people.
 */
import { type EndpointPrices, maxChargeMicro } from './price';

export interface CreditHold {
  endpointId: string;
  /** µUSD held: inputMicro + outputMicro + feeMicro, exactly maxChargeMicro. */
  totalMicro: number;
  outputMicro: number;
  inputMicro: number;
  feeMicro: number;
  /** Output tokens priced: the request's max_tokens, or the model's output limit without one. */
  maxOutputTokens: number;
  maxOutputTokensFrom: 'max_tokens' | 'model_limit';
  /** Input tokens priced: an upper bound counted from the request's text. */
  inputTokens: number;
  /** µUSD per 1M tokens. */
  outputMicroPerMTok: number;
  /** µUSD per 1M tokens: the dearest input-side price (a prompt may be written to the cache). */
  inputMicroPerMTok: number;
  feePercent: number;
  /** The largest max_tokens whose hold fits the available credit; null when even 1 token does not. */
  maxTokensThatFit: number | null;
}

export function creditHold(a: {
  endpointId: string;
  prices: EndpointPrices;
  inputTokens: number;
  maxOutputTokens: number;
  maxTokensSet: boolean;
  feePercent: number;
  availableMicro: number;
}): CreditHold {
  const { prices: p, inputTokens, maxOutputTokens, feePercent } = a;
  const totalMicro = maxChargeMicro(inputTokens, maxOutputTokens, p, feePercent);
  const inputMicroPerMTok = Math.max(
    p.inputMicroPerMTok,
    p.cachedInputMicroPerMTok ?? 0,
    p.cacheWriteMicroPerMTok ?? 0,
  );
  const upstreamMicro = maxChargeMicro(inputTokens, maxOutputTokens, p, 0);
  const inputMicro = Math.min(upstreamMicro, Math.ceil((inputTokens * inputMicroPerMTok) / 1_000_000));
  // Largest m in [1, maxOutputTokens] whose hold fits: the hold grows with m, so bisect.
  let fit: number | null = null;
  let lo = 1;
  let hi = maxOutputTokens;
  while (lo <= hi) {
    const m = Math.floor((lo + hi) / 2);
    if (maxChargeMicro(inputTokens, m, p, feePercent) <= a.availableMicro) {
      fit = m;
      lo = m + 1;
    } else hi = m - 1;
  }
  return {
    endpointId: a.endpointId,
    totalMicro,
    outputMicro: upstreamMicro - inputMicro,
    inputMicro,
    feeMicro: totalMicro - upstreamMicro,
    maxOutputTokens,
    maxOutputTokensFrom: a.maxTokensSet ? 'max_tokens' : 'model_limit',
    inputTokens,
    outputMicroPerMTok: p.outputMicroPerMTok,
    inputMicroPerMTok,
    feePercent,
    maxTokensThatFit: fit,
  };
}

const usd = (micro: number) => `$${(micro / 1_000_000).toFixed(6)}`;
const perM = (micro: number) => `$${(micro / 1_000_000).toFixed(2)} per 1M tokens`;
const n = (x: number) => x.toLocaleString('en-US');

/** The 402 message: what is held and why, what is available, and how max_tokens lowers the hold. */
export function insufficientCreditsMessage(
  h: CreditHold,
  availableMicro: number,
  /** How the caller's surface spells it: max_tokens (REST) or maxTokens (GraphQL). */
  field = 'max_tokens',
): string {
  const output =
    h.maxOutputTokensFrom === 'max_tokens'
      ? `${n(h.maxOutputTokens)} output tokens (the request's ${field})`
      : `${n(h.maxOutputTokens)} output tokens (the model's output limit: the request sets no ${field})`;
  const fee = h.feeMicro > 0 ? `, plus the ${h.feePercent}% platform fee ${usd(h.feeMicro)}` : '';
  const advice =
    h.maxTokensThatFit != null
      ? `Set ${field} to hold less: ${field} of at most ${n(h.maxTokensThatFit)} fits; or ask an admin to grant credits.`
      : h.maxOutputTokensFrom === 'max_tokens'
        ? `Even ${field} 1 does not fit (the input alone needs more): shorten the prompt or ask an admin to grant credits.`
        : `Setting ${field} lowers the hold, but even 1 does not fit (the input alone needs more): shorten the prompt or ask an admin to grant credits.`;
  return (
    `insufficient credits: this request holds ${usd(h.totalMicro)} on ${h.endpointId} until it is answered: ` +
    `${output} × ${perM(h.outputMicroPerMTok)} = ${usd(h.outputMicro)}, ` +
    `plus up to ${n(h.inputTokens)} input tokens × ${perM(h.inputMicroPerMTok)} = ${usd(h.inputMicro)}${fee}; ` +
    `the organisation has ${usd(Math.max(0, availableMicro))} available. ${advice} ` +
    'Only what the answer uses is charged; the rest of the hold is released.'
  );
}
