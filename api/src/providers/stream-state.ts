/**
 * Shared bookkeeping for the protocol stream parsers: the one place that decides how a stream ENDS.
 * A parser reports deltas itself and tells this object about usage, the finish reason, a terminal marker
 * or an error; this object produces the closing events in the order canonical.ts promises
 * (`usage` then `finish`, or `usage?` then `error`) and guarantees nothing is emitted after them.
 */
import type { CanonicalStreamEvent, CanonicalUsage, FinishReason } from './canonical';
import { type ProviderError, providerError } from './provider-error';
import type { SseEvent } from './sse';
import { estimateTokens, type RequestContext } from './target';

/** A stateful parser of one upstream stream: feed it decoded SSE events, then call `end()` at end of body. */
export interface StreamParser {
  feed(event: SseEvent): CanonicalStreamEvent[];
  /** End of body. Without the protocol's terminal marker this yields an `error` (kind 'network'). */
  end(): CanonicalStreamEvent[];
  /** Ends the stream with a transport failure (cut, timeout, cancellation): known usage, then the error. */
  abort(error: ProviderError): CanonicalStreamEvent[];
  /** True once a terminal marker or an error was seen; later input is ignored. */
  readonly done: boolean;
}

export class StreamState {
  done = false;
  started = false;
  usage: CanonicalUsage | undefined;
  finishReason: FinishReason | undefined;
  private outputChars = 0;

  constructor(readonly ctx: RequestContext) {}

  /** Emits `start` once. */
  start(id: string | undefined, model: string | undefined): CanonicalStreamEvent[] {
    if (this.started) return [];
    this.started = true;
    return [{ type: 'start', id: id || `${this.ctx.provider}-stream`, model: model || this.ctx.model }];
  }

  text(text: string, kind: 'text' | 'reasoning' = 'text'): CanonicalStreamEvent[] {
    if (!text) return [];
    this.outputChars += text.length;
    return [{ type: kind, text }];
  }

  toolCall(
    index: number,
    fragment: { id?: string; name?: string; arguments: string },
  ): CanonicalStreamEvent[] {
    this.outputChars += fragment.arguments.length + (fragment.name?.length ?? 0);
    const ev: CanonicalStreamEvent = { type: 'tool_call', index, arguments: fragment.arguments };
    if (fragment.id !== undefined) ev.id = fragment.id;
    if (fragment.name !== undefined) ev.name = fragment.name;
    return [ev];
  }

  /** The protocol's terminal marker: closing `usage` (estimated if none was reported) and `finish`. */
  terminal(fallback: FinishReason = 'stop'): CanonicalStreamEvent[] {
    if (this.done) return [];
    this.done = true;
    return [
      { type: 'usage', usage: this.usage ?? this.estimate() },
      { type: 'finish', finishReason: this.finishReason ?? fallback },
    ];
  }

  /** An error ends the stream: the usage known so far (if any), then the error. */
  fail(error: ProviderError): CanonicalStreamEvent[] {
    if (this.done) return [];
    this.done = true;
    const out: CanonicalStreamEvent[] = [];
    if (this.usage) out.push({ type: 'usage', usage: this.usage });
    out.push({ type: 'error', error });
    return out;
  }

  /** End of body without a terminal marker: a cut, never a clean finish. */
  cut(what: string): CanonicalStreamEvent[] {
    return this.fail(
      providerError({
        kind: 'network',
        status: null,
        retryable: true,
        provider: this.ctx.provider,
        message: `upstream stream ended before ${what}`,
      }),
    );
  }

  /** A data line that is not valid JSON: the stream cannot be trusted any further. */
  malformed(data: string): CanonicalStreamEvent[] {
    return this.fail(
      providerError({
        kind: 'upstream',
        status: null,
        retryable: true,
        provider: this.ctx.provider,
        message: `upstream sent a malformed stream event: ${data.slice(0, 120)}`,
      }),
    );
  }

  private estimate(): CanonicalUsage {
    return {
      inputTokens: this.ctx.estimatedInputTokens,
      outputTokens: Math.ceil(this.outputChars / 4),
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
      estimated: true,
    };
  }
}

/** JSON.parse that returns undefined instead of throwing. */
export function tryParseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Usage for a non-stream response: the reported one, or an estimate flagged `estimated`. */
export function usageOrEstimate(
  usage: CanonicalUsage | undefined,
  ctx: RequestContext,
  outputText: string,
): CanonicalUsage {
  if (usage) return usage;
  return {
    inputTokens: ctx.estimatedInputTokens,
    outputTokens: estimateTokens(outputText),
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    estimated: true,
  };
}

/** Small helpers for reading untyped upstream JSON without `any`. */
export type Json = Record<string, unknown>;

export function obj(v: unknown): Json | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/**
 * A token count exactly as the upstream sent it, for trust-usage.ts to judge: absent (undefined/null) is 0,
 * a number is kept as it is (even negative, fractional or huge), anything else ("12", true, {}) is NaN.
 * Never coerce here: a count silently turned into 0 cannot be refused later.
 */
export function count(v: unknown): number {
  if (v === undefined || v === null) return 0;
  return typeof v === 'number' ? v : Number.NaN;
}

/** True for a count an upstream may report: a non-negative safe integer. */
export function isTokenCount(n: number): boolean {
  return Number.isSafeInteger(n) && n >= 0;
}

/**
 * The sum of counts the protocol reports in parts (Anthropic's cache reads, Gemini's thoughts). When a part
 * is not a valid count, that part is returned instead of the sum, so a negative part cannot hide inside a
 * plausible total and trust-usage.ts names the refused number as the upstream sent it.
 */
export function addCounts(...parts: number[]): number {
  const bad = parts.find((n) => !isTokenCount(n));
  return bad !== undefined ? bad : parts.reduce((a, b) => a + b, 0);
}
