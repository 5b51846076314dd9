/**
 * createApp(deps) → { fetch }: the whole gateway as one fetch handler. /v1/* is the OpenAI-compatible
 * REST API, /graphql the GraphQL API; health probes and pages sit beside them. Nothing here listens.
 */
import { createYoga, maskError } from 'graphql-yoga';
import { sql } from 'drizzle-orm';
import type { KeyStore, Principal } from './auth/key-store';
import { bearerToken } from './auth/keys';
import type { Config } from './config';
import type { DbHandle } from './db/client';
import { createContext } from './graphql/context';
import { schema } from './graphql/index';
import type { Logger } from './log';

export interface AppDeps {
  config: Config;
  db: DbHandle;
  log: Logger;
  keys: KeyStore;
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
  const { config, db, log, keys } = deps;
  const yoga = createYoga<{ principal: Principal | null }>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: { title: 'LowRouter GraphQL' },
    landingPage: false,
    logging: false,
    context: ({ principal }) => createContext({ db: db.db, config, keys, principal: principal ?? null }),
    maskedErrors: {
      maskError(error, message, isDev) {
        log.error('graphql error', { error: String((error as Error)?.message ?? error) });
        return maskError(error, message, isDev);
      },
    },
  });

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
      if (path === '/graphql' || path.startsWith('/graphql/')) {
        const token = bearerToken(request.headers);
        const principal = token ? await keys.authenticate(token) : null;
        if (token && !principal) return unauthorized();
        return yoga.fetch(request, { principal });
      }
      return json({ error: { message: `no route for ${request.method} ${path}`, type: 'not_found' } }, 404);
    },
  };
}
