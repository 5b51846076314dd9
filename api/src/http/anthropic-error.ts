/**
 * The one mapping from LowRouter's error answers to Anthropic's error envelope
 * (`{"type":"error","error":{"type","message"},"request_id"}`) and status codes, so the official
 * `@anthropic-ai/sdk` raises the class a caller expects (400 BadRequest, 401 Authentication,
 * 402/403 PermissionDenied…, 404 NotFound, 413, 429 RateLimit, 5xx InternalServer; 529 overloaded).
 * Every /v1/messages error goes through `toAnthropicReply`, whatever stage refused the request.
 */
import type { Failure } from '../inference/complete';
import { type JsonReply, failureReply } from './openai-error';

/** Anthropic's error `type` for each HTTP status it documents. */
export function anthropicErrorType(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_request_error';
    case 401:
      return 'authentication_error';
    case 402:
      return 'billing_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 405:
      return 'invalid_request_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return 'api_error';
  }
}

/**
 * Rewrites an OpenAI-shaped reply (`{error:{message,type,code,param,…}}`) in Anthropic's envelope.
 * The gateway's load shedding (503 `gateway_overloaded`) becomes Anthropic's 529 `overloaded_error`;
 * LowRouter's own details (code, param, requestId, route, attempts…) stay inside `error`.
 */
export function toAnthropicReply(reply: JsonReply): JsonReply {
  const inner = (reply.body as { error?: Record<string, unknown> } | undefined)?.error ?? {};
  const { message, type: _openAIType, ...details } = inner;
  const status = inner.code === 'gateway_overloaded' ? 529 : reply.status;
  const requestId = typeof inner.requestId === 'string' ? inner.requestId : undefined;
  const headers: Record<string, string> = { ...reply.headers };
  if (requestId) headers['request-id'] = requestId;
  return {
    status,
    headers,
    body: {
      type: 'error',
      error: { type: anthropicErrorType(status), message: String(message ?? 'error'), ...details },
      request_id: requestId ?? null,
    },
  };
}

export function anthropicError(status: number, message: string, code?: string): JsonReply {
  return {
    status,
    headers: {},
    body: {
      type: 'error',
      error: { type: anthropicErrorType(status), message, ...(code ? { code } : {}) },
      request_id: null,
    },
  };
}

export function anthropicFailureReply(f: Failure, requestId: string): JsonReply {
  return toAnthropicReply(failureReply(f, requestId));
}
