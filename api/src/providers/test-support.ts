/**
 * Test support shared by the adapter tests: representative canonical requests, a target factory,
 * replaying a recorded body through a parser, and a compact summary of canonical output for snapshots.
 * Only tests import this file.
 */
import type { WireProtocol } from '@lowrouter/shared';
import type { ProtocolAdapter } from './adapter';
import type { CanonicalRequest, CanonicalResponse, CanonicalStreamEvent, Warning } from './canonical';
import type { ProviderError } from './provider-error';
import { readFixture } from './fixture-files';
import { parseSse } from './sse';
import type { RequestContext, Target } from './target';

export function testContext(over: Partial<RequestContext> = {}): RequestContext {
  return {
    provider: 'test',
    model: 'test-model',
    stream: false,
    clientRequestedUsage: false,
    estimatedInputTokens: 10,
    ...over,
  };
}

export function testTarget(
  protocol: WireProtocol,
  over: Partial<Target['provider']> = {},
  model = 'model-x',
): Target {
  const baseUrl = {
    openai: 'https://api.openai.com/v1',
    anthropic: 'https://api.anthropic.com',
    mistral: 'https://api.mistral.ai/v1',
    gemini: 'https://generativelanguage.googleapis.com/v1beta',
  }[protocol];
  const auth = {
    openai: 'bearer',
    anthropic: 'x-api-key',
    mistral: 'bearer',
    gemini: 'x-goog-api-key',
  } as const;
  return {
    provider: { id: protocol, protocol, baseUrl, auth: auth[protocol], modelInBody: true, ...over },
    endpoint: { upstreamModel: model },
    maxOutputTokens: 8192,
  };
}

/** Replays a recorded `.sse` body through a fresh stream parser (including end of body). */
export function replayStream(
  adapter: ProtocolAdapter,
  fixture: string,
  ctx = testContext({ stream: true }),
): CanonicalStreamEvent[] {
  const parser = adapter.createStreamParser(ctx);
  const out: CanonicalStreamEvent[] = [];
  for (const ev of parseSse(readFixture(fixture))) out.push(...parser.feed(ev));
  out.push(...parser.end());
  return out;
}

const clip = (s: string, n = 60) => (s.length > n ? `${s.slice(0, n)}…(${s.length})` : s);

/** Canonical events folded into what a client would end up with, plus the event-type sequence. */
export function summariseEvents(events: readonly CanonicalStreamEvent[]) {
  const tools: { id?: string; name?: string; arguments: string }[] = [];
  let text = '';
  let reasoning = '';
  const s: Record<string, unknown> = {};
  const sequence: string[] = [];
  for (const e of events) {
    if (sequence.at(-1) !== e.type) sequence.push(e.type);
    if (e.type === 'start') s['start'] = `${e.id} ${e.model}`;
    else if (e.type === 'text') text += e.text;
    else if (e.type === 'reasoning') reasoning += e.text;
    else if (e.type === 'tool_call') {
      tools[e.index] = tools[e.index] ?? { arguments: '' };
      const t = tools[e.index]!;
      if (e.id) t.id = e.id;
      if (e.name) t.name = e.name;
      t.arguments += e.arguments;
    } else if (e.type === 'usage') s['usage'] = e.usage;
    else if (e.type === 'finish') s['finish'] = e.finishReason;
    else if (e.type === 'error')
      s['error'] = `${e.error.kind} retryable=${e.error.retryable}: ${e.error.message}`;
  }
  if (text) s['text'] = clip(text);
  if (reasoning) s['reasoning'] = clip(reasoning);
  if (tools.length) s['toolCalls'] = tools;
  return { sequence: sequence.join(' '), ...s };
}

/** A canonical response with long texts clipped. */
export function summariseResponse(r: CanonicalResponse) {
  const m = { ...r.message };
  if (m.content) m.content = clip(m.content);
  if (m.reasoning) m.reasoning = clip(m.reasoning);
  return { ...r, message: m };
}

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      $schema: 'http://json-schema.org/draft-07/schema#',
      type: 'object',
      properties: { city: { type: 'string' } },
      required: ['city'],
      additionalProperties: false,
    },
  },
};

/** Representative canonical requests every request builder is snapshotted against. */
export const SAMPLE_REQUESTS = {
  systemPrompt: {
    model: 'client-model',
    messages: [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Say hello.' },
    ],
    temperature: 0.2,
    max_tokens: 64,
  },
  toolsTwoResultsOneTurn: {
    model: 'client-model',
    messages: [
      { role: 'developer', content: 'Use tools when useful.' },
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_Paris0001',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
          },
          {
            id: 'toolu_01Rome',
            type: 'function',
            function: { name: 'get_weather', arguments: '{"city":"Rome"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_Paris0001', content: '{"temp_c":18}' },
      { role: 'tool', tool_call_id: 'toolu_01Rome', content: 'sunny, 24 C' },
      { role: 'user', content: 'Which is warmer?' },
    ],
    tools: [weatherTool],
    tool_choice: 'required',
    parallel_tool_calls: false,
  },
  images: {
    model: 'client-model',
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in these images?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
          { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
        ],
      },
    ],
  },
  jsonSchema: {
    model: 'client-model',
    messages: [{ role: 'user', content: 'Capital of France as JSON.' }],
    response_format: {
      type: 'json_schema',
      json_schema: {
        name: 'capital',
        strict: true,
        schema: {
          type: 'object',
          properties: { city: { type: 'string' }, country: { const: 'France' } },
          required: ['city', 'country'],
          additionalProperties: false,
        },
      },
    },
    seed: 7,
  },
  stopSequencesStreamed: {
    model: 'client-model',
    messages: [{ role: 'user', content: 'Count to ten.' }],
    stop: ['five', 'FIVE'],
    stream: true,
    user: 'user-42',
  },
} satisfies Record<string, CanonicalRequest>;

/** What goes on the wire for a request, or the build's error value. */
export interface WireView {
  error?: ProviderError;
  url?: string;
  headers?: Record<string, string>;
  authHeader?: string | null;
  body?: Record<string, unknown>;
  warnings?: Warning[];
}

/** Builds a sample request and keeps what goes on the wire (or the error value). */
export function wire(adapter: ProtocolAdapter, request: CanonicalRequest, target: Target): WireView {
  const r = adapter.buildRequest(request, target);
  if (!r.ok) return { error: r.error };
  const { url, headers, authHeader, body, warnings } = r.request;
  return { url, headers, authHeader, body, ...(warnings.length ? { warnings } : {}) };
}
