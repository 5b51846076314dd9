/**
 * Anthropic Messages responses, streams and errors → canonical.
 *
 * Usage: Anthropic's `input_tokens` EXCLUDES cached tokens, so inputTokens = input_tokens +
 * cache_creation_input_tokens + cache_read_input_tokens (recorded 3 + 418 + 1111 in
 * messages-cache-read-usage.json). In streams, `message_start` carries the input side and `message_delta`
 * the cumulative output (current API versions repeat the input side there too — the last value wins).
 *
 * Stream grammar: message_start → (content_block_start → content_block_delta* → content_block_stop)* →
 * message_delta → message_stop (the terminal marker). `ping` is ignored anywhere; an `error` event can
 * arrive inside the 200 stream and ends it. Tool calls are numbered by a running counter, not by the
 * Anthropic block index (thinking and text blocks also take indices). A tool_use block that never got a
 * non-empty `partial_json` is closed with `{}` so clients always receive valid JSON arguments.
 */
import type { ParseResult } from './adapter';
import type { CanonicalStreamEvent, CanonicalUsage, ToolCall } from './canonical';
import { classifyHttpError, type ErrorInput, kindFromErrorType, streamError } from './classify-error';
import { mapAnthropicStopReason } from './map-finish-reason';
import type { SseEvent } from './sse';
import {
  addCounts,
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

export function normaliseAnthropicUsage(value: unknown): CanonicalUsage | undefined {
  const u = obj(value);
  if (!u) return undefined;
  const cacheRead = count(u['cache_read_input_tokens']);
  const cacheWrite = count(u['cache_creation_input_tokens']);
  return {
    inputTokens: addCounts(count(u['input_tokens']), cacheRead, cacheWrite),
    outputTokens: count(u['output_tokens']),
    cachedInputTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: 0,
  };
}

function errorFromBody(root: Json, provider: string) {
  const e = obj(root['error']);
  return streamError(provider, { type: str(e?.['type']), message: str(e?.['message']) });
}

export function parseAnthropicResponse(json: unknown, ctx: RequestContext): ParseResult {
  const root = obj(json);
  if (!root) {
    return {
      ok: false,
      error: {
        kind: 'upstream',
        status: null,
        retryable: true,
        provider: ctx.provider,
        message: 'upstream body is not a JSON object',
      },
    };
  }
  if (root['type'] === 'error') return { ok: false, error: errorFromBody(root, ctx.provider) };
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const raw of arr(root['content'])) {
    const b = obj(raw);
    if (!b) continue;
    if (b['type'] === 'text') text += str(b['text']) ?? '';
    else if (b['type'] === 'thinking') reasoning += str(b['thinking']) ?? '';
    else if (b['type'] === 'tool_use') {
      toolCalls.push({
        id: str(b['id']) ?? `toolu_${toolCalls.length}`,
        type: 'function',
        function: { name: str(b['name']) ?? '', arguments: JSON.stringify(b['input'] ?? {}) },
      });
    }
  }
  const usage = usageOrEstimate(normaliseAnthropicUsage(root['usage']), ctx, text);
  const result: ParseResult = {
    ok: true,
    response: {
      id: str(root['id']) || `${ctx.provider}-response`,
      model: str(root['model']) || ctx.model,
      message: { role: 'assistant', content: text === '' && toolCalls.length > 0 ? null : text },
      finishReason: mapAnthropicStopReason(str(root['stop_reason'])),
      usage,
      warnings: usage.estimated
        ? [{ code: 'usage_estimated', message: 'upstream reported no usage; tokens estimated' }]
        : [],
    },
  };
  if (toolCalls.length) result.response.message.tool_calls = toolCalls;
  if (reasoning) result.response.message.reasoning = reasoning;
  return result;
}

export function createAnthropicStreamParser(ctx: RequestContext): StreamParser {
  const state = new StreamState(ctx);
  const usage = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, seen: false };
  // Anthropic block index → our tool-call index, and whether that tool got any argument text.
  const tools = new Map<number, { index: number; gotArgs: boolean }>();

  const takeUsage = (value: unknown) => {
    const u = obj(value);
    if (!u) return;
    usage.seen = true;
    if (u['input_tokens'] !== undefined) usage.input = count(u['input_tokens']);
    if (u['cache_read_input_tokens'] !== undefined) usage.cacheRead = count(u['cache_read_input_tokens']);
    if (u['cache_creation_input_tokens'] !== undefined)
      usage.cacheWrite = count(u['cache_creation_input_tokens']);
    if (u['output_tokens'] !== undefined) usage.output = count(u['output_tokens']);
    state.usage = normaliseAnthropicUsage({
      input_tokens: usage.input,
      cache_read_input_tokens: usage.cacheRead,
      cache_creation_input_tokens: usage.cacheWrite,
      output_tokens: usage.output,
    });
  };

  const handle = (type: string | undefined, data: Json): CanonicalStreamEvent[] => {
    switch (type) {
      case 'message_start': {
        const m = obj(data['message']) ?? {};
        takeUsage(m['usage']);
        return state.start(str(m['id']), str(m['model']));
      }
      case 'content_block_start': {
        const block = obj(data['content_block']) ?? {};
        const at = num(data['index']);
        if (block['type'] === 'tool_use') {
          const index = tools.size;
          tools.set(at, { index, gotArgs: false });
          return state.toolCall(index, { id: str(block['id']), name: str(block['name']), arguments: '' });
        }
        if (block['type'] === 'text') return state.text(str(block['text']) ?? '');
        if (block['type'] === 'thinking') return state.text(str(block['thinking']) ?? '', 'reasoning');
        return [];
      }
      case 'content_block_delta': {
        const d = obj(data['delta']) ?? {};
        if (d['type'] === 'text_delta') return state.text(str(d['text']) ?? '');
        if (d['type'] === 'thinking_delta') return state.text(str(d['thinking']) ?? '', 'reasoning');
        if (d['type'] === 'input_json_delta') {
          const tool = tools.get(num(data['index']));
          const piece = str(d['partial_json']) ?? '';
          if (!tool || piece === '') return [];
          tool.gotArgs = true;
          return state.toolCall(tool.index, { arguments: piece });
        }
        return []; // signature_delta, citations_delta
      }
      case 'content_block_stop': {
        const tool = tools.get(num(data['index']));
        if (tool && !tool.gotArgs) {
          tool.gotArgs = true;
          return state.toolCall(tool.index, { arguments: '{}' });
        }
        return [];
      }
      case 'message_delta': {
        const d = obj(data['delta']) ?? {};
        if (typeof d['stop_reason'] === 'string')
          state.finishReason = mapAnthropicStopReason(d['stop_reason']);
        takeUsage(data['usage']);
        return [];
      }
      case 'message_stop':
        return state.terminal();
      case 'error':
        return state.fail(errorFromBody(data, ctx.provider));
      default:
        return []; // ping and future event types
    }
  };

  return {
    get done() {
      return state.done;
    },
    abort: (error) => state.fail(error),
    feed(ev: SseEvent) {
      if (state.done) return [];
      const data = obj(tryParseJson(ev.data));
      if (!data) return state.malformed(ev.data);
      return handle(str(data['type']) ?? ev.event, data);
    },
    end() {
      return state.done ? [] : state.cut('message_stop');
    },
  };
}

/** `{"type":"error","error":{"type","message"}}`; the error type decides the kind (529 overloaded_error). */
export function parseAnthropicError(input: ErrorInput) {
  const root = obj(tryParseJson(input.bodyText));
  const e = obj(root?.['error']);
  const type = str(e?.['type']);
  const verdict = kindFromErrorType(type);
  // invalid_request_error is refined by classifyHttpError (context length, …); other types are decisive.
  const decisive = verdict && verdict.kind !== 'bad_request' ? verdict.kind : undefined;
  const spendCap = str(obj(e?.['details'])?.['error_code']);
  return classifyHttpError(input, {
    message: str(e?.['message']) ?? (root ? undefined : input.bodyText),
    code: spendCap ?? type,
    kind: decisive,
  });
}
