/**
 * What every inference surface does before translating its body (/v1/messages, /v1/responses,
 * /v1/embeddings; chat completions does the same inline): the `inference` scope, the body limit
 * (LOWROUTER_MAX_BODY_BYTES, 413 and the connection closed), JSON, an object, the request-shape bounds
 * (depth, identifier length, NUL), and LowRouter's own `route` and `models` fields. Answers are
 * OpenAI-shaped; the Anthropic surface rewrites them with toAnthropicReply.
 */
import type { IncomingMessage } from 'node:http';
import type { Principal } from '../auth/key-store';
import type { Config } from '../config';
import { checkRequestShape } from '../providers/request-shape';
import { type RouteOverride, parseRouteOverride } from '../routing/policy';
import { type JsonReply, openAIError } from './openai-error';
import { readJsonBody } from './read-body';

export type SurfaceBody =
  | {
      ok: true;
      /** The body without `route` and `models`. */
      body: Record<string, unknown>;
      route: RouteOverride | undefined;
      models: string[] | undefined;
    }
  | { ok: false; reply: JsonReply };

export const badRequest = (message: string, code = 'invalid_request', param: string | null = null) =>
  openAIError(400, 'invalid_request_error', message, code, param);

export async function readSurfaceBody(
  req: IncomingMessage,
  config: Config,
  principal: Principal,
): Promise<SurfaceBody> {
  if (!principal.scopes.includes('inference')) {
    return {
      ok: false,
      reply: openAIError(
        403,
        'permission_error',
        `this key lacks the inference scope (it has ${principal.scopes.join(', ')})`,
        'missing_scope',
      ),
    };
  }
  const read = await readJsonBody(req, config.maxBodyBytes);
  if (!read.ok) {
    const reply = openAIError(
      read.status,
      'invalid_request_error',
      read.message,
      read.status === 413 ? 'request_too_large' : 'invalid_json',
    );
    // The rest of an oversized body stays unread: close the connection rather than keep it half-read.
    if (read.status === 413) reply.headers.connection = 'close';
    return { ok: false, reply };
  }
  const value = read.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, reply: badRequest('request body must be a JSON object') };
  const shape = checkRequestShape(value);
  if (!shape.ok)
    return { ok: false, reply: badRequest(`${shape.path}: ${shape.message}`, 'invalid_request', shape.path) };
  const { route: rawRoute, models, ...body } = value as Record<string, unknown>;
  let route: RouteOverride | undefined;
  if (rawRoute !== undefined) {
    const parsed = parseRouteOverride(rawRoute);
    if (!parsed.ok) return { ok: false, reply: badRequest(parsed.message, 'invalid_route', 'route') };
    route = parsed.value;
  }
  if (models !== undefined && !(Array.isArray(models) && models.every((m) => typeof m === 'string')))
    return {
      ok: false,
      reply: badRequest('models must be a list of model ids', 'invalid_request', 'models'),
    };
  return { ok: true, body, route, models: models as string[] | undefined };
}

/** Response headers every surface sends: the request id, and where it was served. */
export const routeHeaders = (
  requestId: string,
  route: { provider: string | null; region: string | null },
): Record<string, string> => ({
  'x-lowrouter-request-id': requestId,
  ...(route.provider ? { 'x-lowrouter-provider': route.provider } : {}),
  ...(route.region ? { 'x-lowrouter-region': route.region } : {}),
});
