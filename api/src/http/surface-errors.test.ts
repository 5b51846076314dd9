/**
 * The /v1 router's own refusals on the new surfaces, through a real node:http server: load shedding,
 * missing and wrong keys, the failed-auth limiter and unknown methods answer in the envelope of the
 * surface (Anthropic's for /v1/messages, OpenAI's elsewhere), before any body is read.
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { AuthGuard, AuthOutcome } from '../auth/guard';
import type { Config } from '../config';
import type { InferenceDeps } from '../inference/complete';
import { createLogger } from '../log';
import { createV1Handler } from './v1-router';

let server: Server | undefined;
afterEach(async () => {
  await new Promise((r) => server?.close(r));
  server = undefined;
});

async function start(maxInFlight: number, outcome: AuthOutcome): Promise<string> {
  const handler = createV1Handler({
    config: { maxInFlight, trustProxy: false } as unknown as Config,
    log: createLogger('silent'),
    authenticate: (async () => outcome) as unknown as AuthGuard,
    inference: {} as InferenceDeps,
  });
  server = createServer((req, res) => void handler(req, res));
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (url: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: '{}' });

describe('surface envelopes for the router refusals', () => {
  it("sheds /v1/messages with Anthropic's 529 overloaded_error, and the OpenAI surfaces with 503", async () => {
    const url = await start(0, { kind: 'invalid' });
    const messages = await post(`${url}/v1/messages`, { 'x-api-key': 'lr_x' });
    expect(messages.status).toBe(529);
    expect(messages.headers.get('retry-after')).toBe('1');
    const body = (await messages.json()) as any;
    expect(body).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error', code: 'gateway_overloaded' },
    });
    expect(body.request_id).toBe(messages.headers.get('request-id'));
    for (const path of ['/v1/responses', '/v1/embeddings']) {
      const res = await post(`${url}${path}`, { authorization: 'Bearer lr_x' });
      expect(res.status).toBe(503);
      expect(((await res.json()) as any).error).toMatchObject({
        type: 'overloaded_error',
        code: 'gateway_overloaded',
      });
    }
  });

  it('refuses a missing or wrong key with 401 in the surface envelope', async () => {
    const url = await start(10, { kind: 'invalid' });
    const missing = await post(`${url}/v1/messages`);
    expect(missing.status).toBe(401);
    expect(await missing.json()).toEqual({
      type: 'error',
      error: {
        type: 'authentication_error',
        message: 'missing API key: send `Authorization: Bearer lr_…` (or `x-api-key: lr_…`)',
        code: 'missing_api_key',
        param: null,
      },
      request_id: null,
    });
    const wrong = await post(`${url}/v1/messages`, { 'x-api-key': 'lr_wrong' });
    expect(((await wrong.json()) as any).error).toMatchObject({
      type: 'authentication_error',
      code: 'invalid_api_key',
    });
    const openai = await post(`${url}/v1/responses`, { authorization: 'Bearer lr_wrong' });
    expect(openai.status).toBe(401);
    expect(((await openai.json()) as any).error).toMatchObject({
      type: 'authentication_error',
      code: 'invalid_api_key',
    });
  });

  it('answers the failed-auth limiter with 429 rate_limit_error, and GET with 405', async () => {
    const url = await start(10, { kind: 'throttled', retryAfterMs: 4_000 });
    const res = await post(`${url}/v1/messages`, { 'x-api-key': 'lr_x' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('4');
    expect(((await res.json()) as any).error.type).toBe('rate_limit_error');
    const get = await fetch(`${url}/v1/messages`);
    expect(get.status).toBe(405);
    expect(((await get.json()) as any).error).toMatchObject({
      type: 'invalid_request_error',
      message: 'use POST /v1/messages',
    });
  });
});
