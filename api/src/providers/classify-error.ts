/**
 * Turning an upstream failure (HTTP status + headers + body, or an error object inside a stream) into a
 * ProviderError. Adapters extract what their protocol puts in the body; the decision rules live here:
 * kind from the status, refined by body text (bad key / context length / content filter on a 400);
 * retryability from `x-should-retry` or the status; the wait from headers, then the body (Gemini RetryInfo),
 * then a "try again in 4.77s" hint in the message.
 */
import {
  type HeaderSource,
  kindFromStatus,
  looksLikeBadKey,
  looksLikeContextLength,
  type ProviderError,
  type ProviderErrorKind,
  providerError,
  refineKind,
  retryAfterMsFromHeaders,
  retryHintFromMessage,
  shouldRetryOverride,
} from './provider-error';
import { obj, str } from './stream-state';

/** What call.ts knows about a failed response. `keys` are scrubbed from the message. */
export interface ErrorInput {
  status: number;
  headers?: HeaderSource;
  bodyText: string;
  provider: string;
  keys?: readonly (string | undefined)[];
  /** Clock for HTTP-date `retry-after` values (ms since epoch); defaults to Date.now(). */
  nowMs?: number;
}

/** What an adapter read out of the body. */
export interface ErrorDetails {
  message?: string;
  code?: string;
  param?: string;
  /** From the body (Gemini RetryInfo). Headers win when both exist. */
  retryAfterMs?: number;
  /** Set when the protocol's own error type decides the kind (Anthropic `overloaded_error`, Gemini API_KEY_INVALID). */
  kind?: ProviderErrorKind;
}

/** Quota exhausted / spend cap: a 429 that will not clear by waiting. */
const NOT_RETRYABLE_CODES = new Set([
  'insufficient_quota',
  'enforced_spend_limit_reached',
  'billing_hard_limit_reached',
]);

const MODEL_MISSING_CODES = new Set(['invalid_model', 'model_not_found', 'model_not_available']);

export function classifyHttpError(input: ErrorInput, details: ErrorDetails): ProviderError {
  const { status } = input;
  const text = [details.message, details.code].filter(Boolean).join(' ') || input.bodyText;
  let kind = details.kind ?? refineKind(status, text);
  // An unknown model is reported as a 400 by Mistral (`invalid_model`) and some OpenAI-compatible vendors.
  if (!details.kind && kind === 'bad_request' && MODEL_MISSING_CODES.has(details.code ?? ''))
    kind = 'not_found';
  let retryable = kindFromStatus(status).retryable;
  if (kind === 'auth' || kind === 'context_length' || kind === 'content_filter') retryable = false;
  if (details.code && NOT_RETRYABLE_CODES.has(details.code)) retryable = false;
  retryable = shouldRetryOverride(input.headers) ?? retryable;
  const retryAfterMs =
    retryAfterMsFromHeaders(input.headers, input.nowMs ?? Date.now()) ??
    details.retryAfterMs ??
    (status === 429 || status >= 500 ? retryHintFromMessage(details.message ?? '') : undefined);
  const message =
    details.message?.trim() || input.bodyText.trim().slice(0, 500) || `HTTP ${status} from upstream`;
  return providerError(
    {
      kind,
      status,
      retryable,
      retryAfterMs,
      message,
      provider: input.provider,
      code: details.code,
      param: details.param,
    },
    input.keys,
  );
}

/**
 * The error shapes OpenAI-compatible vendors use (PROTOCOLS.md §7): `{"error":{message,type,code,param}}`,
 * `{"error":"text"}` (+ xAI's top-level `code` text), top-level `message`/`type`/`code` (Cerebras, Mistral),
 * `{"detail":"…"}` (Hyperbolic, Mistral 401) or `detail: [{msg}]` (422 validation), and non-JSON text.
 */
export function genericErrorDetails(json: unknown, bodyText: string): ErrorDetails {
  const root = obj(json);
  if (!root) return { message: bodyText.trim().slice(0, 500) || undefined };
  const nested = obj(root['error']);
  if (nested) {
    const raw = str(obj(nested['metadata'])?.['raw']);
    const message = str(nested['message']) ?? '';
    return {
      message: raw && !message.includes(raw) ? `${message}: ${raw}` : message,
      code: codeText(nested['code']) ?? codeText(nested['type']) ?? codeText(nested['status']),
      param: str(nested['param']),
    };
  }
  if (typeof root['error'] === 'string') {
    return { message: root['error'], code: codeText(root['code']) };
  }
  if (typeof root['message'] === 'string') {
    return {
      message: root['message'],
      code: codeText(root['type']) ?? codeText(root['code']),
      param: str(root['param']),
    };
  }
  if (typeof root['message'] === 'object' && root['message'] !== null) {
    return { message: JSON.stringify(root['message']).slice(0, 500) };
  }
  const detail = root['detail'];
  if (typeof detail === 'string') return { message: detail };
  if (Array.isArray(detail)) {
    const msgs = detail.map((d) => str(obj(d)?.['msg']) ?? JSON.stringify(d));
    return { message: msgs.join('; ').slice(0, 500) };
  }
  return { message: bodyText.trim().slice(0, 500) || undefined };
}

function codeText(v: unknown): string | undefined {
  if (typeof v === 'string' && v) return v;
  if (typeof v === 'number') return String(v);
  return undefined;
}

/** Error `type`/`code` words used in bodies and in-stream error events → kind and retryability. */
export function kindFromErrorType(
  type: string | undefined,
): { kind: ProviderErrorKind; retryable: boolean } | undefined {
  switch (type) {
    case 'overloaded_error':
    case 'server_is_overloaded':
    case 'service_unavailable_error':
    case 'UNAVAILABLE':
      return { kind: 'overloaded', retryable: true };
    case 'rate_limit_error':
    case 'rate_limit_exceeded':
    case 'rate_limited':
    case 'tokens':
    case 'requests':
    case 'RESOURCE_EXHAUSTED':
      return { kind: 'rate_limited', retryable: true };
    case 'insufficient_quota':
      return { kind: 'rate_limited', retryable: false };
    case 'api_error':
    case 'server_error':
    case 'internal_server_error':
    case 'INTERNAL':
      return { kind: 'upstream', retryable: true };
    case 'timeout_error':
    case 'DEADLINE_EXCEEDED':
      return { kind: 'timeout', retryable: true };
    case 'authentication_error':
    case 'permission_error':
    case 'billing_error':
    case 'invalid_api_key':
    case 'UNAUTHENTICATED':
    case 'PERMISSION_DENIED':
      return { kind: 'auth', retryable: false };
    case 'not_found_error':
    case 'model_not_found':
    case 'NOT_FOUND':
      return { kind: 'not_found', retryable: false };
    case 'context_length_exceeded':
      return { kind: 'context_length', retryable: false };
    case 'content_filter':
      return { kind: 'content_filter', retryable: false };
    case 'invalid_request_error':
    case 'request_too_large':
    case 'INVALID_ARGUMENT':
    case 'FAILED_PRECONDITION':
      return { kind: 'bad_request', retryable: false };
    default:
      return undefined;
  }
}

/** An error object that arrived inside a 200 stream (status null). */
export function streamError(
  provider: string,
  fields: { type?: string; code?: string | number; message?: string },
  keys?: readonly (string | undefined)[],
): ProviderError {
  const code = fields.code === undefined ? undefined : String(fields.code);
  const message = fields.message || 'upstream reported an error inside the stream';
  // OpenRouter puts an HTTP-like number in `code`.
  const numeric = typeof fields.code === 'number' ? fields.code : undefined;
  let verdict = kindFromErrorType(fields.type) ??
    kindFromErrorType(code) ??
    (numeric !== undefined && numeric >= 400 ? kindFromStatus(numeric) : undefined) ?? {
      kind: 'upstream' as const,
      retryable: true,
    };
  if (verdict.kind === 'bad_request' || verdict.kind === 'upstream') {
    if (looksLikeContextLength(message)) verdict = { kind: 'context_length', retryable: false };
    else if (looksLikeBadKey(message)) verdict = { kind: 'auth', retryable: false };
  }
  return providerError(
    {
      ...verdict,
      status: null,
      message,
      provider,
      code: fields.type ?? code,
      retryAfterMs: retryHintFromMessage(message),
    },
    keys,
  );
}
