/**
 * Pricing in integer micro-USD. Prices are micro-USD per 1M tokens; a request's cost is computed in
 * integer µUSD·tokens and divided once, rounding half up, so no float ever touches money.
 */
export interface EndpointPrices {
  inputMicroPerMTok: number;
  outputMicroPerMTok: number;
  /** Cache reads; the input price when the provider publishes none. */
  cachedInputMicroPerMTok: number | null;
  /** Cache writes; the input price when the provider publishes none. */
  cacheWriteMicroPerMTok: number | null;
}

export interface UsageTokens {
  /** The whole prompt, cached parts included (see providers/canonical.ts). */
  inputTokens: number;
  outputTokens: number;
  cachedInputTokens: number;
  cacheWriteTokens: number;
}

const PER_MTOK = 1_000_000;

/** Integer division rounding half up, for non-negative integers. */
function divRound(n: number, d: number): number {
  return Math.floor((n + Math.floor(d / 2)) / d);
}

/** Upstream price of the tokens actually used, µUSD. Cached input at its own price. */
export function upstreamCostMicro(u: UsageTokens, p: EndpointPrices): number {
  const cached = Math.min(u.cachedInputTokens, u.inputTokens);
  const written = Math.min(u.cacheWriteTokens, u.inputTokens - cached);
  const plain = u.inputTokens - cached - written;
  const scaled =
    plain * p.inputMicroPerMTok +
    cached * (p.cachedInputMicroPerMTok ?? p.inputMicroPerMTok) +
    written * (p.cacheWriteMicroPerMTok ?? p.inputMicroPerMTok) +
    u.outputTokens * p.outputMicroPerMTok;
  if (!Number.isSafeInteger(scaled)) throw new RangeError('request too large to price exactly');
  return divRound(scaled, PER_MTOK);
}

/** The platform fee on an upstream cost, µUSD; `feePercent` may have decimals (basis points used). */
export function feeMicro(upstreamMicro: number, feePercent: number): number {
  const bp = Math.round(feePercent * 100);
  return divRound(upstreamMicro * bp, 10_000);
}

export interface Charge {
  upstreamMicro: number;
  feeMicro: number;
  /** What the organisation pays: upstream + fee. */
  chargeMicro: number;
}

export function chargeFor(u: UsageTokens, p: EndpointPrices, feePercent: number): Charge {
  const upstream = upstreamCostMicro(u, p);
  const fee = feeMicro(upstream, feePercent);
  return { upstreamMicro: upstream, feeMicro: fee, chargeMicro: upstream + fee };
}

/**
 * The most a request can cost on an endpoint: every estimated input token at the dearest input price, the
 * whole output allowance at the output price, plus the fee, rounded up. This is what is reserved.
 */
export function maxChargeMicro(
  estimatedInputTokens: number,
  maxOutputTokens: number,
  p: EndpointPrices,
  feePercent: number,
): number {
  // Every input token at the dearest input-side price: a prompt may be written to the cache (Anthropic
  // charges 1.25x input for that), and the actual charge must never exceed this.
  const inputPrice = Math.max(
    p.inputMicroPerMTok,
    p.cachedInputMicroPerMTok ?? 0,
    p.cacheWriteMicroPerMTok ?? 0,
  );
  const scaled = estimatedInputTokens * inputPrice + maxOutputTokens * p.outputMicroPerMTok;
  const upstream = Math.ceil(scaled / PER_MTOK);
  const bp = Math.round(feePercent * 100);
  return upstream + Math.ceil((upstream * bp) / 10_000);
}
