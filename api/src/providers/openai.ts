/**
 * OpenAI Chat Completions adapter — also every OpenAI-compatible vendor (Azure deployments, Groq, Together,
 * Ollama, vLLM, OpenRouter, Scaleway, OVHcloud, …): vendors differ by catalog data (base URL, path, auth
 * header, query, model in URL), not by code. Parsing is shared with Mistral in openai-wire.ts.
 *
 * Streams ALWAYS ask for `stream_options.include_usage` so every stream can be billed; whether the client
 * asked is kept in `context.clientRequestedUsage` so the HTTP layer can drop the usage chunk otherwise.
 */
import type { ProtocolAdapter } from './adapter';
import type { CanonicalRequest } from './canonical';
import {
  createOpenAIStyleStreamParser,
  parseOpenAIStyleError,
  parseOpenAIStyleResponse,
} from './openai-wire';
import { authHeaderFor, type BuildResult, baseContext, buildUrl, finishBody, type Target } from './target';

/** Drops null/undefined so the upstream sees only what the client set. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null));
}

export function buildOpenAIRequest(req: CanonicalRequest, target: Target): BuildResult {
  const context = baseContext(req, target);
  const stream = context.stream;
  const body = defined({
    model: target.endpoint.upstreamModel,
    messages: req.messages,
    tools: req.tools,
    tool_choice: req.tool_choice,
    parallel_tool_calls: req.parallel_tool_calls,
    response_format: req.response_format,
    temperature: req.temperature,
    top_p: req.top_p,
    // Sent as the client spelled it: reasoning models reject `max_tokens`, old servers ignore `max_completion_tokens`.
    max_tokens: req.max_tokens,
    max_completion_tokens: req.max_completion_tokens,
    stop: req.stop,
    seed: req.seed,
    presence_penalty: req.presence_penalty,
    frequency_penalty: req.frequency_penalty,
    user: req.user,
    stream: stream ? true : undefined,
    stream_options: stream ? { include_usage: true } : undefined,
  });
  return {
    ok: true,
    request: {
      url: buildUrl(target, stream, { path: '/chat/completions', versionPrefix: '/v1' }),
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: stream ? 'text/event-stream' : 'application/json',
      },
      authHeader: authHeaderFor(target.provider.auth),
      body: finishBody(target, body),
      context,
      warnings: [],
    },
  };
}

export const openaiAdapter: ProtocolAdapter = {
  protocol: 'openai',
  buildRequest: buildOpenAIRequest,
  parseResponse: (json, ctx) => parseOpenAIStyleResponse(json, ctx),
  createStreamParser: (ctx) => createOpenAIStyleStreamParser(ctx),
  parseError: parseOpenAIStyleError,
};
