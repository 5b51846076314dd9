/**
 * The response cache through the real server and the official `openai` SDK: a repeat of a deterministic
 * request that asked for the cache is answered without an upstream call, recorded as a hit that spends
 * nothing and reports the footprint it avoided; never across organisations; never after expiry; never
 * for sampled requests unless asked; never from an endpoint the request may no longer use.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDrivers } from '@lowrouter/api/db/testing';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const MINI = 'openai/gpt-4o-mini';
const CREATE_ORG = `mutation($name: String!) { createOrganization(name: $name) {
  ... on CreateOrganizationSuccess { organization { id } } ... on Error { message } } }`;
const CREATE_KEY = `mutation($orgId: ID, $name: String!, $scopes: [ApiKeyScope!]!, $ttl: Int) {
  createApiKey(orgId: $orgId, name: $name, scopes: $scopes, cacheTtlSeconds: $ttl) {
    ... on CreateApiKeySuccess { key apiKey { id cacheTtlSeconds } } ... on Error { message } } }`;
const SET_CACHE = `mutation($id: ID!, $ttl: Int) { setApiKeyCache(id: $id, ttlSeconds: $ttl) {
  __typename ... on RevokeApiKeySuccess { apiKey { cacheTtlSeconds } } ... on Error { message } } }`;
const USAGE = `{ usage { requests cacheHits cacheCostSavedUsd costUsd
  cacheAvoidedEnergyWh { min max } cacheAvoidedGco2e { min max } } }`;

let counter = 0;
/** A question no other test asks, so each test starts with an empty cache. */
const fresh = () => [
  { role: 'user' as const, content: `What is ${++counter} + ${counter}? (${Date.now()})` },
];

describe.each(testDrivers())('response cache on %s', (driver) => {
  let g: GatewayWithFakes;
  let client: OpenAI;
  const sdk = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${g.url}/v1`, maxRetries: 0 });
  const sql = (q: string, params: unknown[] = []) => g.gateway.db.exec(q, params);
  const upstreamCalls = () => g.fakes.openai.requests.length;
  const ask = (c: OpenAI, body: Record<string, unknown>) =>
    c.chat.completions.create({ model: MINI, max_tokens: 40, ...body } as any).withResponse() as Promise<{
      data: any;
      response: Response;
    }>;
  const newOrgKey = async (name: string, ttl?: number) => {
    const org = await g.gql(CREATE_ORG, { name });
    const orgId = org.data.createOrganization.organization.id as string;
    await g.grant(orgId, 10_000_000);
    const k = await g.gql(CREATE_KEY, {
      orgId,
      name: `${name} key`,
      scopes: ['INFERENCE', 'READ', 'ADMIN'],
      ...(ttl ? { ttl } : {}),
    });
    return { orgId, key: k.data.createApiKey.key as string, keyId: k.data.createApiKey.apiKey.id as string };
  };

  beforeAll(async () => {
    g = await startGatewayWithFakes(driver);
    await g.grant('org_default', 50_000_000);
    client = sdk(g.adminKey);
  });
  afterAll(() => g.close());
  beforeEach(() => {
    for (const f of Object.values(g.fakes)) {
      f.reset();
      f.setScenario('synthetic');
    }
  });

  it('answers an exact repeat from the cache: no upstream call, no charge, the avoided footprint reported', async () => {
    const { orgId, key } = await newOrgKey('Cache hits');
    const c = sdk(key);
    const messages = fresh();
    const first = await ask(c, { messages, temperature: 0, cache: { ttlSeconds: 600 } });
    expect(first.response.headers.get('x-lowrouter-cache')).toBe('miss');
    expect(upstreamCalls()).toBe(1);
    expect(first.data.usage.cost).toBeGreaterThan(0);

    const second = await ask(c, { messages, temperature: 0, cache: { ttlSeconds: 600 } });
    expect(second.response.headers.get('x-lowrouter-cache')).toBe('hit');
    expect(upstreamCalls()).toBe(1);
    const hit = second.data;
    expect(hit.id).not.toBe(first.data.id);
    expect(hit.choices[0].message.content).toBe(first.data.choices[0].message.content);
    expect(hit.usage.completion_tokens).toBe(first.data.usage.completion_tokens);
    expect(hit.usage.cost).toBe(0);
    expect(hit.eco.energyWh).toEqual({ min: 0, mid: 0, max: 0 });
    expect(hit.eco.gco2e).toEqual({ min: 0, mid: 0, max: 0 });
    expect(hit.eco.avoided).toEqual({ energyWh: first.data.eco.energyWh, gco2e: first.data.eco.gco2e });
    expect(hit.route).toMatchObject({
      model: MINI,
      provider: 'openai',
      region: first.data.route.region,
      attempts: [],
      cache: { hit: true, originalRequestId: first.data.id },
    });
    expect(hit.route.reason).toMatch(/response cache/);

    // One row per request, one debit (the miss); the hit's row says what it saved.
    const rows = await sql(
      'select id, cache_hit, charge_micro, cost_saved_micro, energy_wh_max, avoided_gco2e_max from requests where org_id = $1 order by created_at',
      [orgId],
    );
    expect(rows.map((r: any) => r.cache_hit)).toEqual([false, true]);
    const debits = await sql("select request_id from credit_ledger where org_id = $1 and kind = 'usage'", [
      orgId,
    ]);
    expect(debits.map((d: any) => d.request_id)).toEqual([first.data.id]);
    const firstCharge = Number((rows[0] as any).charge_micro);
    expect(Number((rows[1] as any).charge_micro)).toBe(0);
    expect(Number((rows[1] as any).cost_saved_micro)).toBe(firstCharge);
    expect(Number((rows[1] as any).energy_wh_max)).toBe(0);
    expect(Number((rows[1] as any).avoided_gco2e_max)).toBeCloseTo(first.data.eco.gco2e.max, 12);

    // usage over GraphQL: hits, cost saved and footprint avoided.
    const usage = await g.gql(USAGE, {}, key);
    expect(usage.errors).toBeUndefined();
    const [total] = usage.data.usage;
    expect(total).toMatchObject({ requests: 2, cacheHits: 1 });
    expect(total.cacheCostSavedUsd).toBeCloseTo(first.data.usage.cost, 9);
    expect(total.cacheAvoidedGco2e.max).toBeCloseTo(first.data.eco.gco2e.max, 12);
    expect(total.cacheAvoidedEnergyWh.min).toBeCloseTo(first.data.eco.energyWh.min, 12);
  });

  it('replays a cached answer as a stream to a streaming client', async () => {
    const messages = fresh();
    const first = await ask(client, { messages, temperature: 0, cache: { ttlSeconds: 600 } });
    const { data: stream, response } = await client.chat.completions
      .create({
        model: MINI,
        max_tokens: 40,
        messages,
        temperature: 0,
        stream: true,
        stream_options: { include_usage: true },
        cache: { ttlSeconds: 600 },
      } as any)
      .withResponse();
    expect(response.headers.get('x-lowrouter-cache')).toBe('hit');
    let text = '';
    let last: any;
    for await (const chunk of stream as any) {
      text += chunk.choices[0]?.delta?.content ?? '';
      last = chunk;
    }
    expect(text).toBe(first.data.choices[0].message.content);
    expect(last.usage.completion_tokens).toBe(first.data.usage.completion_tokens);
    expect(last.eco.avoided.gco2e).toEqual(first.data.eco.gco2e);
    expect(last.route.cache.hit).toBe(true);
    expect(upstreamCalls()).toBe(1);
  });

  it('keeps a streamed answer and serves it to a plain repeat', async () => {
    const messages = fresh();
    const stream = await client.chat.completions.create({
      model: MINI,
      max_tokens: 40,
      messages,
      temperature: 0,
      stream: true,
      cache: { ttlSeconds: 600 },
    } as any);
    let text = '';
    for await (const chunk of stream as any) text += chunk.choices[0]?.delta?.content ?? '';
    const again = await ask(client, { messages, temperature: 0, cache: { ttlSeconds: 600 } });
    expect(again.response.headers.get('x-lowrouter-cache')).toBe('hit');
    expect(again.data.choices[0].message.content).toBe(text);
    expect(upstreamCalls()).toBe(1);
  });

  it('never answers one organisation from another organisation’s cache', async () => {
    const a = await newOrgKey('Cache org A');
    const b = await newOrgKey('Cache org B');
    const messages = fresh();
    await ask(sdk(a.key), { messages, temperature: 0, cache: { ttlSeconds: 600 } });
    const fromB = await ask(sdk(b.key), { messages, temperature: 0, cache: { ttlSeconds: 600 } });
    expect(fromB.response.headers.get('x-lowrouter-cache')).toBe('miss');
    expect(fromB.data.route.cache).toBeUndefined();
    expect(upstreamCalls()).toBe(2);
    const hitsOfB = await sql('select count(*)::int as n from requests where org_id = $1 and cache_hit', [
      b.orgId,
    ]);
    expect((hitsOfB[0] as any).n).toBe(0);
  });

  it('does not serve an expired answer, and the sweep deletes it', async () => {
    const messages = fresh();
    const first = await ask(client, { messages, temperature: 0, cache: { ttlSeconds: 600 } });
    await sql("update response_cache set expires_at = now() - interval '1 second' where request_id = $1", [
      first.data.id,
    ]);
    const again = await ask(client, { messages, temperature: 0, cache: { ttlSeconds: 600 } });
    expect(again.response.headers.get('x-lowrouter-cache')).toBe('miss');
    expect(upstreamCalls()).toBe(2);
    // The repeat stored a fresh answer; expire it too and sweep.
    await sql("update response_cache set expires_at = now() - interval '1 second'");
    const { purgeExpiredAnswers } = await import('@lowrouter/api/inference/cache');
    expect(await purgeExpiredAnswers(g.gateway.db.db, new Date())).toBeGreaterThan(0);
    const left = await sql('select count(*)::int as n from response_cache where expires_at < now()');
    expect((left[0] as any).n).toBe(0);
  });

  it('does not cache a sampled request unless asked, and says why', async () => {
    const messages = fresh();
    const sampled = await ask(client, { messages, temperature: 0.7, cache: { ttlSeconds: 600 } });
    expect(sampled.response.headers.get('x-lowrouter-cache')).toBeNull();
    expect(sampled.data.warnings.map((w: any) => w.code)).toContain('not_cached');
    expect(sampled.data.warnings.find((w: any) => w.code === 'not_cached').message).toMatch(/temperature/);
    await ask(client, { messages, temperature: 0.7, cache: { ttlSeconds: 600 } });
    expect(upstreamCalls()).toBe(2);

    const asked = { ttlSeconds: 600, nonDeterministic: true };
    await ask(client, { messages, temperature: 0.7, cache: asked });
    const hit = await ask(client, { messages, temperature: 0.7, cache: asked });
    expect(hit.response.headers.get('x-lowrouter-cache')).toBe('hit');
    expect(upstreamCalls()).toBe(3);
  });

  it('a key opted in caches its deterministic requests; a request can turn it off', async () => {
    const { key, keyId } = await newOrgKey('Cache per key');
    const c = sdk(key);
    const messages = fresh();
    // Not opted in yet: nothing is cached.
    await ask(c, { messages, temperature: 0 });
    const before = await ask(c, { messages, temperature: 0 });
    expect(before.response.headers.get('x-lowrouter-cache')).toBeNull();
    expect(upstreamCalls()).toBe(2);

    const set = await g.gql(SET_CACHE, { id: keyId, ttl: 300 }, key);
    expect(set.data.setApiKeyCache.apiKey.cacheTtlSeconds).toBe(300);
    const audit = await sql(
      "select details from audit_log where action = 'apiKey.cache' and target_id = $1",
      [keyId],
    );
    expect((audit[0] as any).details).toMatchObject({ from: null, to: 300 });
    g.gateway.keys.invalidate(keyId);

    await ask(c, { messages, temperature: 0 });
    const hit = await ask(c, { messages, temperature: 0 });
    expect(hit.response.headers.get('x-lowrouter-cache')).toBe('hit');
    expect(upstreamCalls()).toBe(3);
    // temperature left out: the provider samples, so the key's setting does not apply.
    const unset = await ask(c, { messages });
    expect(unset.response.headers.get('x-lowrouter-cache')).toBeNull();
    // A request turns the cache off for itself.
    const off = await ask(c, { messages, temperature: 0, cache: { ttlSeconds: 0 } });
    expect(off.response.headers.get('x-lowrouter-cache')).toBeNull();
    expect(upstreamCalls()).toBe(5);
  });

  it('does not serve an answer from an endpoint the request may no longer use (residency)', async () => {
    const { key, orgId } = await newOrgKey('Cache residency');
    const c = sdk(key);
    const messages = fresh();
    const first = await ask(c, {
      model: 'lowrouter/auto',
      messages,
      temperature: 0,
      cache: { ttlSeconds: 600 },
    });
    const servedCountry = first.data.route.country as string;
    const elsewhere = servedCountry === 'US' ? 'EU' : 'US';
    const makeDefault = (residency: 'strict' | 'lenient') =>
      g.gql(
        `mutation($input: RoutingPolicyInput!) { createRoutingPolicy(input: $input, makeDefault: true) {
          __typename ... on Error { message } } }`,
        {
          input: {
            name: `moved ${residency}`,
            kind: 'prefer-low-carbon',
            allowedRegions: [elsewhere],
            residency,
          },
        },
        key,
      );
    // Strict residency (the default) may leave no endpoint at all: the request is refused, never
    // answered from the stored answer of a region it may no longer use.
    expect((await makeDefault('strict')).data.createRoutingPolicy.__typename).toBe('RoutingPolicySuccess');
    const refused = await ask(c, {
      model: 'lowrouter/auto',
      messages,
      temperature: 0,
      cache: { ttlSeconds: 600 },
    }).catch((err) => err);
    if (refused instanceof Error) expect((refused as any).status).toBe(503);
    else expect(refused.response.headers.get('x-lowrouter-cache')).toBe('miss');
    // Lenient: served again, elsewhere, by an upstream: a miss.
    expect((await makeDefault('lenient')).data.createRoutingPolicy.__typename).toBe('RoutingPolicySuccess');
    const again = await ask(c, {
      model: 'lowrouter/auto',
      messages,
      temperature: 0,
      cache: { ttlSeconds: 600 },
    });
    expect(again.response.headers.get('x-lowrouter-cache')).toBe('miss');
    expect(again.data.route.country).not.toBe(servedCountry);
    const hits = await sql('select count(*)::int as n from requests where org_id = $1 and cache_hit', [
      orgId,
    ]);
    expect((hits[0] as any).n).toBe(0);
  });

  it('the GraphQL complete mutation uses the cache too', async () => {
    const COMPLETE = `mutation($input: CompleteInput!) { complete(input: $input) {
      __typename ... on Completion { id cacheHit message { content } usage { costUsd }
        eco { energyWh { max } gco2e { max } avoided { gco2e { min max } } } route { cache { hit originalRequestId } } }
      ... on Error { error: message } } }`;
    const input = {
      model: MINI,
      messages: [{ role: 'user', content: fresh()[0]!.content }],
      temperature: 0,
      maxTokens: 40,
      cache: { ttlSeconds: 600 },
    };
    const first = await g.gql(COMPLETE, { input });
    expect(first.errors).toBeUndefined();
    expect(first.data.complete).toMatchObject({
      __typename: 'Completion',
      cacheHit: false,
      route: { cache: null },
    });
    const second = await g.gql(COMPLETE, { input });
    expect(second.data.complete).toMatchObject({
      cacheHit: true,
      message: first.data.complete.message,
      usage: { costUsd: 0 },
      eco: {
        energyWh: { max: 0 },
        gco2e: { max: 0 },
        avoided: { gco2e: { max: first.data.complete.eco.gco2e.max } },
      },
      route: { cache: { hit: true, originalRequestId: first.data.complete.id } },
    });
    const bad = await g.gql(COMPLETE, { input: { ...input, cache: { ttlSeconds: -5 } } });
    expect(bad.data.complete.error).toMatch(/ttlSeconds/);
  });

  it('refuses a malformed cache field with a 400 that says what to fix', async () => {
    const post = (cache: unknown) =>
      fetch(`${g.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${g.adminKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ model: MINI, messages: fresh(), temperature: 0, cache }),
      });
    for (const [cache, pattern] of [
      [{ ttlSeconds: -1 }, /ttlSeconds must be a whole number/],
      [{ ttl: 60 }, /unknown field 'ttl'/],
      [{ ttlSeconds: 10 ** 9 }, /at most \d+ .*LOWROUTER_CACHE_MAX_TTL_SECONDS/],
      ['yes', /cache must be an object/],
    ] as const) {
      const res = await post(cache);
      expect(res.status).toBe(400);
      const body = (await res.json()) as any;
      expect(body.error.param).toBe('cache');
      expect(body.error.message).toMatch(pattern);
    }
    expect(upstreamCalls()).toBe(0);
  });
});

describe('response cache hit price', () => {
  let g: GatewayWithFakes;
  beforeAll(async () => {
    g = await startGatewayWithFakes('pglite', { env: { LOWROUTER_CACHE_HIT_PRICE: '0.5' } });
    await g.grant('org_default', 50_000_000);
  });
  afterAll(() => g.close());

  it('charges a hit the configured share of the original answer, and saves the rest', async () => {
    const c = new OpenAI({ apiKey: g.adminKey, baseURL: `${g.url}/v1`, maxRetries: 0 });
    const body = {
      model: MINI,
      max_tokens: 40,
      messages: fresh(),
      temperature: 0,
      cache: { ttlSeconds: 60 },
    };
    const first = (await c.chat.completions.create(body as any)) as any;
    const hit = (await c.chat.completions.create(body as any)) as any;
    expect(hit.route.cache.hit).toBe(true);
    const rows = await g.gateway.db.exec(
      'select charge_micro, cost_saved_micro from requests where id = any($1) order by created_at',
      [[first.id, hit.id]],
    );
    const original = Number((rows[0] as any).charge_micro);
    expect(Number((rows[1] as any).charge_micro)).toBe(Math.round(original * 0.5));
    expect(Number((rows[1] as any).cost_saved_micro)).toBe(original - Math.round(original * 0.5));
    expect(hit.usage.cost).toBeCloseTo(Math.round(original * 0.5) / 1e6, 9);
  });
});
