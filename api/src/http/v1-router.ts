/**
 * /v1/* on node:http directly (IncomingMessage/ServerResponse): no fetch Request/Response and no web
 * streams on the hot path. In order: load shedding (before auth or any database work), routing,
 * auth through the KeyStore, then the surface handler. Every answer is OpenAI's error envelope or
 * the surface's own JSON/SSE.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type AuthGuard, clientAddress } from '../auth/guard';
import { bearerTokenOf } from '../auth/keys';
import type { Config } from '../config';
import { newRequestId } from '../ids';
import type { InferenceDeps } from '../inference/complete';
import type { Logger } from '../log';
import { handleChatCompletions } from './chat-completions';
import { type Cors, createCors } from './cors';
import { modelJson, modelsJson } from './models';
import { openAIError, writeJson } from './openai-error';

export interface V1Deps {
  config: Config;
  log: Logger;
  /** Checks the failed-authentication limit of the address, then the key (auth/guard.ts). */
  authenticate: AuthGuard;
  inference: InferenceDeps;
}

export interface V1Handler {
  (req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** /v1 requests being served right now by this process. */
  readonly inFlight: number;
}

/** Seconds a shed client is asked to wait before it retries. */
const SHED_RETRY_AFTER_S = 1;

export function createV1Handler(deps: V1Deps): V1Handler {
  const { config, log, authenticate, inference } = deps;
  let inFlight = 0;

  async function route(req: IncomingMessage, res: ServerResponse, path: string) {
    const method = req.method ?? 'GET';
    if (path === '/v1/models' && method === 'GET')
      return writeJson(res, { status: 200, body: modelsJson(await inference.tables.get()), headers: {} });
    if (path.startsWith('/v1/models/') && method === 'GET') {
      // Ids contain `/` (openai/gpt-4o-mini): everything after /v1/models/ is the id, raw or encoded.
      let id: string;
      try {
        id = decodeURIComponent(path.slice('/v1/models/'.length));
      } catch {
        id = path.slice('/v1/models/'.length);
      }
      const model = modelJson(await inference.tables.get(), id);
      return writeJson(
        res,
        model
          ? { status: 200, body: model, headers: {} }
          : openAIError(
              404,
              'invalid_request_error',
              `The model '${id.slice(0, 100)}' does not exist on this gateway: GET /v1/models lists the models it serves`,
              'model_not_found',
              'model',
            ),
      );
    }
    if (path !== '/v1/chat/completions')
      return writeJson(
        res,
        openAIError(404, 'invalid_request_error', `no route for ${method} ${path}`, 'not_found'),
      );
    if (method !== 'POST')
      return writeJson(
        res,
        openAIError(405, 'invalid_request_error', 'use POST /v1/chat/completions', 'method_not_allowed'),
      );
    const token = bearerTokenOf(req.headers);
    if (!token)
      return writeJson(
        res,
        openAIError(
          401,
          'authentication_error',
          'missing API key: send `Authorization: Bearer lr_…`',
          'missing_api_key',
        ),
      );
    const address = clientAddress(
      req.headers['x-forwarded-for'],
      { remoteAddress: req.socket.remoteAddress },
      config.trustProxy,
    );
    const auth = await authenticate(token, address);
    if (auth.kind === 'throttled') {
      log.debug('authentication refused', { path, outcome: auth.kind });
      return writeJson(
        res,
        openAIError(
          429,
          'rate_limit_error',
          'too many failed authentications from this address: wait and retry with a valid key',
          'too_many_failed_authentications',
          null,
          { retryAfterMs: auth.retryAfterMs },
        ),
      );
    }
    if (auth.kind !== 'ok') {
      log.debug('authentication refused', { path, outcome: auth.kind });
      return writeJson(
        res,
        openAIError(401, 'authentication_error', 'invalid or revoked API key', 'invalid_api_key'),
      );
    }
    const principal = auth.principal;
    // Fires when the client goes away before the answer is complete: cancels the upstream call.
    const abort = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    if (res.destroyed || req.socket.destroyed) abort.abort(); // it left while we authenticated
    return handleChatCompletions(req, res, inference, principal, abort.signal);
  }

  const cors: Cors = createCors(config.corsOrigins);
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const origin = req.headers.origin;
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors.preflight(origin, req.headers['access-control-request-headers']));
      return void res.end();
    }
    for (const [k, v] of Object.entries(cors.headers(origin))) res.setHeader(k, v);
    if (inFlight >= config.maxInFlight) {
      // Shed at once: no auth, no body read, no database. The unread body is discarded by node:http.
      const requestId = newRequestId();
      return writeJson(
        res,
        openAIError(
          503,
          'overloaded_error',
          `the gateway is overloaded; retry in ${SHED_RETRY_AFTER_S} s (request id ${requestId})`,
          'gateway_overloaded',
          null,
          { retryAfterMs: SHED_RETRY_AFTER_S * 1000, requestId },
        ),
      );
    }
    inFlight++;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q === -1 ? url : url.slice(0, q);
    try {
      await route(req, res, path);
    } catch (err) {
      const requestId = newRequestId();
      log.error('unexpected error', { path, requestId, error: String((err as Error)?.stack ?? err) });
      if (res.headersSent) res.destroy();
      else
        writeJson(
          res,
          openAIError(
            500,
            'server_error',
            'unexpected error inside LowRouter; the request was not charged twice and may be retried',
            'internal_error',
            null,
            { requestId },
          ),
        );
    } finally {
      inFlight--;
    }
  };
  return Object.defineProperty(handler, 'inFlight', { get: () => inFlight }) as V1Handler;
}
