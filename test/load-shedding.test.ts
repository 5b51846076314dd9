/**
 * Past LOWROUTER_MAX_IN_FLIGHT /v1 requests in flight, a new one is refused at once with 503,
 * `retry-after` and OpenAI's error envelope — before auth and without a request row — and the
 * gateway serves again as soon as the load is gone. Through a real gateway, a slow fake upstream,
 * fetch and the official `openai` SDK. Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { testDrivers } from '@lowrouter/api/db/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const MINI = 'openai/gpt-4o-mini';
const body = JSON.stringify({ model: MINI, messages: [{ role: 'user', content: 'Say hi' }], max_tokens: 20 });

describe.each(testDrivers())('load shedding on %s', (driver) => {
  let g: GatewayWithFakes;
  beforeAll(async () => {
    g = await startGatewayWithFakes(driver, { env: { LOWROUTER_MAX_IN_FLIGHT: '2' } });
    await g.grant('org_default', 10_000_000);
  });
  afterAll(() => g.close());

  const post = (key: string) =>
    fetch(`${g.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body,
    });

  it('refuses requests past the limit with 503 and retry-after, before auth, and serves again after', async () => {
    // Two requests held by a slow upstream fill the gateway.
    g.fakes.openai.setScenario({ synthetic: true, latencyMs: 3_000 });
    const [{ n: rowsBefore }] = (await g.gateway.db.exec('select count(*)::int as n from requests')) as {
      n: number;
    }[];
    const held = [post(g.adminKey), post(g.adminKey)];
    for (let i = 0; i < 100 && g.fakes.openai.requests.length < 2; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(g.fakes.openai.requests.length).toBe(2);

    const refused = await post(g.adminKey);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('1');
    const requestId = refused.headers.get('x-lowrouter-request-id');
    expect(requestId).toMatch(/^req_/);
    expect(await refused.json()).toEqual({
      error: {
        message: `the gateway is overloaded; retry in 1 s (request id ${requestId})`,
        type: 'overloaded_error',
        param: null,
        code: 'gateway_overloaded',
        retryAfterMs: 1000,
        requestId,
      },
    });
    // Before auth: a bad key is not even looked at.
    expect((await post('lr_not-a-key')).status).toBe(503);
    // The official SDK sees an APIError with status 503 (it would retry after retry-after by itself).
    const sdk = new OpenAI({ apiKey: g.adminKey, baseURL: `${g.url}/v1`, maxRetries: 0 });
    const err = (await sdk.chat.completions
      .create({ model: MINI, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.status).toBe(503);
    expect((err.error as { code?: string }).code).toBe('gateway_overloaded');

    for (const res of await Promise.all(held)) expect(res.status).toBe(200);
    g.fakes.openai.setScenario('synthetic');
    expect((await post(g.adminKey)).status).toBe(200);
    // Only the three served requests left rows: the shed ones cost no database work.
    const [{ n: rowsAfter }] = (await g.gateway.db.exec('select count(*)::int as n from requests')) as {
      n: number;
    }[];
    expect(rowsAfter - rowsBefore).toBe(3);
    expect(g.fakes.openai.requests.length).toBe(3);
  });
});
