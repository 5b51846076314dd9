/**
 * POST /v1/chat/completions: OpenAI's Chat Completions, unchanged for the official SDKs, plus
 * LowRouter's additions: `usage.cost` (USD charged), top-level `eco` and `route`, an optional `route`
 * override and `models` list in the body, and x-lowrouter-* headers. Streams carry the same in the
 * last chunk before [DONE]; an upstream failure after the first byte ends the stream with an error.
 */
import type { Principal } from '../auth/key-store';
import type { Completion, InferenceDeps, StreamItem } from '../inference/complete';
import { runCompletion } from '../inference/complete';
import { parseCanonicalRequest } from '../providers/canonical';
import { checkRequestShape } from '../providers/request-shape';
import { type RouteOverride, parseRouteOverride } from '../routing/policy';
import { failureResponse, openAIError } from './openai-error';
import { readJsonBody } from './read-body';
import { SSE_DONE, SSE_HEADERS, sseData } from './sse-write';

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

export async function handleChatCompletions(
  request: Request,
  deps: InferenceDeps,
  principal: Principal,
): Promise<Response> {
  if (!principal.scopes.includes('inference')) {
    return openAIError(
      403,
      'permission_error',
      `this key lacks the inference scope (it has ${principal.scopes.join(', ')})`,
      'missing_scope',
    );
  }
  const body = await readJsonBody(request, deps.config.maxBodyBytes);
  if (!body.ok)
    return openAIError(
      body.status,
      'invalid_request_error',
      body.message,
      body.status === 413 ? 'request_too_large' : 'invalid_json',
    );
  if (typeof body.value !== 'object' || body.value === null || Array.isArray(body.value)) {
    return openAIError(400, 'invalid_request_error', 'request body must be a JSON object', 'invalid_request');
  }
  // The whole body, `route` and `models` included: depth, identifier length and NUL (request-shape.ts).
  const shape = checkRequestShape(body.value);
  if (!shape.ok)
    return openAIError(
      400,
      'invalid_request_error',
      `${shape.path}: ${shape.message}`,
      'invalid_request',
      shape.path,
    );
  const { route: rawRoute, ...rest } = body.value as Record<string, unknown>;
  let route: RouteOverride | undefined;
  if (rawRoute !== undefined) {
    const parsed = parseRouteOverride(rawRoute);
    if (!parsed.ok)
      return openAIError(400, 'invalid_request_error', parsed.message, 'invalid_route', 'route');
    route = parsed.value;
  }
  const { models, ...forCanonical } = rest;
  const parsed = parseCanonicalRequest(forCanonical);
  if (!parsed.ok) {
    const first = parsed.issues[0]!;
    const message = parsed.issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ');
    return openAIError(400, 'invalid_request_error', message, 'invalid_request', first.path || null);
  }
  if (models !== undefined && !(Array.isArray(models) && models.every((m) => typeof m === 'string'))) {
    return openAIError(
      400,
      'invalid_request_error',
      'models must be a list of model ids',
      'invalid_request',
      'models',
    );
  }
  const req = models ? { ...parsed.request, models } : parsed.request;
  const outcome = await runCompletion(deps, {
    principal,
    request: req,
    ...(route ? { route } : {}),
    surface: 'rest',
    signal: request.signal,
    warnings: parsed.warnings,
  });
  if (!outcome.ok) return failureResponse(outcome.failure, outcome.requestId);
  if (!outcome.stream) {
    return new Response(JSON.stringify(completionJson(outcome.completion)), {
      headers: {
        'content-type': 'application/json',
        ...routeHeaders(outcome.completion.id, outcome.completion.route),
      },
    });
  }
  const s = outcome.start;
  const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({
    id: s.id,
    object: 'chat.completion.chunk',
    created: s.created,
    model: s.model,
    choices,
    ...extra,
  });
  const iterator: AsyncGenerator<StreamItem> = s.items;
  let started = false;
  const body$ = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (!started) {
          started = true;
          controller.enqueue(
            sseData(
              chunk([
                { index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null },
              ]),
            ),
          );
          return;
        }
        const next = await iterator.next();
        if (next.done) {
          controller.close();
          return;
        }
        const item = next.value;
        if (item.type === 'delta') {
          const ev = item.event;
          const delta =
            ev.type === 'text'
              ? { content: ev.text }
              : ev.type === 'reasoning'
                ? { reasoning: ev.text }
                : {
                    tool_calls: [
                      {
                        index: ev.index,
                        ...(ev.id ? { id: ev.id, type: 'function' } : {}),
                        function: { ...(ev.name ? { name: ev.name } : {}), arguments: ev.arguments },
                      },
                    ],
                  };
          controller.enqueue(sseData(chunk([{ index: 0, delta, logprobs: null, finish_reason: null }])));
        } else if (item.type === 'final') {
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
          if (s.clientRequestedUsage) {
            controller.enqueue(sseData(chunk(finish)));
            controller.enqueue(sseData(chunk([], extras)));
          } else {
            controller.enqueue(sseData(chunk(finish, extras)));
          }
          controller.enqueue(SSE_DONE);
          controller.close();
        } else {
          controller.enqueue(
            sseData({
              error: {
                message: `upstream failed mid-stream: ${item.error.kind}: ${item.error.message}`,
                type: 'upstream_error',
                code: item.error.kind,
                param: null,
                requestId: item.requestId,
              },
            }),
          );
          controller.close();
        }
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await iterator.return(undefined);
    },
  });
  return new Response(body$, { headers: { ...SSE_HEADERS, ...routeHeaders(s.id, s.route) } });
}
