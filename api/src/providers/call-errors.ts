/**
 * Transport-level failures of call.ts as ProviderErrors, and a complete response replayed as stream events.
 */
import type { CanonicalResponse, CanonicalStreamEvent } from './canonical';
import { type ProviderError, providerError } from './provider-error';

/** Why call.ts aborted the upstream request itself. */
export type AbortReason = 'client' | 'first-byte' | 'idle' | 'total' | 'size';

/**
 * `provider` of an error the gateway raised itself (its own deadline, a credit refusal): such an error
 * says nothing about the endpoint, so routing/execute.ts never counts it against the endpoint's health.
 */
export const GATEWAY_PROVIDER = 'lowrouter';

function causeCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e && typeof e === 'object'; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** The full text of a thrown fetch/read error and its causes, host and port included: for logs only. */
export function causeMessage(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e; depth++) {
    if (e instanceof Error) parts.push(e.message);
    else if (typeof e === 'string') parts.push(e);
    e = e && typeof e === 'object' ? (e as { cause?: unknown }).cause : undefined;
  }
  return [...new Set(parts)].join(': ') || 'unknown error';
}

/**
 * What a client is told about a transport failure: the kind of failure in words, never the
 * upstream's host, address or port (Node's messages, e.g. `connect ECONNREFUSED 10.0.0.7:443`,
 * carry them).
 */
const CONNECT_PHRASES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'host name not found',
  EAI_AGAIN: 'host name lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
};
const LINK_PHRASES: Record<string, string> = {
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  UND_ERR_SOCKET: 'connection closed',
  ECONNABORTED: 'connection aborted',
};

function connectionMessage(code: string | undefined): string {
  if (code && Object.hasOwn(CONNECT_PHRASES, code))
    return `could not connect to the provider (${CONNECT_PHRASES[code]})`;
  if (code && /^(ERR_TLS|CERT_|UNABLE_TO_|DEPTH_ZERO|SELF_SIGNED|ERR_SSL)/.test(code))
    return 'could not connect to the provider (TLS handshake failed)';
  if (code && Object.hasOwn(LINK_PHRASES, code))
    return `the connection to the provider failed (${LINK_PHRASES[code]})`;
  return 'the connection to the provider failed';
}

/**
 * Maps an abort reason (ours) or a thrown fetch/read error to a ProviderError. Our own timers give
 * kind 'timeout'; the caller cancelling gives 'client_closed' (not retryable: nobody is waiting, and not
 * the upstream's fault). The total deadline is the gateway's own budget, so its timeout is raised as
 * the gateway's (`GATEWAY_PROVIDER`), unlike the first-byte and idle timeouts that measure the upstream.
 */
export function transportError(
  reason: AbortReason | undefined,
  err: unknown,
  provider: string,
  t: { connectMs: number; firstByteMs: number; idleMs: number; totalMs: number },
  keys: readonly (string | undefined)[],
  cap?: number,
): ProviderError {
  const base = { status: null, provider };
  switch (reason) {
    case 'client':
      return providerError({
        ...base,
        kind: 'client_closed',
        retryable: false,
        message: 'request cancelled by the caller',
      });
    case 'first-byte':
      return providerError({
        ...base,
        kind: 'timeout',
        retryable: true,
        message: `no response headers within ${t.firstByteMs} ms`,
      });
    case 'idle':
      return providerError({
        ...base,
        kind: 'timeout',
        retryable: true,
        message: `no data from upstream for ${t.idleMs} ms`,
      });
    case 'total':
      return providerError({
        ...base,
        provider: GATEWAY_PROVIDER,
        kind: 'timeout',
        retryable: true,
        message: `upstream call exceeded ${t.totalMs} ms in total`,
      });
    case 'size':
      return providerError({
        ...base,
        kind: 'upstream',
        retryable: false,
        message: `upstream response exceeded ${cap ?? '?'} bytes`,
      });
  }
  const code = causeCode(err);
  if (code === 'UND_ERR_CONNECT_TIMEOUT') {
    return providerError(
      { ...base, kind: 'timeout', retryable: true, message: `connect timeout after ${t.connectMs} ms` },
      keys,
    );
  }
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') {
    const what = code === 'UND_ERR_HEADERS_TIMEOUT' ? 'headers' : 'body';
    return providerError(
      { ...base, kind: 'timeout', retryable: true, message: `the provider did not send its ${what} in time` },
      keys,
    );
  }
  return providerError({ ...base, kind: 'network', retryable: true, message: connectionMessage(code) }, keys);
}

/**
 * A failure BEFORE any response byte that a keep-alive socket the upstream had already dropped produces
 * when reused (reset, broken pipe, "other side closed"). Worth one retry on a fresh connection.
 */
export function isStaleSocketError(err: unknown): boolean {
  const code = causeCode(err);
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
}

/** A complete response as the event sequence a stream of it would have produced. */
export async function* responseToEvents(r: CanonicalResponse): AsyncGenerator<CanonicalStreamEvent> {
  yield { type: 'start', id: r.id, model: r.model };
  if (r.message.reasoning) yield { type: 'reasoning', text: r.message.reasoning };
  if (r.message.content) yield { type: 'text', text: r.message.content };
  for (const [index, tc] of (r.message.tool_calls ?? []).entries()) {
    yield { type: 'tool_call', index, id: tc.id, name: tc.function.name, arguments: tc.function.arguments };
  }
  yield { type: 'usage', usage: r.usage };
  yield { type: 'finish', finishReason: r.finishReason };
}
