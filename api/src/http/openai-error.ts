/**
 * The one mapping from LowRouter failures to OpenAI's error envelope and HTTP status, so the official
 * SDKs raise the right error class (400 BadRequest, 401, 402, 403, 404, 413, 429 RateLimit, 502/503),
 * and the one writer of JSON answers on the /v1 path (node:http, no fetch Response).
 */
import type { ServerResponse } from 'node:http';
import { microToUsd } from '@lowrouter/shared';
import { type CreditHold, insufficientCreditsMessage } from '../billing/credit-hold';
import type { Failure } from '../inference/complete';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null; [k: string]: unknown };
}

/** A JSON answer not yet written: status, body and extra headers (content-type is added on write). */
export interface JsonReply {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

/** Writes a JSON reply with res.end; a no-op when the client already left or headers went out. */
export function writeJson(res: ServerResponse, reply: JsonReply): void {
  if (res.headersSent || res.destroyed) return;
  const payload = JSON.stringify(reply.body);
  res.writeHead(reply.status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    ...reply.headers,
  });
  res.end(payload);
}

export function openAIError(
  status: number,
  type: string,
  message: string,
  code: string | null = null,
  param: string | null = null,
  extra: Record<string, unknown> = {},
): JsonReply {
  const headers: Record<string, string> = {};
  if (typeof extra.retryAfterMs === 'number')
    headers['retry-after'] = String(Math.ceil(extra.retryAfterMs / 1000));
  if (typeof extra.requestId === 'string') headers['x-lowrouter-request-id'] = extra.requestId;
  return { status, body: { error: { message, type, param, code, ...extra } }, headers };
}

export function failureStatus(f: Failure): number {
  switch (f.kind) {
    case 'invalid_request':
      return f.status;
    case 'insufficient_credits':
      return 402;
    case 'no_route':
      return 503;
    case 'rate_limited':
      return 429;
    case 'upstream_failed':
      return f.error.kind === 'timeout' ? 504 : 502;
  }
}

export function failureBody(f: Failure, requestId: string): OpenAIErrorBody['error'] {
  switch (f.kind) {
    case 'invalid_request':
      return {
        message: f.message,
        type: 'invalid_request_error',
        param: f.field,
        code:
          f.status === 404 ? 'model_not_found' : f.status === 413 ? 'request_too_large' : 'invalid_request',
        requestId,
      };
    case 'insufficient_credits':
      return {
        message: insufficientCreditsMessage(f.hold, f.availableMicro),
        type: 'insufficient_credits',
        param: 'max_tokens',
        code: 'insufficient_credits',
        balanceUsd: microToUsd(f.balanceMicro),
        availableUsd: microToUsd(f.availableMicro),
        requiredUsd: microToUsd(f.requiredMicro),
        hold: holdJson(f.hold),
        requestId,
      };
    case 'no_route':
      return {
        message: `no route available: ${f.reasons.join('; ')}`,
        type: 'no_route_available',
        param: 'model',
        code: 'no_route_available',
        reasons: f.reasons,
        requestId,
      };
    case 'rate_limited':
      return {
        message: f.message,
        type: 'rate_limit_error',
        param: null,
        code: 'rate_limited',
        retryAfterMs: f.retryAfterMs,
        requestId,
      };
    case 'upstream_failed':
      return {
        message: `every upstream attempt failed; last: ${f.error.kind}: ${f.error.message}`,
        type: 'upstream_error',
        param: null,
        code: f.error.kind,
        attempts: f.attempts,
        route: f.route,
        requestId,
      };
  }
}

/** The hold's parts for clients: USD like the other amounts, and the tokens they price. */
export function holdJson(h: CreditHold) {
  return {
    endpointId: h.endpointId,
    totalUsd: microToUsd(h.totalMicro),
    outputUsd: microToUsd(h.outputMicro),
    inputUsd: microToUsd(h.inputMicro),
    feeUsd: microToUsd(h.feeMicro),
    maxOutputTokens: h.maxOutputTokens,
    maxOutputTokensFrom: h.maxOutputTokensFrom,
    inputTokens: h.inputTokens,
    outputPricePerMTokUsd: microToUsd(h.outputMicroPerMTok),
    inputPricePerMTokUsd: microToUsd(h.inputMicroPerMTok),
    maxTokensThatFit: h.maxTokensThatFit,
  };
}

export function failureReply(f: Failure, requestId: string): JsonReply {
  const body = failureBody(f, requestId);
  const headers: Record<string, string> = { 'x-lowrouter-request-id': requestId };
  if (f.kind === 'rate_limited') headers['retry-after'] = String(Math.ceil(f.retryAfterMs / 1000));
  return { status: failureStatus(f), body: { error: body }, headers };
}
