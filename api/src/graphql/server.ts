/**
 * The /graphql surface: yoga over the Pothos schema with every limit that keeps it closed under abuse.
 * Parse: token and nesting limits (parse-limits.ts). Validate: introspection needs a key. Execute:
 * depth, cost (anonymous callers get a smaller budget) and page-size limits, no NUL in arguments, and
 * a wall-time deadline. Around it: the body limit (413) and a request id that every unexpected error
 * carries, in the response and in the log line (mask-errors.ts).
 */
import { createYoga } from 'graphql-yoga';
import { useIntrospectionForAuthenticated, useQueryLimits } from '../analytics/graphql-limits';
import type { KeyStore, Principal } from '../auth/key-store';
import type { Config } from '../config';
import type { Db } from '../db/client';
import { newRequestId } from '../ids';
import type { InferenceDeps } from '../inference/complete';
import type { Logger } from '../log';
import { useArgumentGuard } from './argument-guard';
import { limitRequestBody } from './body-limit';
import { createContext } from './context';
import { QUERY_DEADLINE_MS, useExecutionDeadline } from './deadline';
import { schema } from './index';
import { catalogCountsOf } from './list-bounds';
import { createMaskError, useRequestIds } from './mask-errors';
import { useParserLimits } from './parse-limits';
import { GRAPHIQL_CSP, renderGraphiqlPage } from '../http/pages/graphiql';

export interface GraphQLServerDeps {
  config: Config;
  db: Db;
  /** For usage, requests and footprint reports (DbHandle.readDb). */
  readDb: Db;
  log: Logger;
  keys: KeyStore;
  inference: InferenceDeps;
  /** Wall-time deadline per operation, ms (default QUERY_DEADLINE_MS). */
  deadlineMs?: number;
}

export interface GraphQLServer {
  /** Serves one /graphql request for `principal` (null: anonymous). */
  fetch(request: Request, principal: Principal | null): Promise<Response>;
}

export function createGraphQLServer(deps: GraphQLServerDeps): GraphQLServer {
  const { config, db, readDb, log, keys, inference } = deps;
  const yoga = createYoga<{ principal: Principal | null; requestId: string }>({
    schema,
    graphqlEndpoint: '/graphql',
    graphiql: { title: 'LowRouter GraphQL' },
    // Our page: the explorer's code from the installed package under /graphiql/ (no CDN), a key field.
    renderGraphiQL: () => renderGraphiqlPage(),
    landingPage: false,
    plugins: [
      useRequestIds(),
      useParserLimits(),
      // BI tools get introspection with a key; everyone gets depth, cost and page-size limits.
      useIntrospectionForAuthenticated(),
      useQueryLimits({ counts: async () => catalogCountsOf(await inference.tables.get()) }),
      useArgumentGuard(),
      useExecutionDeadline(deps.deadlineMs ?? QUERY_DEADLINE_MS),
    ],
    logging: false,
    // CORS is the app's (http/cors.ts, LOWROUTER_CORS_ORIGINS): yoga's default echoes any origin.
    cors: false,
    context: ({ principal }) =>
      createContext({ db, readDb, config, keys, inference, principal: principal ?? null }),
    maskedErrors: { errorMessage: 'Unexpected error inside LowRouter.', maskError: createMaskError(log) },
  });
  return {
    async fetch(request, principal) {
      const limited = await limitRequestBody(request, config.maxBodyBytes);
      if (limited instanceof Response) return limited;
      const requestId = newRequestId();
      const response = await yoga.fetch(limited, { principal, requestId });
      response.headers.set('x-lowrouter-request-id', requestId);
      if (response.headers.get('content-type')?.startsWith('text/html')) {
        response.headers.set('content-security-policy', GRAPHIQL_CSP);
        response.headers.set('x-content-type-options', 'nosniff');
        response.headers.set('referrer-policy', 'no-referrer');
      }
      return response;
    },
  };
}
