/**
 * createApp(deps) → { handle, fetch }: the whole gateway. `handle` is the node:http request listener:
 * /v1/* (the OpenAI-compatible hot path) is served on node:http directly (http/v1-router.ts); the rest
 * goes through `fetch`, a fetch-API handler for /graphql, /export, health probes, metrics and pages.
 * Nothing here listens.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServerAdapter } from '@whatwg-node/server';
import { createYoga, maskError } from 'graphql-yoga';
import { sql } from 'drizzle-orm';
import { handleExport } from './analytics/export';
import { useIntrospectionForAuthenticated, useQueryLimits } from './analytics/graphql-limits';
import { handleMetrics } from './analytics/metrics';
import type { KeyStore, Principal } from './auth/key-store';
import { bearerToken } from './auth/keys';
import type { Config } from './config';
import { createV1Handler } from './http/v1-router';
import type { InferenceDeps } from './inference/complete';
import type { DbHandle } from './db/client';
import { createContext } from './graphql/context';
import { schema } from './graphql/index';
import type { Logger } from './log';
import { compressResponse, createSite } from './http/static';

export interface AppDeps {
  config: Config;
  db: DbHandle;
  log: Logger;
  keys: KeyStore;
  inference: InferenceDeps;
}

/** Who sent a request, as far as the socket tells. */
export interface RequestContext {
  remoteAddress?: string;
}

export interface App {
  /** Every path except /v1/*, which only `handle` serves. */
  fetch(request: Request, ctx?: RequestContext): Promise<Response>;
  /** The node:http request listener for the whole gateway. */
  handle(req: IncomingMessage, res: ServerResponse): void;
  /** /v1 requests being served right now (what LOWROUTER_MAX_IN_FLIGHT bounds). */
  readonly inFlight: number;
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

  const v1 = createV1Handler({ config, log, keys, inference });
  const yoga = createYoga<{ principal: Principal | null }>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: { title: 'LowRouter GraphQL' },
    landingPage: false,
    // BI tools get introspection with a key; everyone gets depth, cost and page-size limits.
    plugins: [useIntrospectionForAuthenticated(), useQueryLimits()],
    logging: false,
    context: ({ principal }) =>
      createContext({ db: db.db, config, keys, inference, principal: principal ?? null }),
    maskedErrors: {
      maskError(error, message, isDev) {
        log.error('graphql error', { error: String((error as Error)?.message ?? error) });
        return maskError(error, message, isDev);
      },
    },
  });

  // The pages (web/dist, /methodology, HTML 404) for GET/HEAD on paths the API does not own.
  const site = createSite({ db: db.db, log });

  const app: App = {
    get inFlight() {
      return v1.inFlight;
    },
    handle(req, res) {
      if (req.url?.startsWith('/v1/')) void v1(req, res);
      else void adapter(req, res);
    },
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
        return compressResponse(request, await yoga.fetch(request, { principal }));
      }
      const page = await site.fetch(request);
      if (page) return page;
      return json({ error: { message: `no route for ${request.method} ${path}`, type: 'not_found' } }, 404);
    },
  };
  // Everything but /v1 still goes through the fetch API; the socket's address rides along.
  const adapter = createServerAdapter<{ req: IncomingMessage }>((request, server) =>
    app.fetch(request, { remoteAddress: server.req?.socket.remoteAddress }),
  );
  return app;
}
