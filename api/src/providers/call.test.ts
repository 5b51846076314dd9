import { describe, expect, it } from 'vitest';
import { type CallChatOptions, callChat, type FetchLike, type UpstreamResponse } from './call';
import type { CanonicalStreamEvent } from './canonical';
import { readFixture } from './fixture-files';
import { SAMPLE_REQUESTS, summariseEvents, testTarget } from './test-support';

const KEY = 'sk-test-SECRET-0123456789abcdef';

/** A Response-like object whose body yields the given chunks, then ends (or hangs when `hang`). */
function response(
  status: number,
  chunks: (string | Uint8Array)[],
  headers: Record<string, string> = {},
  hang = false,
): UpstreamResponse {
  const enc = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const c of chunks) controller.enqueue(typeof c === 'string' ? enc.encode(c) : c);
      if (!hang) controller.close();
    },
  });
  return { status, headers: new Headers(headers), body };
}

type Seen = { url: string; headers: Record<string, string>; body: unknown; signal: AbortSignal };

function fakeFetch(answer: (seen: Seen) => Promise<UpstreamResponse> | UpstreamResponse) {
  const calls: Seen[] = [];
  const fetch: FetchLike = async (url, init) => {
    const seen = { url, headers: init.headers, body: JSON.parse(init.body), signal: init.signal };
    calls.push(seen);
    return answer(seen);
  };
  return { fetch, calls };
}

/** Resolves when the request is aborted, rejecting like fetch does. */
const untilAborted = (s: Seen) =>
  new Promise<UpstreamResponse>((_, reject) =>
    s.signal.addEventListener('abort', () =>
      reject(new DOMException('This operation was aborted', 'AbortError')),
    ),
  );

function opts(protocol: 'openai' | 'anthropic', over: Partial<CallChatOptions>): CallChatOptions {
  const t = testTarget(protocol);
  return {
    provider: t.provider,
    endpoint: t.endpoint,
    request: SAMPLE_REQUESTS.systemPrompt,
    apiKey: KEY,
    ...over,
  };
}

async function collect(events: AsyncIterable<CanonicalStreamEvent>): Promise<CanonicalStreamEvent[]> {
  const out: CanonicalStreamEvent[] = [];
  for await (const e of events) out.push(e);
  return out;
}

const SSE = { 'content-type': 'text/event-stream' };
const JSON_CT = { 'content-type': 'application/json' };

describe('callChat', () => {
  it("puts the key in the provider's auth header only", async () => {
    const f = fakeFetch(() => response(200, [readFixture('anthropic/messages-nonstream.json')], JSON_CT));
    const r = await callChat(opts('anthropic', { fetch: f.fetch }));
    expect(r.ok).toBe(true);
    expect(f.calls[0]!.headers).toMatchInlineSnapshot(`
      {
        "accept": "application/json",
        "anthropic-version": "2023-06-01",
        "content-type": "application/json",
        "x-api-key": "sk-test-SECRET-0123456789abcdef",
      }
    `);
    expect(JSON.stringify(f.calls[0]!.body)).not.toContain(KEY);
  });

  it('returns a non-2xx answer as an error value with the echoed key scrubbed', async () => {
    const body = `{"error":{"message":"Incorrect API key provided: ${KEY}.","type":"invalid_request_error","code":"invalid_api_key"}}`;
    const f = fakeFetch(() => response(401, [body], JSON_CT));
    const r = await callChat(opts('openai', { fetch: f.fetch }));
    expect(r).toMatchInlineSnapshot(`
      {
        "error": {
          "code": "invalid_api_key",
          "kind": "auth",
          "message": "Incorrect API key provided: [redacted].",
          "provider": "openai",
          "retryable": false,
          "status": 401,
        },
        "ok": false,
      }
    `);
  });

  it('returns a connection failure before the first byte as a network error value without the key', async () => {
    const f = fakeFetch(() => {
      throw new TypeError('fetch failed', {
        cause: Object.assign(new Error(`connect ECONNREFUSED (key ${KEY})`), { code: 'ECONNREFUSED' }),
      });
    });
    const r = await callChat(opts('openai', { fetch: f.fetch }));
    expect(r.ok ? null : r.error).toMatchInlineSnapshot(`
      {
        "kind": "network",
        "message": "could not connect to the provider (connection refused)",
        "provider": "openai",
        "retryable": true,
        "status": null,
      }
    `);
  });

  it('sends once more on a fresh connection after a reset before any response byte, and only once', async () => {
    const reset = () =>
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      });
    const fresh: (boolean | undefined)[] = [];
    let resets = 1;
    const once: FetchLike = async (_url, init) => {
      fresh.push(init.fresh);
      if (resets-- > 0) throw reset();
      return response(200, [readFixture('openai/chat-nonstream.json')], JSON_CT);
    };
    expect((await callChat(opts('openai', { fetch: once }))).ok).toBe(true);
    expect(fresh).toEqual([undefined, true]);
    const always: FetchLike = async (_url, init) => {
      fresh.push(init.fresh);
      throw reset();
    };
    fresh.length = 0;
    const r = await callChat(opts('openai', { fetch: always }));
    expect([r.ok ? null : r.error.kind, fresh]).toEqual(['network', [undefined, true]]);
  });

  it('scrubs the key from an error event inside a 200 stream', async () => {
    const f = fakeFetch(() =>
      response(200, [`data: {"error":{"message":"bad key ${KEY}","type":"server_error"}}\n\n`], SSE),
    );
    const r = await callChat(opts('openai', { fetch: f.fetch, stream: true }));
    if (!r.ok || !r.stream) throw new Error('expected a stream');
    const last = (await collect(r.events)).at(-1);
    expect(last?.type === 'error' && last.error.message).toBe('bad key [redacted]');
  });

  it('times out waiting for response headers', async () => {
    const f = fakeFetch(untilAborted);
    const r = await callChat(opts('openai', { fetch: f.fetch, timeouts: { firstByteMs: 30 } }));
    expect(r.ok ? null : r.error).toMatchInlineSnapshot(`
      {
        "kind": "timeout",
        "message": "no response headers within 30 ms",
        "provider": "openai",
        "retryable": true,
        "status": null,
      }
    `);
  });

  it('surfaces an idle stream as a timeout error event after the text so far', async () => {
    const f = fakeFetch(() =>
      response(
        200,
        ['data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"Hel"}}]}\n\n'],
        SSE,
        true,
      ),
    );
    const r = await callChat(opts('openai', { fetch: f.fetch, stream: true, timeouts: { idleMs: 40 } }));
    if (!r.ok || !r.stream) throw new Error('expected a stream');
    expect(summariseEvents(await collect(r.events))).toMatchInlineSnapshot(`
      {
        "error": "timeout retryable=true: no data from upstream for 40 ms",
        "sequence": "start text error",
        "start": "c m",
        "text": "Hel",
      }
    `);
    expect(f.calls[0]!.signal.aborted).toBe(true);
  });

  it('enforces the total deadline on a slow stream', async () => {
    const f = fakeFetch(() => response(200, ['data: {"id":"c","model":"m","choices":[]}\n\n'], SSE, true));
    const r = await callChat(opts('openai', { fetch: f.fetch, stream: true, timeouts: { totalMs: 40 } }));
    if (!r.ok || !r.stream) throw new Error('expected a stream');
    const last = (await collect(r.events)).at(-1);
    expect(last?.type === 'error' && last.error.message).toBe('upstream call exceeded 40 ms in total');
  });

  it('a stream cut before [DONE] ends with an error event, never a clean finish', async () => {
    const sse = readFixture('openai/chat-stream-include-usage.sse');
    const f = fakeFetch(() => response(200, [sse.slice(0, sse.indexOf('data: [DONE]'))], SSE));
    const r = await callChat(opts('openai', { fetch: f.fetch, stream: true }));
    if (!r.ok || !r.stream) throw new Error('expected a stream');
    const events = await collect(r.events);
    expect(events.map((e) => e.type).slice(-2)).toEqual(['usage', 'error']);
    expect(events.some((e) => e.type === 'finish')).toBe(false);
  });

  it('cancels the upstream request when the caller aborts mid-stream', async () => {
    const caller = new AbortController();
    const f = fakeFetch(() =>
      response(
        200,
        ['data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"a"}}]}\n\n'],
        SSE,
        true,
      ),
    );
    const r = await callChat(opts('openai', { fetch: f.fetch, stream: true, signal: caller.signal }));
    if (!r.ok || !r.stream) throw new Error('expected a stream');
    const seen: string[] = [];
    for await (const e of r.events) {
      seen.push(e.type === 'error' ? `error:${e.error.message}` : e.type);
      if (e.type === 'text') caller.abort();
    }
    expect(seen).toEqual(['start', 'text', 'error:request cancelled by the caller']);
    expect(f.calls[0]!.signal.aborted).toBe(true);
  });

  it('ends a body read in progress when the caller aborts, as client_closed', async () => {
    const caller = new AbortController();
    const f = fakeFetch(() =>
      response(
        200,
        ['data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"a"}}]}\n\n'],
        SSE,
        true,
      ),
    );
    const r = await callChat(opts('openai', { fetch: f.fetch, stream: true, signal: caller.signal }));
    if (!r.ok || !r.stream) throw new Error('expected a stream');
    const it = r.events[Symbol.asyncIterator]();
    expect((await it.next()).value).toMatchObject({ type: 'start' });
    expect((await it.next()).value).toMatchObject({ type: 'text' });
    const blocked = it.next(); // waits on a body that sends nothing more
    caller.abort();
    expect((await blocked).value).toMatchObject({ type: 'error', error: { kind: 'client_closed' } });
    expect(f.calls[0]!.signal.aborted).toBe(true);
  });

  it('cancels the upstream request when the consumer stops reading early', async () => {
    const f = fakeFetch(() => response(200, [readFixture('openai/chat-stream-no-usage.sse')], SSE, true));
    const r = await callChat(opts('openai', { fetch: f.fetch, stream: true }));
    if (!r.ok || !r.stream) throw new Error('expected a stream');
    for await (const e of r.events) if (e.type === 'text') break;
    expect(f.calls[0]!.signal.aborted).toBe(true);
  });

  it('caps the response size', async () => {
    const big = 'x'.repeat(2048);
    const plain = fakeFetch(() => response(200, [big], JSON_CT));
    const r = await callChat(opts('openai', { fetch: plain.fetch, maxResponseBytes: 1024 }));
    expect(r.ok ? null : r.error.message).toBe('upstream response exceeded 1024 bytes');
    const streamed = fakeFetch(() => response(200, [`: ${big}\n\n`], SSE));
    const s = await callChat(opts('openai', { fetch: streamed.fetch, stream: true, maxResponseBytes: 1024 }));
    if (!s.ok || !s.stream) throw new Error('expected a stream');
    const last = (await collect(s.events)).at(-1);
    expect(last?.type === 'error' && last.error.kind).toBe('upstream');
  });

  it('returns malformed JSON as a retryable upstream error value', async () => {
    const f = fakeFetch(() => response(200, ['{"choices": ['], JSON_CT));
    const r = await callChat(opts('openai', { fetch: f.fetch }));
    expect(r.ok ? null : [r.error.kind, r.error.retryable]).toEqual(['upstream', true]);
  });

  it('replays a JSON answer to a stream request as events', async () => {
    const f = fakeFetch(() => response(200, [readFixture('openai/chat-tool-call.json')], JSON_CT));
    const r = await callChat(opts('openai', { fetch: f.fetch, stream: true }));
    if (!r.ok || !r.stream) throw new Error('expected a stream');
    expect(summariseEvents(await collect(r.events)).sequence).toBe('start tool_call usage finish');
  });

  it('returns a build error value without calling the upstream', async () => {
    const f = fakeFetch(() => response(200, ['{}'], JSON_CT));
    const r = await callChat(
      opts('anthropic', { fetch: f.fetch, request: { ...SAMPLE_REQUESTS.systemPrompt, temperature: 1.5 } }),
    );
    expect([r.ok, f.calls.length]).toEqual([false, 0]);
  });

  it('honours a caller signal that is already aborted', async () => {
    const f = fakeFetch(() => response(200, ['{}'], JSON_CT));
    const r = await callChat(opts('openai', { fetch: f.fetch, signal: AbortSignal.abort() }));
    expect([r.ok ? null : r.error.kind, f.calls.length]).toEqual(['client_closed', 0]);
  });

  it('keeps the warnings of the build on the response', async () => {
    const f = fakeFetch(() => response(200, [readFixture('anthropic/messages-nonstream.json')], JSON_CT));
    const r = await callChat(opts('anthropic', { fetch: f.fetch, request: SAMPLE_REQUESTS.jsonSchema }));
    expect(r.ok && !r.stream ? r.response.warnings.map((w) => w.param) : null).toEqual([
      'seed',
      'response_format',
    ]);
  });
});
