/**
 * Operational figures stay private by default: GET /metrics through a real gateway needs an API key
 * with the read scope (401 without one, 403 for a key without read), unless the operator sets
 * LOWROUTER_METRICS_PUBLIC=true.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const CREATE_KEY = `mutation($name: String!, $scopes: [ApiKeyScope!]!) {
  createApiKey(name: $name, scopes: $scopes) { __typename ... on CreateApiKeySuccess { key } } }`;

const metrics = (g: GatewayWithFakes, key?: string) =>
  fetch(`${g.url}/metrics`, key ? { headers: { authorization: `Bearer ${key}` } } : {});

describe('/metrics is private by default', () => {
  let g: GatewayWithFakes;
  let readKey: string;
  let inferenceKey: string;

  beforeAll(async () => {
    g = await startGatewayWithFakes('pglite');
    const key = async (scopes: string[]) =>
      (await g.gql(CREATE_KEY, { name: scopes.join('+'), scopes })).data.createApiKey.key as string;
    readKey = await key(['READ']);
    inferenceKey = await key(['INFERENCE']);
  });
  afterAll(() => g.close());

  it('refuses a request without a key with 401 and says what to send', async () => {
    const res = await metrics(g);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
    expect(await res.json()).toEqual({
      error: {
        code: 'UNAUTHENTICATED',
        message:
          '/metrics needs an API key with the read scope: send it as `Authorization: Bearer lr_…` ' +
          '(the operator can publish it with LOWROUTER_METRICS_PUBLIC=true)',
      },
    });
  });

  it('refuses an unknown key with 401', async () => {
    const res = await metrics(g, `lr_${'x'.repeat(43)}`);
    expect(res.status).toBe(401);
    expect(await res.text()).not.toMatch(/lowrouter_requests_total/);
  });

  it('refuses a key without the read scope with 403 naming the scope', async () => {
    const res = await metrics(g, inferenceKey);
    expect(res.status).toBe(403);
    expect((await res.json()).error.message).toBe('/metrics needs the read scope; the key has inference');
  });

  it('serves the Prometheus text to a read key and to the admin key', async () => {
    for (const key of [readKey, g.adminKey]) {
      const res = await metrics(g, key);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      expect(await res.text()).toMatch(/# TYPE lowrouter_requests_total counter/);
    }
  });
});

describe('/metrics with LOWROUTER_METRICS_PUBLIC=true', () => {
  let g: GatewayWithFakes;
  beforeAll(async () => {
    g = await startGatewayWithFakes('pglite', { env: { LOWROUTER_METRICS_PUBLIC: 'true' } });
  });
  afterAll(() => g.close());

  it('serves without a key', async () => {
    const res = await metrics(g);
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/# TYPE lowrouter_requests_total counter/);
  });
});
