/**
 * call.ts end to end: real undici fetch, real sockets, each protocol's fake upstream replaying recordings.
 * Providers are configured like catalog rows with a base-URL override pointing at the fake (a bare origin,
 * which keeps the catalog's path).
 */
import {
  type CallChatOptions,
  type CallChatResult,
  callChat,
  closeUpstreamDispatchers,
} from '@lowrouter/api/providers/call';
import type { CanonicalRequest, CanonicalStreamEvent } from '@lowrouter/api/providers/canonical';
import type { WireProtocol } from '@lowrouter/shared';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './server';

const PROVIDERS = {
  openai: {
    id: 'openai',
    protocol: 'openai',
    baseUrl: 'https://api.openai.com/v1',
    chatPath: '/chat/completions',
    auth: 'bearer',
  },
  anthropic: {
    id: 'anthropic',
    protocol: 'anthropic',
    baseUrl: 'https://api.anthropic.com',
    chatPath: '/v1/messages',
    auth: 'x-api-key',
  },
  mistral: {
    id: 'mistral',
    protocol: 'mistral',
    baseUrl: 'https://api.mistral.ai/v1',
    chatPath: '/chat/completions',
    auth: 'bearer',
  },
  gemini: {
    id: 'google',
    protocol: 'gemini',
    baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
    chatPath: '/models/{model}:generateContent',
    streamChatPath: '/models/{model}:streamGenerateContent?alt=sse',
    auth: 'x-goog-api-key',
    modelInBody: false,
  },
} as const satisfies Record<WireProtocol, CallChatOptions['provider']>;

const REQUEST: CanonicalRequest = {
  model: 'client-model',
  messages: [
    { role: 'system', content: 'Answer in one word.' },
    { role: 'user', content: 'Say hello.' },
  ],
};

const fakes = {} as Record<WireProtocol, FakeUpstream>;
beforeAll(async () => {
  for (const p of Object.keys(PROVIDERS) as WireProtocol[])
    fakes[p] = await startFakeUpstream({ protocol: p });
});
afterAll(async () => {
  await closeUpstreamDispatchers();
  await Promise.all(Object.values(fakes).map((f) => f.close()));
});
beforeEach(() => {
  for (const f of Object.values(fakes)) {
    f.reset();
    f.setScenario({});
  }
});

function call(protocol: WireProtocol, over: Partial<CallChatOptions> = {}): Promise<CallChatResult> {
  return callChat({
    provider: PROVIDERS[protocol],
    endpoint: { upstreamModel: protocol === 'gemini' ? 'gemini-2.5-flash' : 'upstream-model' },
    request: REQUEST,
    apiKey: 'test-key-0123456789',
    baseUrl: fakes[protocol].url,
    ...over,
  });
}

async function events(r: CallChatResult): Promise<CanonicalStreamEvent[]> {
  if (!r.ok || !r.stream) throw new Error(`expected a stream, got ${JSON.stringify(r)}`);
  const out: CanonicalStreamEvent[] = [];
  for await (const e of r.events) out.push(e);
  return out;
}

const brief = (evs: CanonicalStreamEvent[]) =>
  evs.map((e) =>
    e.type === 'text'
      ? `text:${e.text}`
      : e.type === 'error'
        ? `error:${e.error.kind}`
        : e.type === 'finish'
          ? `finish:${e.finishReason}`
          : e.type,
  );

describe('call.ts against the fake upstreams', () => {
  it('round-trips every protocol, streamed and not', async () => {
    const out: Record<string, unknown> = {};
    for (const protocol of Object.keys(PROVIDERS) as WireProtocol[]) {
      const plain = await call(protocol);
      const streamed = await events(await call(protocol, { stream: true }));
      out[protocol] = {
        plain:
          plain.ok && !plain.stream
            ? `${plain.response.message.content} ${plain.response.finishReason} in=${plain.response.usage.inputTokens}`
            : plain,
        streamed: brief(streamed).join(' '),
        seen: fakes[protocol].requests.map((r) => {
          const auth = r.headers['authorization'] ?? r.headers['x-api-key'] ?? r.headers['x-goog-api-key'];
          return `${r.url} auth=${String(auth).replace('test-key-0123456789', 'KEY')} fixture=${r.fixture}`;
        }),
      };
    }
    expect(out).toMatchInlineSnapshot(`
      {
        "anthropic": {
          "plain": "hello stop in=60",
          "seen": [
            "/v1/messages auth=KEY fixture=anthropic/messages-nonstream.json",
            "/v1/messages auth=KEY fixture=anthropic/messages-stream.sse",
          ],
          "streamed": "start text:Hello usage finish:stop",
        },
        "gemini": {
          "plain": "hello stop in=54",
          "seen": [
            "/v1beta/models/gemini-2.5-flash:generateContent auth=KEY fixture=gemini/generate-content.json",
            "/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse auth=KEY fixture=gemini/stream-generate-content.sse",
          ],
          "streamed": "start text:The text: capital of France text: is Paris.
       usage finish:stop",
        },
        "mistral": {
          "plain": "hello stop in=54",
          "seen": [
            "/v1/chat/completions auth=Bearer KEY fixture=mistral/chat-nonstream.json",
            "/v1/chat/completions auth=Bearer KEY fixture=mistral/chat-stream-short.sse",
          ],
          "streamed": "start text:hell text:o usage finish:stop",
        },
        "openai": {
          "plain": "hello stop in=58",
          "seen": [
            "/v1/chat/completions auth=Bearer KEY fixture=openai/chat-nonstream-system-prompt.json",
            "/v1/chat/completions auth=Bearer KEY fixture=openai/chat-stream-include-usage.sse",
          ],
          "streamed": "start text:The text: capital text: of text: the text: UK text: is text: London text:. usage finish:stop",
        },
      }
    `);
  });

  it('reuses one keep-alive connection for consecutive calls to the same origin, streamed or not', async () => {
    const before = fakes.openai.connections;
    for (let i = 0; i < 3; i++) await call('openai');
    for (let i = 0; i < 3; i++) await events(await call('openai', { stream: true }));
    expect(fakes.openai.connections - before).toBeLessThanOrEqual(1);
  });

  it('returns a 429 with retry-after as a retryable rate_limited value', async () => {
    fakes.openai.enqueue('rate-limited');
    const r = await call('openai');
    expect(r.ok ? null : [r.error.kind, r.error.status, r.error.retryable, r.error.retryAfterMs]).toEqual([
      'rate_limited',
      429,
      true,
      1000,
    ]);
  });

  it('returns Anthropic 529 as a retryable overloaded value', async () => {
    fakes.anthropic.enqueue('overloaded');
    const r = await call('anthropic', { stream: true });
    expect(r.ok ? null : [r.error.kind, r.error.status, r.error.retryable]).toEqual([
      'overloaded',
      529,
      true,
    ]);
  });

  it('a stream cut mid-answer surfaces as an error, never a clean finish', async () => {
    for (const protocol of Object.keys(PROVIDERS) as WireProtocol[]) {
      for (const scenario of ['cut-mid-stream', 'truncated-stream']) {
        fakes[protocol].enqueue(scenario);
        const evs = await events(await call(protocol, { stream: true }));
        expect(evs.at(-1)?.type, `${protocol} ${scenario}`).toBe('error');
        expect(evs.some((e) => e.type === 'finish')).toBe(false);
      }
    }
  });

  it('times out on slow headers before the first byte', async () => {
    fakes.mistral.enqueue('latency=500');
    const r = await call('mistral', { timeouts: { firstByteMs: 50 } });
    expect(r.ok ? null : [r.error.kind, r.error.message]).toEqual([
      'timeout',
      'no response headers within 50 ms',
    ]);
  });

  it('times out between chunks and cancels the upstream', async () => {
    fakes.anthropic.enqueue('chunk-delay=400');
    const evs = await events(await call('anthropic', { stream: true, timeouts: { idleMs: 80 } }));
    expect(brief(evs).at(-1)).toBe('error:timeout');
  });

  it('cancels the upstream request when the client goes away', async () => {
    fakes.openai.enqueue('chunk-delay=50,chunks=20');
    const client = new AbortController();
    const r = await call('openai', { stream: true, signal: client.signal });
    const seen: string[] = [];
    for await (const e of r.ok && r.stream ? r.events : []) {
      seen.push(e.type);
      if (e.type === 'text') client.abort();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect([seen.at(-1), fakes.openai.requests[0]?.aborted]).toEqual(['error', true]);
  });

  it('estimates usage, flagged, when the upstream sends none', async () => {
    fakes.gemini.enqueue('missing-usage');
    const evs = await events(await call('gemini', { stream: true }));
    const usage = evs.find((e) => e.type === 'usage');
    expect(usage?.type === 'usage' && usage.usage.estimated).toBe(true);
    expect(evs.at(-1)?.type).toBe('finish');
  });

  it('ends a stream with a malformed event in an upstream error', async () => {
    fakes.mistral.enqueue('malformed-sse');
    expect(brief(await events(await call('mistral', { stream: true }))).at(-1)).toBe('error:upstream');
  });

  it('serves the synthetic answer with usage through the OpenAI adapter', async () => {
    fakes.openai.enqueue('synthetic,words=4');
    const evs = await events(await call('openai', { stream: true }));
    expect(brief(evs)).toEqual([
      'start',
      'text:LowRouter',
      'text: synthetic',
      'text: answer',
      'text: from',
      'usage',
      'finish:stop',
    ]);
    const usage = evs.find((e) => e.type === 'usage');
    expect(usage?.type === 'usage' && [usage.usage.outputTokens, usage.usage.estimated]).toEqual([
      4,
      undefined,
    ]);
  });
});
