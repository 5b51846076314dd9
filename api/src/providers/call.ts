/**
 * The ONLY place LowRouter talks to an upstream. It builds the wire request with the protocol adapter, adds
 * the key, fetches (undici, one keep-alive Agent per origin, or an injected `fetch`), enforces timeouts and
 * a response-size cap, decodes SSE, and returns:
 * - `{ ok: false, error }` for anything that fails BEFORE the first body byte is handed over (transport
 *   errors, timeouts, non-2xx statuses, unusable bodies) — errors are values, never thrown;
 * - `{ ok: true, response }` for a non-stream call;
 * - `{ ok: true, events }` for a stream: an async iterable of canonical events whose last event is
 *   `finish` (clean end, terminal marker seen) or `error` (cut, timeout, in-stream error, cancellation).
 *
 * Timeouts (ms): `connectMs` (TCP/TLS, default dispatcher only), `firstByteMs` (until response headers),
 * `idleMs` (between body chunks), `totalMs` (whole call, stream included). The caller's AbortSignal
 * cancels the upstream request (client went away), including a body read in progress; so does leaving
 * the `for await` early. The stream is pulled: one body chunk is read only when the consumer asks for
 * the next event, so a consumer that stops reading stops the upstream read (TCP backpressure) instead
 * of buffering the body here.
 *
 * Stale keep-alive sockets: idle pooled sockets are kept no longer than the upstream's `Keep-Alive`
 * hint allows (or `DEFAULT_KEEP_ALIVE_MS` without one), and a request that fails before any response
 * byte with a reset / broken pipe (what reusing a socket the upstream already dropped gives) is sent
 * once more on a fresh connection, so a dropped idle socket never fails a request.
 */
import type { WireProtocol } from '@lowrouter/shared';
import { Agent } from 'undici';
import type { ProtocolAdapter } from './adapter';
import { adapterFor } from './adapters';
import type { CanonicalRequest, CanonicalResponse, CanonicalStreamEvent, Warning } from './canonical';
import { type ProviderError, providerError, scrubSecrets } from './provider-error';
import { createSseDecoder } from './sse';
import { tryParseJson } from './stream-state';
import type { AuthHeader, RequestContext, Target } from './target';
import { isStaleSocketError, responseToEvents, transportError } from './call-errors';
import {
  type BodyReader,
  CallLink,
  type LinkTimeouts,
  type UpstreamBody,
  bodyReader,
  readAll,
} from './call-link';

/** Timeouts in ms: connect (default dispatcher only), first byte (response headers), idle between chunks, total. */
export type CallTimeouts = LinkTimeouts;

export const DEFAULT_TIMEOUTS: Readonly<CallTimeouts> = {
  connectMs: 10_000,
  firstByteMs: 120_000, // a non-stream answer only sends headers once generation is done
  idleMs: 60_000,
  totalMs: 600_000,
};

/** 32 MiB: far above any chat answer, low enough to stop a runaway body. */
export const DEFAULT_MAX_RESPONSE_BYTES = 32 * 1024 * 1024;

/**
 * The part of a fetch Response call.ts uses (undici's and the global Response both fit; the default
 * transport's body is undici's Node stream, read as an async iterable).
 */
export interface UpstreamResponse {
  status: number;
  headers: { get(name: string): string | null };
  body: UpstreamBody | null;
}

export type FetchLike = (
  url: string,
  init: {
    method: string;
    headers: Record<string, string>;
    body: string;
    signal: AbortSignal;
    /** Set on the one retry after a stale pooled socket: use a new connection, not the pool. */
    fresh?: boolean;
  },
) => Promise<UpstreamResponse>;

export interface CallChatOptions {
  provider: Target['provider'];
  endpoint: Target['endpoint'];
  region?: Target['region'];
  request: CanonicalRequest;
  /** Sent in the provider's auth header; scrubbed from every error message. */
  apiKey?: string;
  /** Configured base URL / placeholder values (credentials.ts). */
  baseUrl?: string;
  placeholders?: Record<string, string>;
  /** The model's output limit (Anthropic's default max_tokens). */
  maxOutputTokens?: number;
  /** Overrides `request.stream`. */
  stream?: boolean;
  signal?: AbortSignal;
  timeouts?: Partial<CallTimeouts>;
  maxResponseBytes?: number;
  fetch?: FetchLike;
  /** Clock for HTTP-date retry-after values (ms since epoch). */
  now?: () => number;
}

export interface CallMeta {
  status: number;
  /** x-request-id / request-id / mistral-correlation-id / apim-request-id, when sent. */
  upstreamRequestId?: string;
  /** Parameters the target protocol could not honour, plus warnings from the response. */
  warnings: Warning[];
}

export type CallChatResult =
  | ({ ok: true; stream: false; response: CanonicalResponse } & CallMeta)
  | ({
      ok: true;
      stream: true;
      events: AsyncIterable<CanonicalStreamEvent>;
      /** The client asked for `stream_options.include_usage`; when false, drop the usage chunk downstream. */
      clientRequestedUsage: boolean;
    } & CallMeta)
  | { ok: false; error: ProviderError };

// ---------------------------------------------------------------------------------------------
// Default transport: undici with one keep-alive Agent per origin

/**
 * How long an idle pooled socket is kept when the upstream sends no `Keep-Alive: timeout=N` hint, ms.
 * Below the common server defaults (Node and many proxies close idle sockets after 5 s), so we drop a
 * socket before the upstream does instead of writing into one it already closed. With a hint, undici
 * keeps the socket for the hint minus 2 s.
 */
export const DEFAULT_KEEP_ALIVE_MS = 4_000;

const dispatchers = new Map<string, Agent>();

function agentOptions(t: CallTimeouts): Agent.Options {
  return {
    connect: { timeout: t.connectMs },
    keepAliveTimeout: DEFAULT_KEEP_ALIVE_MS,
    keepAliveMaxTimeout: 300_000,
    // Our own timers classify timeouts; undici's are a backstop just behind them.
    headersTimeout: t.firstByteMs + 1_000,
    bodyTimeout: t.idleMs + 1_000,
  };
}

function dispatcherFor(origin: string, t: CallTimeouts): Agent {
  const key = `${origin}|${t.connectMs}|${t.firstByteMs}|${t.idleMs}`;
  let agent = dispatchers.get(key);
  if (!agent) {
    agent = new Agent(agentOptions(t));
    dispatchers.set(key, agent);
  }
  return agent;
}

/** Closes the pooled connections (graceful shutdown, tests). */
export async function closeUpstreamDispatchers(): Promise<void> {
  const all = [...dispatchers.values()];
  dispatchers.clear();
  await Promise.all(all.map((a) => a.close()));
}

/** undici's response headers (lower-case names; repeated ones as arrays) behind `get`. */
function headerView(h: Record<string, string | string[] | undefined>): UpstreamResponse['headers'] {
  return {
    get(name) {
      const v = h[name.toLowerCase()];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    },
  };
}

/**
 * The default transport: undici's `Dispatcher.request` on the origin's keep-alive Agent. Not `fetch`:
 * the fetch API builds a Request, a web ReadableStream and transferable wrappers per call, which was
 * ~5 % of the gateway's CPU under load; this hands the Node body stream over as it comes. Redirects
 * are not followed (a 3xx is an upstream error, as `redirect: 'error'` made it).
 */
function defaultFetch(t: CallTimeouts): FetchLike {
  return async (url, { fresh, method, headers, body, signal }) => {
    const u = new URL(url);
    // A one-request agent for the retry after a stale socket: its own new connection, closed once
    // this response is done (close() lets the request in flight finish, body included).
    const dispatcher = fresh ? new Agent({ ...agentOptions(t), pipelining: 0 }) : dispatcherFor(u.origin, t);
    try {
      const res = await dispatcher.request({
        origin: u.origin,
        path: u.pathname + u.search,
        method: method as 'POST',
        headers,
        body,
        signal,
      });
      return { status: res.statusCode, headers: headerView(res.headers), body: res.body };
    } finally {
      if (fresh) dispatcher.close().catch(() => {});
    }
  };
}

// ---------------------------------------------------------------------------------------------

export async function callChat(opts: CallChatOptions): Promise<CallChatResult> {
  const timeouts: CallTimeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const cap = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const keys = [opts.apiKey];
  const now = opts.now ?? Date.now;
  const adapter: ProtocolAdapter = adapterFor(opts.provider.protocol);
  const stream = opts.stream ?? opts.request.stream === true;
  const built = adapter.buildRequest(
    { ...opts.request, stream },
    {
      provider: opts.provider,
      endpoint: opts.endpoint,
      region: opts.region,
      baseUrl: opts.baseUrl,
      placeholders: opts.placeholders,
      maxOutputTokens: opts.maxOutputTokens,
    },
  );
  if (!built.ok) return built;
  const { request } = built;
  const headers = { ...request.headers };
  // auth 'none' (self-hosted) still sends a configured key as a bearer token (vLLM started with --api-key).
  const authHeader = request.authHeader ?? (opts.apiKey ? 'authorization' : null);
  if (authHeader && opts.apiKey) {
    headers[authHeader] = authHeader === 'authorization' ? `Bearer ${opts.apiKey}` : opts.apiKey;
  }

  const provider = opts.provider.id;
  const link = new CallLink(timeouts, opts.signal);
  if (link.reason) {
    link.close();
    return { ok: false, error: transportError(link.reason, undefined, provider, timeouts, keys) };
  }

  let res: UpstreamResponse;
  const doFetch = opts.fetch ?? defaultFetch(timeouts);
  const send = (fresh: boolean) =>
    link.race(
      doFetch(request.url, {
        method: request.method,
        headers,
        body: JSON.stringify(request.body),
        signal: link.signal,
        ...(fresh ? { fresh } : {}),
      }),
    );
  try {
    link.arm('first-byte', timeouts.firstByteMs);
    try {
      res = await send(false);
    } catch (err) {
      // A reused socket the upstream had dropped: nothing was answered, so send once more, fresh.
      // The first-byte timer keeps running across both sends.
      if (link.reason || !isStaleSocketError(err)) throw err;
      res = await send(true);
    }
    link.disarm();
  } catch (err) {
    link.close(true);
    return { ok: false, error: transportError(link.reason, err, provider, timeouts, keys) };
  }

  const meta = {
    status: res.status,
    upstreamRequestId: requestIdOf(res.headers),
    warnings: [...request.warnings],
  };
  const ctx = request.context;
  const contentType = res.headers.get('content-type') ?? '';

  // A stream request is decoded as SSE unless the upstream plainly answered with one JSON document.
  const jsonAnswer = /\bjson\b/i.test(contentType) && !contentType.includes('event-stream');
  if (res.status < 200 || res.status >= 300 || !stream || jsonAnswer) {
    const body = await readAll(res, link, cap);
    link.close(!body.ok);
    if (!body.ok)
      return { ok: false, error: transportError(body.reason, body.err, provider, timeouts, keys, cap) };
    if (res.status < 200 || res.status >= 300) {
      const error = adapter.parseError({
        status: res.status,
        headers: res.headers,
        bodyText: body.text,
        provider,
        keys,
        nowMs: now(),
      });
      return { ok: false, error };
    }
    const parsed = parseJsonBody(adapter, body.text, ctx, keys);
    if (!parsed.ok) return parsed;
    const warnings = [...meta.warnings, ...parsed.response.warnings];
    const response = { ...parsed.response, warnings };
    if (!stream) return { ok: true, stream: false, response, ...meta, warnings };
    // Asked for a stream, got one JSON answer (servers that ignore `stream`): replay it as events.
    return {
      ok: true,
      stream: true,
      events: responseToEvents(response),
      clientRequestedUsage: ctx.clientRequestedUsage,
      ...meta,
      warnings,
    };
  }

  return {
    ok: true,
    stream: true,
    events: streamEvents(res, adapter, ctx, link, { cap, provider, timeouts, keys }),
    clientRequestedUsage: ctx.clientRequestedUsage,
    ...meta,
  };
}

function parseJsonBody(
  adapter: ProtocolAdapter,
  text: string,
  ctx: RequestContext,
  keys: (string | undefined)[],
): { ok: true; response: CanonicalResponse } | { ok: false; error: ProviderError } {
  const json = tryParseJson(text);
  if (json === undefined) {
    return {
      ok: false,
      error: providerError(
        {
          kind: 'upstream',
          status: 200,
          retryable: true,
          provider: ctx.provider,
          message: `upstream sent malformed JSON: ${text.slice(0, 120)}`,
        },
        keys,
      ),
    };
  }
  const parsed = adapter.parseResponse(json, ctx);
  return parsed.ok ? parsed : { ok: false, error: scrubbed(parsed.error, keys) };
}

/** Adapters never see the key; errors they build from upstream text are scrubbed here as well. */
function scrubbed(error: ProviderError, keys: readonly (string | undefined)[]): ProviderError {
  return { ...error, message: scrubSecrets(error.message, keys) };
}

/** The parser's events with any error message scrubbed of the key. */
function* clean(
  events: Iterable<CanonicalStreamEvent>,
  keys: readonly (string | undefined)[],
): Generator<CanonicalStreamEvent> {
  for (const e of events) yield e.type === 'error' ? { type: 'error', error: scrubbed(e.error, keys) } : e;
}

async function* streamEvents(
  res: UpstreamResponse,
  adapter: ProtocolAdapter,
  ctx: RequestContext,
  link: CallLink,
  o: { cap: number; provider: string; timeouts: CallTimeouts; keys: (string | undefined)[] },
): AsyncGenerator<CanonicalStreamEvent> {
  const decoder = createSseDecoder();
  const parser = adapter.createStreamParser(ctx);
  const reader = res.body ? bodyReader(res.body) : undefined;
  let bytes = 0;
  let reachedEnd = false;
  try {
    if (!reader) {
      yield* clean(parser.end(), o.keys);
      return;
    }
    for (;;) {
      link.arm('idle', o.timeouts.idleMs);
      const chunk = await link.race(reader.read());
      link.disarm();
      if (chunk.done) {
        reachedEnd = true;
        break;
      }
      bytes += chunk.value.byteLength;
      if (bytes > o.cap) {
        yield* parser.abort(transportError('size', undefined, o.provider, o.timeouts, o.keys, o.cap));
        return;
      }
      for (const ev of decoder.push(chunk.value)) {
        yield* clean(parser.feed(ev), o.keys);
        if (parser.done) {
          reachedEnd = await drain(reader, link);
          return;
        }
      }
    }
    for (const ev of decoder.end()) yield* clean(parser.feed(ev), o.keys);
    yield* clean(parser.end(), o.keys);
  } catch (err) {
    yield* parser.abort(transportError(link.reason, err, o.provider, o.timeouts, o.keys));
  } finally {
    // Left before the end of body (terminal marker seen, error, consumer stopped): cancel the upstream.
    link.close(!reachedEnd);
    if (!reachedEnd) reader?.cancel().catch(() => {});
  }
}

/**
 * After the terminal marker the body normally ends at once; reading that end (briefly) lets the connection
 * return to the keep-alive pool instead of being destroyed. Anything after the marker is ignored.
 */
async function drain(reader: BodyReader, link: CallLink): Promise<boolean> {
  try {
    for (let i = 0; i < 4; i++) {
      link.arm('idle', Math.min(link.timeouts.idleMs, 1_000));
      const chunk = await link.race(reader.read());
      link.disarm();
      if (chunk.done) return true;
    }
  } catch {
    // a cut after the terminal marker changes nothing for the caller
  }
  return false;
}

function requestIdOf(h: UpstreamResponse['headers']): string | undefined {
  for (const name of [
    'x-request-id',
    'request-id',
    'mistral-correlation-id',
    'apim-request-id',
    'x-goog-request-id',
  ]) {
    const v = h.get(name);
    if (v) return v;
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------

export interface CallJsonOptions {
  url: string;
  /** Which protocol's error mapping reads a non-2xx body. */
  protocol: WireProtocol;
  provider: string;
  /** How the key travels; call.ts fills the header. */
  authHeader: AuthHeader | null;
  apiKey?: string;
  body: Record<string, unknown>;
  signal?: AbortSignal;
  timeouts?: Partial<CallTimeouts>;
  maxResponseBytes?: number;
  fetch?: FetchLike;
  now?: () => number;
}

export type CallJsonResult =
  | { ok: true; json: unknown; status: number; upstreamRequestId: string | undefined }
  | { ok: false; error: ProviderError };

/**
 * One non-streamed JSON POST to an upstream (used by /v1/embeddings): the same timeouts, stale-socket
 * retry, size cap, key scrubbing and error mapping as callChat.
 */
export async function callJson(opts: CallJsonOptions): Promise<CallJsonResult> {
  const timeouts: CallTimeouts = { ...DEFAULT_TIMEOUTS, ...opts.timeouts };
  const cap = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const keys = [opts.apiKey];
  const { provider } = opts;
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' };
  const authHeader = opts.authHeader ?? (opts.apiKey ? 'authorization' : null);
  if (authHeader && opts.apiKey)
    headers[authHeader] = authHeader === 'authorization' ? `Bearer ${opts.apiKey}` : opts.apiKey;
  const link = new CallLink(timeouts, opts.signal);
  if (link.reason) {
    link.close();
    return { ok: false, error: transportError(link.reason, undefined, provider, timeouts, keys) };
  }
  const doFetch = opts.fetch ?? defaultFetch(timeouts);
  const send = (fresh: boolean) =>
    link.race(
      doFetch(opts.url, {
        method: 'POST',
        headers,
        body: JSON.stringify(opts.body),
        signal: link.signal,
        ...(fresh ? { fresh } : {}),
      }),
    );
  let res: UpstreamResponse;
  try {
    link.arm('first-byte', timeouts.firstByteMs);
    try {
      res = await send(false);
    } catch (err) {
      if (link.reason || !isStaleSocketError(err)) throw err;
      res = await send(true);
    }
    link.disarm();
  } catch (err) {
    link.close(true);
    return { ok: false, error: transportError(link.reason, err, provider, timeouts, keys) };
  }
  const body = await readAll(res, link, cap);
  link.close(!body.ok);
  if (!body.ok)
    return { ok: false, error: transportError(body.reason, body.err, provider, timeouts, keys, cap) };
  if (res.status < 200 || res.status >= 300) {
    const error = adapterFor(opts.protocol).parseError({
      status: res.status,
      headers: res.headers,
      bodyText: body.text,
      provider,
      keys,
      nowMs: (opts.now ?? Date.now)(),
    });
    return { ok: false, error };
  }
  try {
    return {
      ok: true,
      json: JSON.parse(body.text),
      status: res.status,
      upstreamRequestId: requestIdOf(res.headers),
    };
  } catch {
    return {
      ok: false,
      error: scrubbed(
        {
          kind: 'upstream',
          status: res.status,
          retryable: true,
          provider,
          message: 'the upstream answered with invalid JSON',
        },
        keys,
      ),
    };
  }
}
