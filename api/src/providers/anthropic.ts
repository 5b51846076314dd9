/**
 * Anthropic Messages adapter: request building (this file) and response/stream/error parsing
 * (anthropic-parse.ts). Also serves Claude on Vertex (`:rawPredict`, `anthropic_version` in bodyDefaults,
 * model in the URL) and Bedrock InvokeModel (non-stream only; its stream is AWS event-stream, not SSE).
 *
 * Mapping decisions (PROTOCOLS.md §4.1):
 * - system/developer messages are hoisted into `system`, joined with a blank line, in order;
 * - `max_tokens` is required: the client's value, else the model's output limit, else 4096;
 * - `temperature` must be 0–1: a larger value is a 400 error value naming `temperature`, never clamped;
 * - `seed`, penalties and `response_format` have no equivalent: dropped WITH a warning;
 * - consecutive `tool` messages become ONE user message of `tool_result` blocks (results first, then any
 *   following user text); consecutive same-role turns are merged;
 * - images: `data:` URLs → base64 source, http(s) URLs → url source.
 */
import type { ProtocolAdapter } from './adapter';
import { type CanonicalRequest, requestedMaxTokens, stopSequences, textOf, type Warning } from './canonical';
import { createAnthropicStreamParser, parseAnthropicError, parseAnthropicResponse } from './anthropic-parse';
import { providerError } from './provider-error';
import { authHeaderFor, type BuildResult, baseContext, buildUrl, finishBody, type Target } from './target';

export const ANTHROPIC_VERSION = '2023-06-01';
const DEFAULT_MAX_TOKENS = 4096;

type Block = Record<string, unknown>;
type Turn = { role: 'user' | 'assistant'; content: Block[] };
type Fail = { param: string; message: string };

/** `data:<mime>;base64,<data>` or http(s) URL → an Anthropic image block. */
export function imageBlock(url: string): Block | undefined {
  const data = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (data) return { type: 'image', source: { type: 'base64', media_type: data[1], data: data[2] } };
  if (/^https?:\/\//i.test(url)) return { type: 'image', source: { type: 'url', url } };
  return undefined;
}

/** Tool-call arguments (JSON text) → the object Anthropic wants as `input`. Empty text means no arguments. */
export function parseToolInput(args: string): Record<string, unknown> | undefined {
  if (args.trim() === '') return {};
  try {
    const v: unknown = JSON.parse(args);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

function convertMessages(req: CanonicalRequest): { turns: Turn[] } | Fail {
  const turns: Turn[] = [];
  const push = (role: Turn['role'], blocks: Block[]) => {
    if (blocks.length === 0) return;
    const last = turns.at(-1);
    if (last && last.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const [i, m] of req.messages.entries()) {
    if (m.role === 'system' || m.role === 'developer') continue;
    if (m.role === 'user') {
      if (typeof m.content === 'string') {
        push('user', m.content === '' ? [] : [{ type: 'text', text: m.content }]);
        continue;
      }
      const blocks: Block[] = [];
      for (const [j, part] of m.content.entries()) {
        if (part.type === 'text') {
          if (part.text !== '') blocks.push({ type: 'text', text: part.text });
          continue;
        }
        const img = imageBlock(part.image_url.url);
        if (!img)
          return {
            param: `messages[${i}].content[${j}].image_url.url`,
            message: 'image_url must be an http(s) or base64 data URL',
          };
        blocks.push(img);
      }
      push('user', blocks);
    } else if (m.role === 'assistant') {
      const blocks: Block[] = [];
      const text = textOf(m.content);
      if (text !== '') blocks.push({ type: 'text', text });
      for (const [j, tc] of (m.tool_calls ?? []).entries()) {
        const input = parseToolInput(tc.function.arguments);
        if (!input) {
          return {
            param: `messages[${i}].tool_calls[${j}].function.arguments`,
            message: 'tool call arguments must be a JSON object',
          };
        }
        blocks.push({ type: 'tool_use', id: tc.id, name: tc.function.name, input });
      }
      push('assistant', blocks);
    } else {
      const text = textOf(m.content);
      const block: Block = { type: 'tool_result', tool_use_id: m.tool_call_id };
      if (text !== '') block['content'] = text;
      push('user', [block]);
    }
  }
  // Anthropic wants a user turn's tool_result blocks before anything else in it.
  for (const t of turns) {
    if (t.role !== 'user') continue;
    const results = t.content.filter((b) => b['type'] === 'tool_result');
    if (results.length > 0) t.content = [...results, ...t.content.filter((b) => b['type'] !== 'tool_result')];
  }
  return { turns };
}

function toolChoice(req: CanonicalRequest): Block | undefined {
  if (!req.tools?.length) return undefined;
  const c = req.tool_choice;
  let choice: Block | undefined;
  if (c === 'none') return { type: 'none' };
  if (c === 'required') choice = { type: 'any' };
  else if (c === 'auto') choice = { type: 'auto' };
  else if (typeof c === 'object') choice = { type: 'tool', name: c.function.name };
  if (req.parallel_tool_calls === false)
    choice = { ...(choice ?? { type: 'auto' }), disable_parallel_tool_use: true };
  return choice;
}

function unsupportedWarnings(req: CanonicalRequest): Warning[] {
  const out: Warning[] = [];
  const warn = (param: string, why: string) =>
    out.push({
      code: 'unsupported_parameter',
      param,
      message: `${param} is not supported by Anthropic models and was ignored${why}`,
    });
  if (req.seed != null) warn('seed', '');
  if (req.presence_penalty != null) warn('presence_penalty', '');
  if (req.frequency_penalty != null) warn('frequency_penalty', '');
  if (req.response_format && req.response_format.type !== 'text') {
    warn('response_format', '; ask for JSON in the prompt instead');
  }
  return out;
}

export function buildAnthropicRequest(req: CanonicalRequest, target: Target): BuildResult {
  const context = baseContext(req, target);
  const fail = (f: Fail): BuildResult => ({
    ok: false,
    error: providerError({
      kind: 'bad_request',
      status: 400,
      retryable: false,
      provider: target.provider.id,
      ...f,
    }),
  });
  if (req.temperature != null && req.temperature > 1) {
    return fail({
      param: 'temperature',
      message: `temperature must be between 0 and 1 for Anthropic models (got ${req.temperature})`,
    });
  }
  const converted = convertMessages(req);
  if ('param' in converted) return fail(converted);
  if (converted.turns.length === 0)
    return fail({ param: 'messages', message: 'at least one user or assistant message is required' });

  const system = req.messages
    .filter((m) => m.role === 'system' || m.role === 'developer')
    .map((m) => textOf(m.content))
    .filter((t) => t !== '')
    .join('\n\n');
  const stop = stopSequences(req);
  const body: Record<string, unknown> = {
    model: target.endpoint.upstreamModel,
    max_tokens: requestedMaxTokens(req) ?? target.maxOutputTokens ?? DEFAULT_MAX_TOKENS,
    system: system || undefined,
    messages: converted.turns,
    temperature: req.temperature ?? undefined,
    top_p: req.top_p ?? undefined,
    stop_sequences: stop.length ? stop : undefined,
    tools: req.tools?.map((t) => ({
      name: t.function.name,
      description: t.function.description,
      input_schema: t.function.parameters ?? { type: 'object', properties: {} },
    })),
    tool_choice: toolChoice(req),
    metadata: req.user ? { user_id: req.user } : undefined,
    stream: context.stream ? true : undefined,
  };
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    accept: context.stream ? 'text/event-stream' : 'application/json',
  };
  // Vertex and Bedrock carry the version in the body (bodyDefaults) instead of the header.
  if (!target.provider.bodyDefaults || !('anthropic_version' in target.provider.bodyDefaults)) {
    headers['anthropic-version'] = ANTHROPIC_VERSION;
  }
  return {
    ok: true,
    request: {
      url: buildUrl(target, context.stream, { path: '/messages', versionPrefix: '/v1' }),
      method: 'POST',
      headers,
      authHeader: authHeaderFor(target.provider.auth),
      body: finishBody(target, body),
      context,
      warnings: unsupportedWarnings(req),
    },
  };
}

export const anthropicAdapter: ProtocolAdapter = {
  protocol: 'anthropic',
  buildRequest: buildAnthropicRequest,
  parseResponse: parseAnthropicResponse,
  createStreamParser: createAnthropicStreamParser,
  parseError: parseAnthropicError,
};
