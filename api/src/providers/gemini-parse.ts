/**
 * Gemini responses, `alt=sse` streams and errors → canonical.
 *
 * - Every stream chunk is a whole GenerateContentResponse holding only the new text; `usageMetadata` is
 *   CUMULATIVE and repeated on every chunk, so the last one wins (never sum). There is no `[DONE]`: a stream
 *   is complete when a chunk carried `finishReason` and the body then ended.
 * - Usage: outputTokens = candidatesTokenCount + thoughtsTokenCount (thoughts are reported apart);
 *   inputTokens = promptTokenCount (+ toolUsePromptTokenCount), which already includes cachedContentTokenCount.
 * - Function calls carry no id (Gemini 2.x): a stable id is derived from responseId, the call's position
 *   and its name, so the same response always yields the same ids, streamed or not.
 * - Errors: a bad API key is a 400 INVALID_ARGUMENT with reason API_KEY_INVALID → kind 'auth';
 *   429 RESOURCE_EXHAUSTED carries `RetryInfo.retryDelay` ("34.4s") in the BODY → retryAfterMs.
 */
import { createHash } from 'node:crypto';
import type { ParseResult } from './adapter';
import type { CanonicalStreamEvent, CanonicalUsage, FinishReason, ToolCall } from './canonical';
import { classifyHttpError, type ErrorInput, kindFromErrorType, streamError } from './classify-error';
import { mapGeminiFinishReason } from './map-finish-reason';
import { durationToMs } from './provider-error';
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

export function normaliseGeminiUsage(value: unknown): CanonicalUsage | undefined {
  const u = obj(value);
  if (!u) return undefined;
  const thoughts = count(u['thoughtsTokenCount']);
  return {
    inputTokens: addCounts(count(u['promptTokenCount']), count(u['toolUsePromptTokenCount'])),
    outputTokens: addCounts(count(u['candidatesTokenCount']), thoughts),
    cachedInputTokens: count(u['cachedContentTokenCount']),
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

/** Stable id for the n-th function call of a response. */
export function geminiCallId(responseId: string, index: number, name: string): string {
  return `call_${createHash('sha256').update(`${responseId}:${index}:${name}`).digest('hex').slice(0, 24)}`;
}

type PartOut = { text: string } | { reasoning: string } | { call: { name: string; args: string } };

function readParts(candidate: Json | undefined): PartOut[] {
  const out: PartOut[] = [];
  for (const raw of arr(obj(candidate?.['content'])?.['parts'])) {
    const p = obj(raw);
    if (!p) continue;
    const fc = obj(p['functionCall']);
    if (fc) out.push({ call: { name: str(fc['name']) ?? '', args: JSON.stringify(fc['args'] ?? {}) } });
    else if (typeof p['text'] === 'string')
      out.push(p['thought'] === true ? { reasoning: p['text'] } : { text: p['text'] });
  }
  return out;
}

function blockedReason(root: Json): string | undefined {
  return str(obj(root['promptFeedback'])?.['blockReason']);
}

export function parseGeminiResponse(json: unknown, ctx: RequestContext): ParseResult {
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
  const e = obj(root['error']);
  if (e)
    return {
      ok: false,
      error: streamError(ctx.provider, {
        type: str(e['status']),
        code: num(e['code']) || undefined,
        message: str(e['message']),
      }),
    };
  const candidate = obj(arr(root['candidates'])[0]);
  const responseId = str(root['responseId']) ?? '';
  let text = '';
  let reasoning = '';
  const toolCalls: ToolCall[] = [];
  for (const part of readParts(candidate)) {
    if ('text' in part) text += part.text;
    else if ('reasoning' in part) reasoning += part.reasoning;
    else {
      const id = geminiCallId(responseId, toolCalls.length, part.call.name);
      toolCalls.push({ id, type: 'function', function: { name: part.call.name, arguments: part.call.args } });
    }
  }
  let finishReason: FinishReason;
  if (!candidate && blockedReason(root)) finishReason = 'content_filter';
  else if (!candidate) {
    return {
      ok: false,
      error: {
        kind: 'upstream',
        status: null,
        retryable: true,
        provider: ctx.provider,
        message: 'upstream response has no candidates',
      },
    };
  } else finishReason = mapGeminiFinishReason(str(candidate['finishReason']), toolCalls.length > 0);
  const usage = usageOrEstimate(normaliseGeminiUsage(root['usageMetadata']), ctx, text);
  const result: ParseResult = {
    ok: true,
    response: {
      id: responseId || `${ctx.provider}-response`,
      model: str(root['modelVersion']) || ctx.model,
      message: {
        role: 'assistant',
        content: text === '' && (toolCalls.length > 0 || finishReason === 'content_filter') ? null : text,
      },
      finishReason,
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

export function createGeminiStreamParser(ctx: RequestContext): StreamParser {
  const state = new StreamState(ctx);
  let calls = 0;
  let rawFinish: string | undefined;
  let responseId = '';

  const chunk = (root: Json): CanonicalStreamEvent[] => {
    const e = obj(root['error']);
    if (e)
      return state.fail(
        streamError(ctx.provider, {
          type: str(e['status']),
          code: num(e['code']) || undefined,
          message: str(e['message']),
        }),
      );
    const out: CanonicalStreamEvent[] = [];
    responseId = str(root['responseId']) ?? responseId;
    out.push(...state.start(responseId, str(root['modelVersion'])));
    const usage = normaliseGeminiUsage(root['usageMetadata']);
    if (usage) state.usage = usage;
    const candidate = obj(arr(root['candidates'])[0]);
    for (const part of readParts(candidate)) {
      if ('text' in part) out.push(...state.text(part.text));
      else if ('reasoning' in part) out.push(...state.text(part.reasoning, 'reasoning'));
      else {
        const index = calls++;
        // A Gemini function call always arrives whole, in one chunk.
        out.push(
          ...state.toolCall(index, {
            id: geminiCallId(responseId, index, part.call.name),
            name: part.call.name,
            arguments: part.call.args,
          }),
        );
      }
    }
    const finish = str(candidate?.['finishReason']) ?? (blockedReason(root) ? 'SAFETY' : undefined);
    if (finish) rawFinish = finish;
    return out;
  };

  return {
    get done() {
      return state.done;
    },
    abort: (error) => state.fail(error),
    feed(ev: SseEvent) {
      if (state.done) return [];
      const json = obj(tryParseJson(ev.data));
      if (!json) return state.malformed(ev.data);
      return chunk(json);
    },
    end() {
      if (state.done) return [];
      if (rawFinish === undefined) return state.cut('a chunk with finishReason');
      state.finishReason = mapGeminiFinishReason(rawFinish, calls > 0);
      return state.terminal();
    },
  };
}

/** `{"error":{code,message,status,details[]}}` (google.rpc.Status). */
export function parseGeminiError(input: ErrorInput) {
  const root = obj(tryParseJson(input.bodyText));
  const e = obj(root?.['error']);
  const status = str(e?.['status']);
  const details = arr(e?.['details']).map(obj);
  const badKey = details.some(
    (d) => d?.['reason'] === 'API_KEY_INVALID' || d?.['reason'] === 'API_KEY_EXPIRED',
  );
  const retryInfo = details.find((d) => str(d?.['@type'])?.endsWith('google.rpc.RetryInfo'));
  const verdict = kindFromErrorType(status);
  return classifyHttpError(input, {
    message: str(e?.['message']) ?? (root ? undefined : input.bodyText),
    code: status,
    retryAfterMs: durationToMs(retryInfo?.['retryDelay']),
    kind: badKey ? 'auth' : verdict && verdict.kind !== 'bad_request' ? verdict.kind : undefined,
  });
}
