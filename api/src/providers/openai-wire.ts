/**
 * Parsing of OpenAI-shaped bodies, shared by the OpenAI adapter (OpenAI, Azure, Groq, Together, Ollama, vLLM,
 * OpenRouter, …) and the Mistral adapter, whose responses and streams have the same shape.
 *
 * Vendor quirks handled here, each seen in a recording (api/src/providers/__fixtures__):
 * - Azure streams start with `choices: []`, `id: ""` (prompt filter results only) — not a usage chunk;
 * - usage lives in a `choices: []` chunk (include_usage), in the finish chunk (Mistral, Together, Groq) or
 *   only under `x_groq.usage`; Together also puts `cached_tokens` at the top level of `usage`;
 * - Mistral returns `content` as an array of `text`/`thinking` chunks on reasoning models;
 * - Ollama and Groq return `reasoning`, DeepSeek-style servers `reasoning_content`;
 * - OpenRouter sends an `error` object inside a 200 stream (then `[DONE]`).
 */
import type { CanonicalStreamEvent, CanonicalUsage, ToolCall } from './canonical';
import type { ParseResult } from './adapter';
import { classifyHttpError, type ErrorInput, genericErrorDetails, streamError } from './classify-error';
import { mapOpenAIFinishReason } from './map-finish-reason';
import type { ProviderError } from './provider-error';
import type { SseEvent } from './sse';
import {
  arr,
  count,
  type Json,
  num,
  obj,
  type StreamParser,
  StreamState,
  str,
  tryParseJson,
  usageOrEstimate,
} from './stream-state';
import type { RequestContext } from './target';

export interface OpenAIStyleOptions {
  /** Maps a tool-call id coming down the wire to the id the client knows (Mistral's 9-character ids). */
  mapToolId?: (wireId: string) => string;
}

/** OpenAI-style `usage` → canonical usage; undefined when the object carries no token counts. */
export function normaliseOpenAIUsage(value: unknown): CanonicalUsage | undefined {
  const u = obj(value);
  if (!u || (u['prompt_tokens'] === undefined && u['completion_tokens'] === undefined)) return undefined;
  const promptDetails = obj(u['prompt_tokens_details']);
  const completionDetails = obj(u['completion_tokens_details']);
  return {
    // Both totals are part of the protocol: one missing beside the other is a malformed usage (NaN).
    inputTokens: u['prompt_tokens'] === undefined ? Number.NaN : count(u['prompt_tokens']),
    outputTokens: u['completion_tokens'] === undefined ? Number.NaN : count(u['completion_tokens']),
    cachedInputTokens: count(promptDetails?.['cached_tokens'] ?? u['cached_tokens']),
    cacheWriteTokens: 0,
    reasoningTokens: count(completionDetails?.['reasoning_tokens']),
  };
}

/** Text and reasoning out of a `content` that is a string, null, or Mistral's array of chunks. */
export function splitContent(content: unknown): { text: string | null; reasoning: string } {
  if (typeof content === 'string') return { text: content, reasoning: '' };
  if (!Array.isArray(content)) return { text: null, reasoning: '' };
  let text = '';
  let reasoning = '';
  for (const part of content) {
    const p = obj(part);
    if (!p) continue;
    if (p['type'] === 'text') text += str(p['text']) ?? '';
    else if (p['type'] === 'thinking') {
      const t = p['thinking'];
      reasoning +=
        typeof t === 'string'
          ? t
          : arr(t)
              .map((x) => str(obj(x)?.['text']) ?? '')
              .join('');
    }
  }
  return { text, reasoning };
}

function argumentsText(v: unknown): string {
  if (typeof v === 'string') return v;
  return v === undefined || v === null ? '{}' : JSON.stringify(v);
}

function errorInBody(root: Json, ctx: RequestContext): ProviderError | undefined {
  const e = root['error'];
  if (e === undefined || e === null) return undefined;
  const eo = obj(e);
  return streamError(ctx.provider, {
    type: str(eo?.['type']),
    code: (eo?.['code'] as string | number | undefined) ?? undefined,
    message: str(eo?.['message']) ?? (typeof e === 'string' ? e : undefined),
  });
}

export function parseOpenAIStyleResponse(
  json: unknown,
  ctx: RequestContext,
  opts: OpenAIStyleOptions = {},
): ParseResult {
  const root = obj(json);
  const bad = (message: string): ParseResult => ({
    ok: false,
    error: { kind: 'upstream', status: null, retryable: true, provider: ctx.provider, message },
  });
  if (!root) return bad('upstream returned a body that is not a JSON object');
  const err = errorInBody(root, ctx);
  if (err) return { ok: false, error: err };
  const choice = obj(arr(root['choices'])[0]);
  const message = obj(choice?.['message']);
  if (!choice || !message) return bad('upstream response has no choices');

  const { text, reasoning } = splitContent(message['content']);
  const mapId = opts.mapToolId ?? ((id: string) => id);
  const toolCalls: ToolCall[] = arr(message['tool_calls']).flatMap((raw, i) => {
    const tc = obj(raw);
    const fn = obj(tc?.['function']);
    if (!tc || !fn) return [];
    const id = str(tc['id']) || `call_${i}`;
    return [
      {
        id: mapId(id),
        type: 'function' as const,
        function: { name: str(fn['name']) ?? '', arguments: argumentsText(fn['arguments']) },
      },
    ];
  });
  const extraReasoning = str(message['reasoning']) ?? str(message['reasoning_content']) ?? '';
  const out: ParseResult = {
    ok: true,
    response: {
      id: str(root['id']) || `${ctx.provider}-response`,
      model: str(root['model']) || ctx.model,
      message: { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text },
      finishReason: mapOpenAIFinishReason(str(choice['finish_reason'])),
      usage: usageOrEstimate(
        normaliseOpenAIUsage(root['usage']) ?? normaliseOpenAIUsage(obj(root['x_groq'])?.['usage']),
        ctx,
        (text ?? '') + toolCalls.map((t) => t.function.arguments).join(''),
      ),
      warnings: [],
    },
  };
  if (toolCalls.length > 0) out.response.message.tool_calls = toolCalls;
  if (reasoning || extraReasoning) out.response.message.reasoning = reasoning + extraReasoning;
  const refusal = str(message['refusal']);
  if (refusal) out.response.message.refusal = refusal;
  if (out.response.usage.estimated) {
    out.response.warnings.push({
      code: 'usage_estimated',
      message: 'upstream reported no usage; tokens estimated',
    });
  }
  return out;
}

/** Stream parser for `data: <chunk>` … `data: [DONE]` streams. */
export function createOpenAIStyleStreamParser(
  ctx: RequestContext,
  opts: OpenAIStyleOptions = {},
): StreamParser {
  const state = new StreamState(ctx);
  const mapId = opts.mapToolId ?? ((id: string) => id);
  // One slot per tool call, in order of appearance; `wire` is the upstream's index (may repeat across calls).
  const slots: { wire: number | undefined; id: string | undefined; gotArgs?: boolean }[] = [];

  const slotFor = (wire: number | undefined, id: string | undefined): number => {
    if (id !== undefined) {
      const same = slots.findIndex((s) => s.id === id);
      if (same !== -1) return same;
      const open = slots.findIndex((s) => s.wire === wire && s.id === undefined);
      if (open !== -1) {
        slots[open]!.id = id;
        return open;
      }
      slots.push({ wire, id });
      return slots.length - 1;
    }
    for (let i = slots.length - 1; i >= 0; i--) if (wire === undefined || slots[i]!.wire === wire) return i;
    slots.push({ wire, id: undefined });
    return slots.length - 1;
  };

  const chunk = (root: Json): CanonicalStreamEvent[] => {
    const out: CanonicalStreamEvent[] = [];
    const usage = normaliseOpenAIUsage(root['usage']) ?? normaliseOpenAIUsage(obj(root['x_groq'])?.['usage']);
    if (usage) state.usage = usage;
    const err = errorInBody(root, ctx);
    if (err) return state.fail(err);
    const id = str(root['id']);
    if (id) out.push(...state.start(id, str(root['model'])));
    for (const rawChoice of arr(root['choices'])) {
      const choice = obj(rawChoice);
      if (!choice || num(choice['index']) !== 0) continue;
      const delta = obj(choice['delta']) ?? {};
      const { text, reasoning } = splitContent(delta['content']);
      out.push(...state.text(reasoning, 'reasoning'));
      out.push(...state.text(str(delta['reasoning']) ?? str(delta['reasoning_content']) ?? '', 'reasoning'));
      out.push(...state.text(text ?? ''));
      for (const rawCall of arr(delta['tool_calls'])) {
        const tc = obj(rawCall);
        if (!tc) continue;
        const fn = obj(tc['function']) ?? {};
        const wireId = str(tc['id']) || undefined;
        const index = slotFor(typeof tc['index'] === 'number' ? tc['index'] : undefined, wireId);
        const name = str(fn['name']) || undefined;
        const args =
          fn['arguments'] === undefined
            ? ''
            : typeof fn['arguments'] === 'string'
              ? fn['arguments']
              : JSON.stringify(fn['arguments']);
        if (args !== '') slots[index]!.gotArgs = true;
        out.push(...state.toolCall(index, { id: wireId && mapId(wireId), name, arguments: args }));
      }
      const finish = str(choice['finish_reason']);
      if (finish) state.finishReason = mapOpenAIFinishReason(finish);
    }
    return out;
  };

  return {
    get done() {
      return state.done;
    },
    abort: (error) => state.fail(error),
    feed(ev: SseEvent) {
      if (state.done) return [];
      const data = ev.data.trim();
      if (data === '[DONE]') {
        // A no-argument call may never get argument text (Together): close it as `{}` so clients get valid JSON.
        const closing = slots.flatMap((s, i) => (s.gotArgs ? [] : state.toolCall(i, { arguments: '{}' })));
        return [...closing, ...state.terminal()];
      }
      const json = obj(tryParseJson(data));
      if (!json) return state.malformed(data);
      if (ev.event === 'error') {
        const e = obj(json['error']) ?? json;
        return state.fail(
          streamError(ctx.provider, {
            type: str(e['type']),
            code: str(e['code']),
            message: str(e['message']),
          }),
        );
      }
      return chunk(json);
    },
    end() {
      return state.done ? [] : state.cut('data: [DONE]');
    },
  };
}

/** Non-2xx OpenAI-compatible responses (every vendor shape in PROTOCOLS.md §7). */
export function parseOpenAIStyleError(input: ErrorInput) {
  const details = genericErrorDetails(tryParseJson(input.bodyText), input.bodyText);
  return classifyHttpError(input, details);
}
