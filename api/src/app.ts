/**
 * createApp(deps) → { fetch }: the whole gateway as one fetch handler. /v1/* is the OpenAI-compatible
 * REST API, /graphql the GraphQL API; health probes and pages sit beside them. Nothing here listens.
 */
import { sql } from 'drizzle-orm';
import { handleExport } from './analytics/export';
import { handleMetrics } from './analytics/metrics';
import { createFailedAuthLimiter } from './auth/failed-auth-limiter';
import { type AuthOutcome, type ClientInfo, clientAddress, createAuthGuard } from './auth/guard';
import type { KeyStore, Principal } from './auth/key-store';
import { bearerToken } from './auth/keys';
import type { Config } from './config';
import { handleChatCompletions } from './http/chat-completions';
import { modelsJson } from './http/models';
import { openAIError } from './http/openai-error';
import type { InferenceDeps } from './inference/complete';
import type { DbHandle } from './db/client';
import { newRequestId } from './ids';
import { createGraphQLServer } from './graphql/server';
import type { Logger } from './log';
import { compressResponse, createSite } from './http/static';

export interface AppDeps {
  config: Config;
  db: DbHandle;
  log: Logger;
  keys: KeyStore;
  inference: InferenceDeps;
}

export interface App {
  /** `client` carries the socket's peer address (for the failed-authentication limit). */
  fetch(request: Request, client?: ClientInfo): Promise<Response>;
}

const json = (body: unknown, status = 200, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });

const unauthorized = () =>
  json(
    {
      errors: [
        {
          message: 'invalid or revoked API key: send a valid key as `Authorization: Bearer lr_…`',
          extensions: { code: 'UNAUTHENTICATED' },
        },
      ],
    },
    401,
    { 'www-authenticate': 'Bearer' },
  );

const throttled = (retryAfterMs: number) =>
  json(
    {
      errors: [
        {
          message: 'too many failed authentications from this address: wait and retry with a valid key',
          extensions: { code: 'RATE_LIMITED' },
        },
      ],
    },
    429,
    { 'retry-after': String(Math.ceil(retryAfterMs / 1000)) },
  );

/** An unexpected failure: a generic body and the request id; the details go to the log only. */
function internalError(log: Logger, path: string, err: unknown): Response {
  const requestId = newRequestId();
  log.error('unexpected error', { requestId, path, error: String((err as Error)?.stack ?? err) });
  const headers = { 'x-lowrouter-request-id': requestId };
  if (path.startsWith('/v1/'))
    return openAIError(
      500,
      'server_error',
      'unexpected error inside LowRouter; the request was not charged twice and may be retried',
      'internal_error',
      null,
      { requestId },
    );
  return json(
    {
      error: {
        code: 'INTERNAL_ERROR',
        message: 'unexpected error inside LowRouter; quote the request id when reporting it',
        requestId,
      },
    },
    500,
    headers,
  );
}

export function createApp(deps: AppDeps): App {
  const { config, db, log, keys, inference } = deps;
  // Failed authentications per address are refused with 429 before the key store is asked.
  const authenticate = createAuthGuard(
    keys,
    createFailedAuthLimiter({ maxFailures: config.failedAuthPerMinute, windowMs: 60_000 }),
  );
  /** The principal, or the 401/429 answer (null principal: no key sent). */
  const authOrRefusal = async (
    request: Request,
    client: ClientInfo | undefined,
  ): Promise<
    { principal: Principal | null } | { refusal: AuthOutcome & { kind: 'invalid' | 'throttled' } }
  > => {
    const outcome = await authenticate(
      bearerToken(request.headers),
      clientAddress(request.headers, client, config.trustProxy),
    );
    if (outcome.kind === 'ok') return { principal: outcome.principal };
    if (outcome.kind === 'anonymous') return { principal: null };
    log.debug('authentication refused', { path: new URL(request.url).pathname, outcome: outcome.kind });
    return { refusal: outcome };
  };
  const refusalResponse = (r: AuthOutcome & { kind: 'invalid' | 'throttled' }) =>
    r.kind === 'throttled' ? throttled(r.retryAfterMs) : unauthorized();

  async function v1(request: Request, path: string, client?: ClientInfo): Promise<Response> {
    if (path === '/v1/models' && request.method === 'GET')
      return json(modelsJson(await inference.tables.get()));
    if (path === '/v1/chat/completions') {
      if (request.method !== 'POST')
        return openAIError(
          405,
          'invalid_request_error',
          'use POST /v1/chat/completions',
          'method_not_allowed',
        );
      const auth = await authOrRefusal(request, client);
      if ('refusal' in auth)
        return auth.refusal.kind === 'throttled'
          ? openAIError(
              429,
              'rate_limit_error',
              'too many failed authentications from this address: wait and retry with a valid key',
              'too_many_failed_authentications',
              null,
              { retryAfterMs: auth.refusal.retryAfterMs },
            )
          : openAIError(401, 'authentication_error', 'invalid or revoked API key', 'invalid_api_key');
      if (!auth.principal)
        return openAIError(
          401,
          'authentication_error',
          'missing API key: send `Authorization: Bearer lr_…`',
          'missing_api_key',
        );
      return handleChatCompletions(request, inference, auth.principal);
    }
    return openAIError(404, 'invalid_request_error', `no route for ${request.method} ${path}`, 'not_found');
  }
  // /graphql: yoga with its parse, cost, depth, argument, deadline and body limits (graphql/server.ts).
  const graphql = createGraphQLServer({ config, db: db.db, log, keys, inference });

  // The pages (web/dist, /methodology, HTML 404) for GET/HEAD on paths the API does not own.
  const site = createSite({ db: db.db, log });

  // The routes; `fetch` below wraps them so no unexpected error escapes with its details.
  const routes: App = {
    async fetch(request, client) {
      const url = new URL(request.url);
      const path = url.pathname;
      if (path === '/healthz') return json({ status: 'ok' });
      if (path === '/readyz') {
        try {
          await db.db.execute(sql`select 1`);
          return json({ status: 'ready', database: db.driver });
        } catch (err) {
          const requestId = newRequestId();
          log.warn('not ready', { requestId, error: String((err as Error)?.message ?? err) });
          return json({ status: 'unavailable', database: db.driver, requestId }, 503, {
            'x-lowrouter-request-id': requestId,
          });
        }
      }
      if (path.startsWith('/v1/')) {
        try {
          return await v1(request, path, client);
        } catch (err) {
          return internalError(log, path, err);
        }
      }
      if (path === '/metrics' && request.method === 'GET') return handleMetrics();
      if (path.startsWith('/export/')) {
        const auth = await authOrRefusal(request, client);
        if ('refusal' in auth) return refusalResponse(auth.refusal);
        return handleExport(request, { db: db.db, principal: auth.principal });
      }
      if (path === '/graphql' || path.startsWith('/graphql/')) {
        const auth = await authOrRefusal(request, client);
        if ('refusal' in auth) return refusalResponse(auth.refusal);
        return compressResponse(request, await graphql.fetch(request, auth.principal));
      }
      const page = await site.fetch(request);
      if (page) return page;
      return json({ error: { message: `no route for ${request.method} ${path}`, type: 'not_found' } }, 404);
    },
  };

  return {
    async fetch(request, client) {
      try {
        return await routes.fetch(request, client);
      } catch (err) {
        return internalError(log, new URL(request.url).pathname, err);
      }
    },
  };
}
