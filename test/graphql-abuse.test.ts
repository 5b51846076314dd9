/**
 * The GraphQL abuse reports, reproduced against a real gateway (fetch over loopback): each must be
 * refused with a clear 4xx, before it costs the server anything, on PGlite and on Postgres.
 */
import { testDrivers } from '@lowrouter/api/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';
import {
  type SchemaTypes,
  type TypeRef,
  introspect,
  isComposite,
  isRequired,
  named,
} from './helpers/graphql-schema';

const OVERLOAD =
  '{ providers { endpoints { provider { endpoints { provider { endpoints { provider { endpoints { provider { id } } } } } } } } } }';

/** A literal for an argument of scalar or enum type; null when it needs an input object. */
function literal(types: SchemaTypes, ref: TypeRef, text: string): string | null {
  const t = ref.kind === 'NON_NULL' ? ref.ofType! : ref;
  if (t.kind === 'LIST') {
    const inner = literal(types, t.ofType!, text);
    return inner === null ? null : `[${inner}]`;
  }
  if (t.kind === 'ENUM') return types.get(t.name!)!.enumValues![0]!.name;
  if (t.name === 'ID' || t.name === 'String') return JSON.stringify(text);
  if (t.name === 'Int' || t.name === 'Float') return '1';
  if (t.name === 'Boolean') return 'true';
  return null;
}

/** Every root field taking an ID or String, called with NUL in each such argument in turn. */
function nulCalls(types: SchemaTypes): { name: string; query: string }[] {
  const calls: { name: string; query: string }[] = [];
  for (const op of ['query', 'mutation'] as const) {
    const root = types.get(op === 'query' ? 'Query' : 'Mutation')!;
    for (const field of root.fields!) {
      const stringArgs = field.args.filter((a) => ['ID', 'String'].includes(named(a.type).name!));
      for (const target of stringArgs) {
        const args = field.args
          .filter((a) => a === target || isRequired(a))
          .map((a) => [a.name, literal(types, a.type, a === target ? 'x\u0000y' : 'x')] as const);
        if (args.some(([, v]) => v === null)) continue;
        const sel = isComposite(types, field.type) ? ' { __typename }' : '';
        const list = args.map(([n, v]) => `${n}: ${v}`).join(', ');
        calls.push({
          name: `${field.name}(${target.name})`,
          query: `${op} { ${field.name}(${list})${sel} }`,
        });
      }
    }
  }
  return calls;
}

describe.each(testDrivers())('GraphQL under abuse on %s', (driver) => {
  let g: GatewayWithFakes;
  let orgAdminKey: string;

  async function post(body: BodyInit, key?: string, headers: Record<string, string> = {}) {
    const res = await fetch(`${g.url}/graphql`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...headers,
      },
      body,
      duplex: 'half',
    } as RequestInit);
    const text = await res.text();
    return {
      status: res.status,
      text,
      json: JSON.parse(text) as { data?: any; errors?: any[] },
      requestId: res.headers.get('x-lowrouter-request-id'),
    };
  }

  beforeAll(async () => {
    g = await startGatewayWithFakes(driver);
    const made = await g.gql(
      'mutation { createApiKey(name: "org admin", scopes: [ADMIN]) { ... on CreateApiKeySuccess { key } } }',
    );
    orgAdminKey = made.data.createApiKey.key;
  });
  afterAll(() => g?.close());

  it('refuses the provider ↔ endpoint overload by cost, anonymous and keyed, and stays healthy', async () => {
    for (const key of [undefined, g.adminKey]) {
      const res = await post(JSON.stringify({ query: OVERLOAD }), key);
      expect(res.json.data).toBeUndefined();
      expect(res.json.errors?.[0]?.extensions).toMatchObject({
        code: 'QUERY_TOO_COMPLEX',
        maxCost: key ? 5000 : 2000,
      });
      expect(res.text.length).toBeLessThan(1_000);
      expect(res.requestId).toMatch(/^req_/);
    }
    const health = await fetch(`${g.url}/healthz`);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('answers a 10,000-deep query with a 400 and a message, not a 500', async () => {
    let q = 'id';
    for (let i = 0; i < 10_000; i++) q = `providers { ${q} }`;
    const res = await post(JSON.stringify({ query: `{ ${q} }` }));
    expect(res.status).toBe(400);
    expect(res.json.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_DEEP');
  });

  it('holds complete to the REST body limits: a huge route selector or model in models is refused by field, not echoed', async () => {
    const q = `mutation($route: RouteInput, $models: [String!]) {
      complete(input: { model: "lowrouter/auto", messages: [{ role: "user", content: "hi" }], models: $models }, route: $route) {
        __typename ... on InvalidRequest { field error: message } } }`;
    const huge = 'x'.repeat(5_000);
    for (const [variables, field] of [
      [{ route: { regions: [huge] } }, 'route.regions.0'],
      [{ models: [huge] }, 'models.0'],
    ] as const) {
      const res = await g.gql(q, variables);
      expect(res.data.complete).toMatchObject({ __typename: 'InvalidRequest', field });
      expect(res.data.complete.error).toMatch(/at most 256 characters/);
      expect(res.data.complete.error.length).toBeLessThan(300);
    }
  });

  it("answers another organisation's policies and keys with FORBIDDEN, not an unexpected error", async () => {
    for (const field of ['routingPolicies', 'apiKeys']) {
      const res = await post(
        JSON.stringify({ query: `{ ${field}(orgId: "org_other") { id } }` }),
        orgAdminKey,
      );
      expect(res.json.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
        [
          'only the instance admin can read another organisation: leave orgId out to read your own',
          'FORBIDDEN',
        ],
      ]);
    }
  });

  it('refuses NUL in every id or string argument of every root field as bad user input', async () => {
    const calls = nulCalls(await introspect(g.url, g.adminKey));
    expect(calls.map((c) => c.name)).toEqual(
      expect.arrayContaining(['provider(id)', 'model(id)', 'endpoint(id)', 'revokeApiKey(id)']),
    );
    for (const { name, query } of calls) {
      const res = await post(JSON.stringify({ query }), g.adminKey);
      expect([name, res.status < 500, res.json.errors?.[0]?.extensions?.code]).toEqual([
        name,
        true,
        'BAD_USER_INPUT',
      ]);
    }
  });

  it('refuses dates the database cannot hold, and page arguments, as bad user input', async () => {
    const far = '+200000-01-01T00:00:00Z';
    for (const query of [
      `{ usage(filter: { from: "${far}" }) { requests } }`,
      `{ requests(filter: { to: "${far}" }) { edges { cursor } } }`,
    ]) {
      const res = await post(JSON.stringify({ query }), g.adminKey);
      expect(res.json.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
      expect(res.json.errors?.[0]?.message).toMatch(
        /^DateTime must be an ISO 8601 string between years 1 and 9999/,
      );
    }
    const page = await post(JSON.stringify({ query: '{ models(limit: 0) { id } }' }));
    expect(page.json.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'limit' });
  });

  it('refuses a body over LOWROUTER_MAX_BODY_BYTES with a 413, declared or streamed', async () => {
    const big = JSON.stringify({ query: '{ instance { demo } }', variables: { pad: 'x'.repeat(25 << 20) } });
    const declared = await post(big);
    expect(declared.status).toBe(413);
    expect(declared.json.errors?.[0]?.extensions).toEqual({ code: 'PAYLOAD_TOO_LARGE', maxBytes: 4 << 20 });
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (sent > 25 << 20) return c.close();
        sent += 1 << 20;
        c.enqueue(new Uint8Array(1 << 20).fill(0x20));
      },
    });
    const streamed = await post(stream).catch(() => ({ status: 0 }));
    // Either the 413 arrives, or the server closed the connection mid-upload after answering it.
    expect([413, 0]).toContain(streamed.status);
    expect(sent).toBeLessThan(25 << 20);
  });
});
