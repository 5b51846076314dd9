/**
 * createApp(deps) → { fetch }: the whole gateway as one fetch handler. /v1/* is the OpenAI-compatible
 * REST API, /graphql the GraphQL API; health probes and pages sit beside them. Nothing here listens.
 */
import { sql } from 'drizzle-orm';
import { handleExport } from './analytics/export';
import { handleMetrics } from './analytics/metrics';
import type { KeyStore } from './auth/key-store';
import { bearerToken } from './auth/keys';
import type { Config } from './config';
import { handleChatCompletions } from './http/chat-completions';
import { modelsJson } from './http/models';
import { openAIError } from './http/openai-error';
import type { InferenceDeps } from './inference/complete';
import type { DbHandle } from './db/client';
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
  fetch(request: Request): Promise<Response>;
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

export function createApp(deps: AppDeps): App {
  const { config, db, log, keys, inference } = deps;

  async function v1(request: Request, path: string): Promise<Response> {
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
      const token = bearerToken(request.headers);
      if (!token)
        return openAIError(
          401,
          'authentication_error',
          'missing API key: send `Authorization: Bearer lr_…`',
          'missing_api_key',
        );
      const principal = await keys.authenticate(token);
      if (!principal)
        return openAIError(401, 'authentication_error', 'invalid or revoked API key', 'invalid_api_key');
      return handleChatCompletions(request, inference, principal);
    }
    return openAIError(404, 'invalid_request_error', `no route for ${request.method} ${path}`, 'not_found');
  }
  // /graphql: yoga with its parse, cost, depth, argument, deadline and body limits (graphql/server.ts).
  const graphql = createGraphQLServer({ config, db: db.db, log, keys, inference });

  // The pages (web/dist, /methodology, HTML 404) for GET/HEAD on paths the API does not own.
  const site = createSite({ db: db.db, log });

  return {
    async fetch(request) {
      const url = new URL(request.url);
      const path = url.pathname;
      if (path === '/healthz') return json({ status: 'ok' });
      if (path === '/readyz') {
        try {
          await db.db.execute(sql`select 1`);
          return json({ status: 'ready', database: db.driver });
        } catch {
          return json({ status: 'unavailable', database: db.driver }, 503);
        }
      }
      if (path.startsWith('/v1/')) {
        try {
          return await v1(request, path);
        } catch (err) {
          log.error('unexpected error', { path, error: String((err as Error)?.stack ?? err) });
          return openAIError(
            500,
            'server_error',
            'unexpected error inside LowRouter; the request was not charged twice and may be retried',
            'internal_error',
          );
        }
      }
      if (path === '/metrics' && request.method === 'GET') return handleMetrics();
      if (path.startsWith('/export/')) {
        const token = bearerToken(request.headers);
        const principal = token ? await keys.authenticate(token) : null;
        if (token && !principal) return unauthorized();
        return handleExport(request, { db: db.db, principal });
      }
      if (path === '/graphql' || path.startsWith('/graphql/')) {
        const token = bearerToken(request.headers);
        const principal = token ? await keys.authenticate(token) : null;
        if (token && !principal) return unauthorized();
        return compressResponse(request, await graphql.fetch(request, principal));
      }
      const page = await site.fetch(request);
      if (page) return page;
      return json({ error: { message: `no route for ${request.method} ${path}`, type: 'not_found' } }, 404);
    },
  };
}
