/**
 * The one gate between an upstream's token counts and the money: every number the upstream reported is
 * checked against what the request could possibly have used, and a usage with any impossible number is
 * replaced as a whole by LowRouter's own count (flagged `estimated`), with a problem naming the number.
 *
 * Why as a whole: when one count is a lie (a negative prompt, 50 M output tokens on a 16 K model) the
 * others from the same body are no better, and a partial fix cannot say which part was right.
 *
 * Rules (all counts in tokens):
 * - every count is a non-negative safe integer (not NaN, not a string, not 1.5e308, not 2.5);
 * - input ≤ the gateway's own upper bound for the prompt (inference/bounds.ts `inputTokenUpperBound`);
 * - output ≤ the output allowance (requested max_tokens, else the model's limit) plus a small tolerance;
 * - cache reads + cache writes ≤ input; reasoning ≤ output;
 * - an answer with text cannot have cost 0 output tokens.
 */
import type { CanonicalUsage } from './canonical';
import { isTokenCount } from './stream-state';

export interface UsageLimits {
  /** Upper bound on prompt tokens the gateway computed for this request. */
  maxInputTokens: number;
  /** Output tokens allowed: the requested max_tokens, else the model's maximum. */
  maxOutputTokens: number;
}

/** Tokens LowRouter counted itself (≈ 4 characters per token), used when the upstream's are refused. */
export interface OwnCount {
  inputTokens: number;
  outputTokens: number;
}

export interface TrustedUsage {
  usage: CanonicalUsage;
  /** One sentence per refused number; empty when the upstream's usage was kept. */
  problems: string[];
}

/** Output above the allowance that is still believed: upstreams round, and some count a stop token. */
export function outputTolerance(maxOutputTokens: number): number {
  return Math.max(16, Math.ceil(maxOutputTokens * 0.02));
}

const FIELDS = [
  ['inputTokens', 'input'],
  ['outputTokens', 'output'],
  ['cachedInputTokens', 'cached input'],
  ['cacheWriteTokens', 'cache write'],
  ['reasoningTokens', 'reasoning'],
] as const;

/** How a refused number appears in a message: short, and never the raw client or upstream text. */
const show = (n: number) => String(n).slice(0, 24);

export function trustUsage(usage: CanonicalUsage, limits: UsageLimits, own: OwnCount): TrustedUsage {
  const problems: string[] = [];
  for (const [field, label] of FIELDS) {
    const n = usage[field];
    if (!isTokenCount(n)) problems.push(`${label} token count ${show(n)} is not a non-negative integer`);
  }
  if (!problems.length) {
    const outLimit = limits.maxOutputTokens + outputTolerance(limits.maxOutputTokens);
    if (usage.inputTokens > limits.maxInputTokens)
      problems.push(
        `input token count ${usage.inputTokens} is above the ${limits.maxInputTokens} this prompt can hold`,
      );
    if (usage.outputTokens > outLimit)
      problems.push(
        `output token count ${usage.outputTokens} is above the ${limits.maxOutputTokens} allowed (max_tokens or the model's limit)`,
      );
    if (usage.cachedInputTokens + usage.cacheWriteTokens > usage.inputTokens)
      problems.push(
        `cached input (${usage.cachedInputTokens}) plus cache writes (${usage.cacheWriteTokens}) exceed the input token count ${usage.inputTokens}`,
      );
    if (usage.reasoningTokens > usage.outputTokens)
      problems.push(
        `reasoning token count ${usage.reasoningTokens} exceeds the output token count ${usage.outputTokens}`,
      );
    if (usage.outputTokens === 0 && own.outputTokens > 0)
      problems.push('output token count 0 for an answer that has text');
  }
  if (!problems.length) return { usage, problems };
  return {
    usage: {
      inputTokens: clampCount(own.inputTokens, limits.maxInputTokens),
      outputTokens: clampCount(own.outputTokens, limits.maxOutputTokens),
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      estimated: true,
    },
    problems,
  };
}

/** A count of our own, made safe: an integer in [0, max] (never more than the request was allowed). */
function clampCount(n: number, max: number): number {
  if (!Number.isFinite(n) || n < 0) return 0;
  return Math.min(Math.ceil(n), Math.max(0, Math.floor(max)));
}
