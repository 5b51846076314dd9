/**
 * POST /v1/chat/completions: OpenAI's Chat Completions, unchanged for the official SDKs, plus
 * LowRouter's additions: `usage.cost` (USD charged), top-level `eco` and `route`, an optional `route`
 * override and `models` list in the body, and x-lowrouter-* headers. Streams carry the same in the
 * last chunk before [DONE]; an upstream failure after the first byte ends the stream with an error.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Principal } from '../auth/key-store';
import type { Completion, InferenceDeps, StreamItem } from '../inference/complete';
import { runCompletion } from '../inference/complete';
import { type CanonicalRequest, type Warning, parseCanonicalRequest } from '../providers/canonical';
import { checkRequestShape } from '../providers/request-shape';
import { type RouteOverride, parseRouteOverride } from '../routing/policy';
import { type JsonReply, failureReply, openAIError, writeJson } from './openai-error';
import { readJsonBody } from './read-body';
import { SSE_DONE, sseData, writeSse } from './sse-write';
import { AUTO_MODEL } from '../routing/rank-types';

const FINISH: Record<string, string> = {
  stop: 'stop',
  length: 'length',
  tool_calls: 'tool_calls',
  content_filter: 'content_filter',
  error: 'stop',
};

function usageJson(c: Completion) {
  return {
    prompt_tokens: c.usage.inputTokens,
    completion_tokens: c.usage.outputTokens,
    total_tokens: c.usage.inputTokens + c.usage.outputTokens,
    prompt_tokens_details: {
      cached_tokens: c.usage.cachedInputTokens,
      cache_write_tokens: c.usage.cacheWriteTokens,
    },
    completion_tokens_details: { reasoning_tokens: c.usage.reasoningTokens },
    /** USD charged to the organisation (upstream price + platform fee). */
    cost: c.usage.costUsd,
    upstream_cost: c.usage.upstreamCostUsd,
    estimated: Boolean(c.usage.estimated),
  };
}

const routeHeaders = (requestId: string, route: { provider: string | null; region: string | null }) => ({
  'x-lowrouter-request-id': requestId,
  ...(route.provider ? { 'x-lowrouter-provider': route.provider } : {}),
  ...(route.region ? { 'x-lowrouter-region': route.region } : {}),
});

export function completionJson(c: Completion) {
  return {
    id: c.id,
    object: 'chat.completion',
    created: c.created,
    model: c.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: c.message.content,
          refusal: null,
          ...(c.message.toolCalls.length ? { tool_calls: c.message.toolCalls } : {}),
          ...(c.message.reasoning ? { reasoning: c.message.reasoning } : {}),
        },
        logprobs: null,
        finish_reason: FINISH[c.finishReason] ?? 'stop',
      },
    ],
    usage: usageJson(c),
    eco: c.eco,
    route: c.route,
    ...(c.warnings.length ? { warnings: c.warnings } : {}),
  };
}

/**
 * Answers one chat completion on `res`. `signal` fires when the client goes away; it is passed into
 * runCompletion so the upstream call is cancelled and the row says `client_disconnected`.
 */
export async function handleChatCompletions(
  req: IncomingMessage,
  res: ServerResponse,
  deps: InferenceDeps,
  principal: Principal,
  signal: AbortSignal,
): Promise<void> {
  if (!principal.scopes.includes('inference')) {
    return writeJson(
      res,
      openAIError(
        403,
        'permission_error',
        `this key lacks the inference scope (it has ${principal.scopes.join(', ')})`,
        'missing_scope',
      ),
    );
  }
  const body = await readJsonBody(req, deps.config.maxBodyBytes);
  if (!body.ok) {
    const reply = openAIError(
      body.status,
      'invalid_request_error',
      body.message,
      body.status === 413 ? 'request_too_large' : 'invalid_json',
    );
    // The rest of an oversized body stays unread: close the connection rather than keep it half-read.
    if (body.status === 413) reply.headers.connection = 'close';
    return writeJson(res, reply);
  }
  const parsed = parseBody(body.value);
  if (!parsed.ok) return writeJson(res, parsed.reply);
  const outcome = await runCompletion(deps, {
    principal,
    request: parsed.request,
    ...(parsed.route ? { route: parsed.route } : {}),
    surface: 'rest',
    signal,
    warnings: parsed.warnings,
  });
  if (!outcome.ok) return writeJson(res, failureReply(outcome.failure, outcome.requestId));
  if (!outcome.stream) {
    const c = outcome.completion;
    return writeJson(res, { status: 200, body: completionJson(c), headers: routeHeaders(c.id, c.route) });
  }
  const s = outcome.start;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
    sseData({
      id: s.id,
      object: 'chat.completion.chunk',
      created: s.created,
      model: s.model,
      choices,
      ...extra,
    });
  const opening = chunk([
    { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
  ]);
  await writeSse(
    res,
    routeHeaders(s.id, s.route),
    opening,
    s.items,
    (item: StreamItem) => {
      if (item.type === 'delta') {
        return chunk([{ index: 0, delta: deltaJson(item.event), logprobs: null, finish_reason: null }]);
      }
      if (item.type === 'final') {
        const c = item.completion;
        const extras = {
          usage: usageJson(c),
          eco: c.eco,
          route: c.route,
          ...(c.warnings.length ? { warnings: c.warnings } : {}),
        };
        const finish = [
          { index: 0, delta: {}, logprobs: null, finish_reason: FINISH[c.finishReason] ?? 'stop' },
        ];
        return s.clientRequestedUsage
          ? chunk(finish) + chunk([], extras) + SSE_DONE
          : chunk(finish, extras) + SSE_DONE;
      }
      return sseData({
        error: {
          message: `upstream failed mid-stream: ${item.error.kind}: ${item.error.message}`,
          type: 'upstream_error',
          code: item.error.kind,
          param: null,
          requestId: item.requestId,
        },
      });
    },
    // The same stall limit the stream stage applies (LOWROUTER_STREAM_STALL_MS): one setting, whichever side notices first.
    deps.config.streamStallMs,
  );
}

type Delta = Extract<StreamItem, { type: 'delta' }>['event'];

function deltaJson(ev: Delta) {
  if (ev.type === 'text') return { content: ev.text };
  if (ev.type === 'reasoning') return { reasoning: ev.text };
  return {
    tool_calls: [
      {
        index: ev.index,
        ...(ev.id ? { id: ev.id, type: 'function' } : {}),
        function: { ...(ev.name ? { name: ev.name } : {}), arguments: ev.arguments },
      },
    ],
  };
}

type ParsedBody =
  | { ok: true; request: CanonicalRequest; route: RouteOverride | undefined; warnings: Warning[] }
  | { ok: false; reply: JsonReply };

/** The body as LowRouter reads it: OpenAI's fields plus `route` and `models`, or the 400 to send. */
function parseBody(value: unknown): ParsedBody {
  const bad = (message: string, code: string, param: string | null = null): ParsedBody => ({
    ok: false,
    reply: openAIError(400, 'invalid_request_error', message, code, param),
  });
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return bad('request body must be a JSON object', 'invalid_request');
  // The whole body, `route` and `models` included: depth, identifier length and NUL (request-shape.ts).
  const shape = checkRequestShape(value);
  if (!shape.ok) return bad(`${shape.path}: ${shape.message}`, 'invalid_request', shape.path);
  const { route: rawRoute, ...rest } = value as Record<string, unknown>;
  let route: RouteOverride | undefined;
  if (rawRoute !== undefined) {
    const parsed = parseRouteOverride(rawRoute);
    if (!parsed.ok) return bad(parsed.message, 'invalid_route', 'route');
    route = parsed.value;
  }
  const { models, ...forCanonical } = rest;
  // No model: lowrouter/auto, the documented default (an explicit null is still refused).
  if (!('model' in forCanonical)) forCanonical.model = AUTO_MODEL;
  const parsed = parseCanonicalRequest(forCanonical);
  if (!parsed.ok) {
    const first = parsed.issues[0]!;
    const message = parsed.issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ');
    return bad(message, 'invalid_request', first.path || null);
  }
  if (models !== undefined && !(Array.isArray(models) && models.every((m) => typeof m === 'string')))
    return bad('models must be a list of model ids', 'invalid_request', 'models');
  const request = models ? ({ ...parsed.request, models } as CanonicalRequest) : parsed.request;
  return { ok: true, request, route, warnings: parsed.warnings };
}
