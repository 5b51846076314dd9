/**
 * createApp(deps) → { handle, fetch }: the whole gateway. `handle` is the node:http request listener:
 * /v1/* (the OpenAI-compatible hot path) is served on node:http directly (http/v1-router.ts); the rest
 * goes through `fetch`, a fetch-API handler for /graphql, /export, health probes, metrics and pages.
 * Nothing here listens.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServerAdapter } from '@whatwg-node/server';
import { sql } from 'drizzle-orm';
import { handleExport } from './analytics/export';
import { handleFootprintPage } from './http/footprint-page';
import { handleMetrics, metricsAccess } from './analytics/metrics';
import { createFailedAuthLimiter } from './auth/failed-auth-limiter';
import { type AuthOutcome, type ClientInfo, clientAddress, createAuthGuard } from './auth/guard';
import type { KeyStore, Principal } from './auth/key-store';
import { bearerToken } from './auth/keys';
import type { Config } from './config';
import { createCors } from './http/cors';
import { createV1Handler } from './http/v1-router';
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

/** Who sent a request, as far as the socket tells. */
export interface RequestContext {
  remoteAddress?: string;
}

export interface App {
  /** Every path except /v1/*, which only `handle` serves. `client` carries the socket's peer address. */
  fetch(request: Request, client?: ClientInfo): Promise<Response>;
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

/** `response` with `headers` set (CORS), copied when its headers are immutable. */
function withHeaders(response: Response, headers: Record<string, string>): Response {
  const entries = Object.entries(headers);
  if (!entries.length) return response;
  try {
    for (const [k, v] of entries) response.headers.set(k, v);
    return response;
  } catch {
    const copy = new Response(response.body, response);
    for (const [k, v] of entries) copy.headers.set(k, v);
    return copy;
  }
}

/** An unexpected failure: a generic body and the request id; the details go to the log only. */
function internalError(log: Logger, path: string, err: unknown): Response {
  const requestId = newRequestId();
  log.error('unexpected error', { requestId, path, error: String((err as Error)?.stack ?? err) });
  const headers = { 'x-lowrouter-request-id': requestId };
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
      clientAddress(request.headers.get('x-forwarded-for'), client, config.trustProxy),
    );
    if (outcome.kind === 'ok') return { principal: outcome.principal };
    if (outcome.kind === 'anonymous') return { principal: null };
    log.debug('authentication refused', { path: new URL(request.url).pathname, outcome: outcome.kind });
    return { refusal: outcome };
  };
  const refusalResponse = (r: AuthOutcome & { kind: 'invalid' | 'throttled' }) =>
    r.kind === 'throttled' ? throttled(r.retryAfterMs) : unauthorized();

  const v1 = createV1Handler({ config, log, authenticate, inference });
  // CORS on /graphql as on /v1 (http/cors.ts): LOWROUTER_CORS_ORIGINS only.
  const cors = createCors(config.corsOrigins);
  // /graphql: yoga with its parse, cost, depth, argument, deadline and body limits (graphql/server.ts).
  const graphql = createGraphQLServer({ config, db: db.db, readDb: db.readDb, log, keys, inference });

  // The pages (web/dist, /methodology, HTML 404) for GET/HEAD on paths the API does not own.
  const site = createSite({
    db: db.db,
    readDb: db.readDb,
    log,
    config,
    tables: () => inference.tables.get(),
    publicFootprint: config.publicFootprint,
  });

  // The routes; `fetch` below wraps them so no unexpected error escapes with its details.
  const routes = {
    async fetch(request: Request, client?: ClientInfo): Promise<Response> {
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
      if (path === '/metrics' && request.method === 'GET') {
        // Operational figures stay private unless the operator publishes them: a read-scope key.
        if (config.metricsPublic) return handleMetrics();
        const auth = await authOrRefusal(request, client);
        if ('refusal' in auth) return refusalResponse(auth.refusal);
        const denied = metricsAccess(auth.principal);
        return denied ?? handleMetrics();
      }
      if (path.startsWith('/export/')) {
        const auth = await authOrRefusal(request, client);
        if ('refusal' in auth) return refusalResponse(auth.refusal);
        // Exports read the replica when there is one (DATABASE_READ_URL): bulk reads off the primary.
        return handleExport(request, { db: db.readDb, principal: auth.principal });
      }
      if (path === '/graphql' || path.startsWith('/graphql/')) {
        const origin = request.headers.get('origin');
        if (request.method === 'OPTIONS')
          return new Response(null, {
            status: 204,
            headers: cors.preflight(origin, request.headers.get('access-control-request-headers')),
          });
        const auth = await authOrRefusal(request, client);
        const answer =
          'refusal' in auth
            ? refusalResponse(auth.refusal)
            : compressResponse(request, await graphql.fetch(request, auth.principal));
        return withHeaders(await answer, cors.headers(origin));
      }
      if (path === '/reports/footprint') {
        const address = clientAddress(request.headers.get('x-forwarded-for'), client, config.trustProxy);
        return handleFootprintPage(request, {
          db: db.readDb,
          stylesheets: site.stylesheets,
          authenticate: async (key) => {
            const outcome = await authenticate(key, address);
            return outcome.kind === 'ok' ? outcome.principal : null;
          },
        });
      }
      const page = await site.fetch(request);
      if (page) return page;
      return json({ error: { message: `no route for ${request.method} ${path}`, type: 'not_found' } }, 404);
    },
  };

  // Everything but /v1 goes through the fetch API; the socket's address rides along.
  const fetch = async (request: Request, client?: ClientInfo): Promise<Response> => {
    try {
      return await routes.fetch(request, client);
    } catch (err) {
      return internalError(log, new URL(request.url).pathname, err);
    }
  };
  const adapter = createServerAdapter<{ req: IncomingMessage }>((request, server) =>
    fetch(request, { remoteAddress: server.req?.socket.remoteAddress }),
  );
  return {
    get inFlight() {
      return v1.inFlight;
    },
    handle(req, res) {
      if (req.url?.startsWith('/v1/')) void v1(req, res);
      else void adapter(req, res);
    },
    fetch,
  };
}
