/**
 * What the app answers when something goes wrong: unexpected failures give a generic body with a
 * request id (details only in the log, under the same id), refusals of user input are not logged as
 * errors, and failed authentications from one address are cut off with 429 before the key store.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from './app';
import type { KeyStore, Principal } from './auth/key-store';
import { generateApiKey } from './auth/keys';
import type { Db } from './db/client';
import { type TestDb, openTestDb } from './db/testing';
import { createLogger } from './log';
import { type TestApp, createTestApp } from './test-helpers';

/** Internals an error body must never carry. */
const INTERNALS = /select |where |postgres|\/src\/|at .+:\d+:\d+|params|api_keys/i;

const principal: Principal = {
  keyId: 'key_test',
  orgId: 'org_test',
  orgName: 'Test',
  scopes: ['read', 'inference'],
  instanceAdmin: false,
  policyId: null,
  requestsPerMinute: null,
  tokensPerMinute: null,
  cacheTtlSeconds: null,
};

/** A key store that accepts one key without a database, and counts what it was asked. */
function fixedKeys(goodKey: string): KeyStore & { asked: number } {
  return {
    asked: 0,
    async authenticate(key) {
      this.asked++;
      return key === goodKey ? principal : null;
    },
    invalidate() {},
    reset() {},
    size: () => 0,
    async flushLastUsed() {},
    async close() {},
  };
}

/** A database whose every statement fails the way a real one does: with SQL, parameters and paths. */
const brokenDb = new Proxy({} as Db, {
  get() {
    return () => {
      throw new Error(
        'select secret from "api_keys" where org_id = $1 params: ["org_test"]\n    at query (/work/api/src/db/client.ts:12:3)',
      );
    };
  },
});

describe('app errors', () => {
  let t: TestDb;
  let a: TestApp;
  beforeAll(async () => {
    t = await openTestDb('pglite');
    a = await createTestApp(t, { LOWROUTER_FAILED_AUTH_PER_MINUTE: '3' });
  });
  afterAll(async () => {
    await a.inference.close();
    await t.cleanup();
  });

  const brokenApp = (lines: string[], key: string) =>
    createApp({
      config: a.config,
      db: { ...t.handle, db: brokenDb, readDb: brokenDb },
      log: createLogger('debug', (l) => lines.push(l)),
      keys: fixedKeys(key),
      inference: a.inference.deps,
    });

  it('answers an unexpected failure with a generic body and a request id, details only in the log', async () => {
    const lines: string[] = [];
    const key = generateApiKey();
    const app = brokenApp(lines, key);
    for (const path of ['/export/usage.csv?groupBy=day', '/export/requests.csv']) {
      const res = await app.fetch(
        new Request(`http://test${path}`, { headers: { authorization: `Bearer ${key}` } }),
      );
      const text = await res.text();
      expect(res.status).toBe(500);
      expect(text).not.toMatch(INTERNALS);
      const id = res.headers.get('x-lowrouter-request-id');
      expect(id).toMatch(/^req_/);
      expect(JSON.parse(text).error).toEqual({
        code: 'INTERNAL_ERROR',
        message: 'unexpected error inside LowRouter; quote the request id when reporting it',
        requestId: id,
      });
      const logged = lines.map((l) => JSON.parse(l)).find((l) => l.requestId === id);
      expect(logged).toMatchObject({ level: 'error', path: path.split('?')[0] });
      expect(logged.error).toContain('select secret from');
    }
  });

  it('gives /readyz and masked GraphQL errors a request id too', async () => {
    const lines: string[] = [];
    const key = generateApiKey();
    const app = brokenApp(lines, key);
    const ready = await app.fetch(new Request('http://test/readyz'));
    expect(ready.status).toBe(503);
    expect((await ready.json()).requestId).toBe(ready.headers.get('x-lowrouter-request-id'));
    const gql = await app.fetch(
      new Request('http://test/graphql', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ usage(groupBy: [DAY]) { day requests } }' }),
      }),
    );
    const text = await gql.text();
    expect(text).not.toMatch(INTERNALS);
    const error = JSON.parse(text).errors[0];
    expect(error.message).toMatch(/^Unexpected error inside LowRouter/);
    // The id the client quotes is the one its response header carries, and the log line's.
    expect(error.extensions.requestId).toBe(gql.headers.get('x-lowrouter-request-id'));
    const logged = lines.map((l) => JSON.parse(l)).find((l) => l.requestId === error.extensions.requestId);
    expect(logged).toMatchObject({ level: 'error', msg: 'graphql unexpected error' });
  });

  it('logs refused input (bad key, bad parameters, bad queries) below error level', async () => {
    const lines: string[] = [];
    const app = createApp({
      config: a.config,
      db: t.handle,
      log: createLogger('debug', (l) => lines.push(l)),
      keys: a.keys,
      inference: a.inference.deps,
    });
    const admin = { authorization: `Bearer ${a.adminKey}`, 'content-type': 'application/json' };
    const responses = await Promise.all([
      app.fetch(new Request('http://test/export/usage.csv?from=0000-01-01', { headers: admin })),
      app.fetch(new Request('http://test/export/usage.csv?models=%00', { headers: admin })),
      app.fetch(
        new Request('http://test/graphql', { method: 'POST', headers: admin, body: '{"query":"{ nope }"}' }),
      ),
      app.fetch(
        new Request('http://test/graphql', {
          method: 'POST',
          headers: admin,
          body: JSON.stringify({ query: '{ usage(filter: { from: "0000-01-01T00:00:00Z" }) { requests } }' }),
        }),
      ),
      app.fetch(
        new Request('http://test/export/usage.csv', {
          headers: { authorization: `Bearer ${generateApiKey()}` },
        }),
      ),
    ]);
    expect(responses.map((r) => r.status)).toEqual([400, 400, 200, 200, 401]);
    const usage = (await responses[3]!.json()) as any;
    // The DateTime scalar refuses year 0 before any resolver runs.
    expect(usage.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(lines.map((l) => JSON.parse(l).level)).not.toContain('error');
    expect(lines.length).toBeGreaterThan(0);
  });

  it('logs refused inference requests (REST and GraphQL) at info, with their kind, never at error', async () => {
    const lines: string[] = [];
    const log = createLogger('debug', (l) => lines.push(l));
    const app = createApp({
      config: a.config,
      db: t.handle,
      log,
      keys: a.keys,
      inference: { ...a.inference.deps, log },
    });
    const server = createServer(app.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const post = (path: string, body: unknown) =>
      fetch(`http://127.0.0.1:${port}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const messages = [{ role: 'user', content: 'hi' }];
    try {
      const rest = await post('/v1/chat/completions', { model: 'nobody/no-such-model', messages });
      expect(rest.status).toBe(404);
      const gql = await post('/graphql', {
        query: `mutation { complete(input: { model: "nobody/no-such-model", messages: [{ role: "user", content: "hi" }] }) { __typename } }`,
      });
      expect(((await gql.json()) as any).data.complete.__typename).toBe('InvalidRequest');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    const logged = lines.map((l) => JSON.parse(l));
    expect(
      logged.filter((l) => l.msg === 'request refused').map((l) => [l.level, l.surface, l.kind]),
    ).toEqual([
      ['info', 'rest', 'invalid_request'],
      ['info', 'graphql', 'invalid_request'],
    ]);
    expect(logged.map((l) => l.level)).not.toContain('error');
  });

  it('answers 429 with retry-after after N failed authentications from one address, on every surface', async () => {
    const keys = fixedKeys(generateApiKey());
    const app = createApp({
      config: a.config,
      db: t.handle,
      log: createLogger('silent'),
      keys,
      inference: a.inference.deps,
    });
    const bad = { authorization: `Bearer ${generateApiKey()}` };
    const from = (remoteAddress: string, path: string, init: RequestInit = {}) =>
      app.fetch(new Request(`http://test${path}`, { headers: bad, ...init }), { remoteAddress });
    for (let i = 0; i < 3; i++) expect((await from('192.0.2.1', '/export/usage.csv')).status).toBe(401);
    const asked = keys.asked;
    const surfaces = [
      from('192.0.2.1', '/export/usage.csv'),
      from('192.0.2.1', '/graphql', { method: 'POST', body: '{"query":"{ viewer { orgId } }"}' }),
    ];
    for (const res of await Promise.all(surfaces)) {
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.text()).toMatch(/too many failed authentications/);
    }
    expect(keys.asked).toBe(asked);
    expect((await from('192.0.2.2', '/export/usage.csv')).status).toBe(401);
  });

  it('counts failed authentications on /v1 (node:http) too, and answers 429 in the OpenAI envelope', async () => {
    const keys = fixedKeys(generateApiKey());
    const app = createApp({
      config: a.config,
      db: t.handle,
      log: createLogger('silent'),
      keys,
      inference: a.inference.deps,
    });
    const server = createServer(app.handle);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const post = () =>
      fetch(`http://127.0.0.1:${port}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${generateApiKey()}`, 'content-type': 'application/json' },
        body: '{}',
      });
    try {
      for (let i = 0; i < 3; i++) expect((await post()).status).toBe(401);
      const asked = keys.asked;
      const res = await post();
      expect(res.status).toBe(429);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(await res.json()).toMatchObject({
        error: { type: 'rate_limit_error', code: 'too_many_failed_authentications' },
      });
      expect(keys.asked).toBe(asked);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('ignores X-Forwarded-For unless LOWROUTER_TRUST_PROXY says so', async () => {
    const make = async (trust: boolean) => {
      const config = { ...a.config, failedAuthPerMinute: 2, trustProxy: trust };
      const app = createApp({
        config,
        db: t.handle,
        log: createLogger('silent'),
        keys: a.keys,
        inference: a.inference.deps,
      });
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const res = await app.fetch(
          new Request('http://test/export/usage.csv', {
            headers: { authorization: `Bearer ${generateApiKey()}`, 'x-forwarded-for': `198.51.100.${i}` },
          }),
          { remoteAddress: '10.0.0.1' },
        );
        statuses.push(res.status);
      }
      return statuses;
    };
    expect(await make(false)).toEqual([401, 401, 429, 429]);
    expect(await make(true)).toEqual([401, 401, 401, 401]);
  });
});
