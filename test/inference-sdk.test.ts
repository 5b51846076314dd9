/**
 * The official `openai` SDK against a running LowRouter, providers replaced by loopback fakes that
 * replay recorded traffic. Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { testDrivers } from '@lowrouter/api/db/testing';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const CREATE_KEY = `mutation($orgId: ID, $name: String!, $scopes: [ApiKeyScope!]!) {
  createApiKey(orgId: $orgId, name: $name, scopes: $scopes) { ... on CreateApiKeySuccess { key apiKey { id } } ... on Error { message } } }`;
const MINI = 'openai/gpt-4o-mini';
const ALLOWED = 'https://app.example.com';
const hi = [{ role: 'user' as const, content: 'Say hi' }];

describe.each(testDrivers())('OpenAI SDK against LowRouter on %s', (driver) => {
  let g: GatewayWithFakes;
  let client: OpenAI;
  const sdk = (apiKey: string) => new OpenAI({ apiKey, baseURL: `${g.url}/v1`, maxRetries: 0 });
  const sql = async (q: string, params: unknown[] = []) => g.gateway.db.exec(q, params);

  beforeAll(async () => {
    g = await startGatewayWithFakes(driver, { env: { LOWROUTER_CORS_ORIGINS: ALLOWED } });
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

  it('answers a plain request with usage.cost, eco and route, and records exactly one row and one debit', async () => {
    const { data, response } = await client.chat.completions
      .create({ model: MINI, messages: hi, max_tokens: 50 })
      .withResponse();
    const res = data as any;
    expect(res.choices[0].message.content).toMatch(/\w/);
    expect(res.usage.completion_tokens).toBeGreaterThan(0);
    expect(res.usage.cost).toBeGreaterThan(0);
    expect(res.eco).toMatchObject({
      region: 'openai:us',
      methodology: 'ecologits-5be90da',
      confidence: 'estimated-parameters',
    });
    expect(res.eco.gco2e.min).toBeLessThanOrEqual(res.eco.gco2e.max);
    expect(res.route).toMatchObject({
      model: MINI,
      provider: 'openai',
      region: 'openai:us',
      country: 'US',
      fallbackUsed: false,
    });
    expect(res.route.reason).toMatch(/served by openai\/gpt-4o-mini@openai:us/);
    expect(response.headers.get('x-lowrouter-provider')).toBe('openai');
    expect(response.headers.get('x-lowrouter-region')).toBe('openai:us');
    expect(response.headers.get('x-lowrouter-request-id')).toBe(res.id);

    const rows = await sql(
      'select status, charge_micro, output_tokens, energy_wh_min, grid_gco2e_per_kwh, methodology_version from requests where id = $1',
      [res.id],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      status: 'ok',
      output_tokens: res.usage.completion_tokens,
      methodology_version: 'ecologits-5be90da',
    });
    expect(Number(rows[0]!.charge_micro)).toBe(Math.round(res.usage.cost * 1e6));
    const debits = await sql(
      "select amount_micro from credit_ledger where request_id = $1 and kind = 'usage'",
      [res.id],
    );
    expect(debits.map((d) => Number(d.amount_micro))).toEqual([-Math.round(res.usage.cost * 1e6)]);
    // The prompt was never stored.
    expect(JSON.stringify(await sql('select * from requests where id = $1', [res.id]))).not.toContain(
      'Say hi',
    );
  });

  it('streams, and carries usage.cost, eco and route in the last chunk before [DONE]', async () => {
    const stream = await client.chat.completions.create({ model: MINI, messages: hi, stream: true });
    const chunks: any[] = [];
    for await (const c of stream) chunks.push(c);
    const text = chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('');
    expect(text).toMatch(/\w/);
    const last = chunks.at(-1);
    expect(last.choices[0].finish_reason).toBe('stop');
    expect(last.usage.cost).toBeGreaterThan(0);
    expect(last.eco.energyWh.mid).toBeGreaterThan(0);
    expect(last.route.provider).toBe('openai');
    // The client did not ask for include_usage: no usage-only chunk, though LowRouter asked upstream.
    expect(chunks.filter((c) => c.choices.length === 0)).toHaveLength(0);
    expect((g.fakes.openai.requests.at(-1)!.body as any).stream_options).toEqual({ include_usage: true });
    const rows = await sql('select status, output_tokens from requests where id = $1', [last.id]);
    expect(rows[0]).toMatchObject({ status: 'ok' });
  });

  it('keeps the usage chunk when the client asked for it', async () => {
    const stream = await client.chat.completions.create({
      model: MINI,
      messages: hi,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: any[] = [];
    for await (const c of stream) chunks.push(c);
    const usageChunk = chunks.at(-1);
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage.total_tokens).toBeGreaterThan(0);
    expect(usageChunk.usage.cost).toBeGreaterThan(0);
  });

  it('passes tools through and returns tool calls, streamed and not', async () => {
    const tools = [
      {
        type: 'function' as const,
        function: {
          name: 'get_weather',
          parameters: { type: 'object', properties: { city: { type: 'string' } } },
        },
      },
    ];
    g.fakes.openai.setScenario({ fixture: 'openai/chat-tool-call.json' });
    const res = await client.chat.completions.create({
      model: MINI,
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools,
    });
    expect(res.choices[0]!.finish_reason).toBe('tool_calls');
    expect(res.choices[0]!.message.tool_calls?.[0]).toMatchObject({
      type: 'function',
      function: { name: expect.any(String) },
    });
    expect((g.fakes.openai.requests.at(-1)!.body as any).tools).toEqual(tools);

    g.fakes.openai.setScenario({ fixture: 'openai/chat-stream-tool-call.sse' });
    const stream = await client.chat.completions.create({
      model: MINI,
      messages: [{ role: 'user', content: 'Weather?' }],
      tools,
      stream: true,
    });
    const chunks: any[] = [];
    for await (const c of stream) chunks.push(c);
    const calls = chunks.flatMap((c) => c.choices[0]?.delta?.tool_calls ?? []);
    expect(calls[0].function.name).toBeTruthy();
    expect(chunks.at(-1).choices[0].finish_reason).toBe('tool_calls');
  });

  it('ends a stream cut mid-answer with an error, never a clean finish, and records it', async () => {
    g.fakes.openai.setScenario({ fixture: 'openai/chat-stream-include-usage.sse', cut: true });
    const stream = await client.chat.completions.create({ model: MINI, messages: hi, stream: true });
    const seen: any[] = [];
    const err = await (async () => {
      for await (const c of stream) seen.push(c);
    })().catch((e) => e);
    expect(err).toBeInstanceOf(Error);
    expect(seen.some((c) => c.choices[0]?.finish_reason)).toBe(false);
    const id = seen[0]?.id;
    const rows = await sql('select status, error_kind from requests where id = $1', [id]);
    expect(rows[0]).toMatchObject({ status: 'error', error_kind: 'network' });
  });

  it('falls back to the next model on a 503 and says so in the route', async () => {
    g.fakes.openai.setScenario('unavailable');
    const res = (await client.chat.completions.create({
      model: MINI,
      messages: hi,
      models: ['mistral/mistral-small-2506'],
    } as any)) as any;
    expect(res.route.provider).toBe('mistral');
    expect(res.route.fallbackUsed).toBe(true);
    expect(res.route.attempts.map((a: any) => [a.provider, a.outcome, a.errorKind])).toEqual([
      ['openai', 'error', 'overloaded'],
      ['mistral', 'ok', null],
    ]);
  });

  it('does not fall back on the client’s own invalid request', async () => {
    g.fakes.openai.setScenario({ fixture: 'openai/error-400-unsupported-value.json', status: 400 });
    const err = await client.chat.completions
      .create({ model: MINI, messages: hi, models: ['mistral/mistral-small-2506'] } as any)
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(g.fakes.mistral.requests).toHaveLength(0);
  });

  it('reports every upstream failure as 502 with the attempts', async () => {
    g.fakes.openai.setScenario('server-error');
    const err = await client.chat.completions.create({ model: MINI, messages: hi }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.status).toBe(502);
    expect(err.error.attempts[0]).toMatchObject({
      provider: 'openai',
      outcome: 'error',
      errorKind: 'upstream',
    });
  });

  it('refuses a bad key and a revoked key with 401', async () => {
    const bad = await sdk(`lr_${'A'.repeat(43)}`)
      .chat.completions.create({ model: MINI, messages: hi })
      .catch((e) => e);
    expect(bad).toBeInstanceOf(OpenAI.AuthenticationError);
    const created = await g.gql(CREATE_KEY, { name: 'soon revoked', scopes: ['INFERENCE'] });
    const { key, apiKey } = created.data.createApiKey;
    expect((await sdk(key).chat.completions.create({ model: MINI, messages: hi })).choices).toHaveLength(1);
    await g.gql(`mutation { revokeApiKey(id: "${apiKey.id}") { __typename } }`);
    const revoked = await sdk(key)
      .chat.completions.create({ model: MINI, messages: hi })
      .catch((e) => e);
    expect(revoked).toBeInstanceOf(OpenAI.AuthenticationError);
  });

  it('refuses with 402 when the organisation cannot cover the request, naming balance and requirement', async () => {
    const org = await g.gql(
      'mutation { createOrganization(name: "Broke") { ... on CreateOrganizationSuccess { organization { id } } } }',
    );
    const orgId = org.data.createOrganization.organization.id;
    const key = (await g.gql(CREATE_KEY, { orgId, name: 'broke', scopes: ['INFERENCE'] })).data.createApiKey
      .key;
    const err = await sdk(key)
      .chat.completions.create({ model: MINI, messages: hi })
      .catch((e) => e);
    expect(err.status).toBe(402);
    expect(err.error).toMatchObject({ code: 'insufficient_credits', balanceUsd: 0 });
    expect(err.error.requiredUsd).toBeGreaterThan(0);
    expect(g.fakes.openai.requests).toHaveLength(0);
  });

  it('402 says what is held and why, what is available, and that max_tokens lowers the hold (REST and GraphQL)', async () => {
    const org = await g.gql(
      'mutation { createOrganization(name: "One dollar") { ... on CreateOrganizationSuccess { organization { id } } } }',
    );
    const orgId = org.data.createOrganization.organization.id;
    await g.grant(orgId, 1_000_000);
    const key = (await g.gql(CREATE_KEY, { orgId, name: 'one', scopes: ['INFERENCE'] })).data.createApiKey
      .key;
    const opus = 'anthropic/claude-opus-4-1';
    const [price] = await sql('select output_micro_per_mtok as o from endpoints where id = $1', [
      'anthropic/claude-opus-4-1@anthropic:global',
    ]);
    const err = await sdk(key)
      .chat.completions.create({ model: opus, messages: [{ role: 'user', content: 'hi' }] })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(402);
    const hold = err.error.hold;
    expect(hold).toMatchObject({
      endpointId: 'anthropic/claude-opus-4-1@anthropic:global',
      maxOutputTokensFrom: 'model_limit',
      outputPricePerMTokUsd: Number(price!.o) / 1e6,
    });
    expect(hold.outputUsd).toBeCloseTo((hold.maxOutputTokens * Number(price!.o)) / 1e12, 6);
    expect(hold.totalUsd).toBeCloseTo(hold.outputUsd + hold.inputUsd + hold.feeUsd, 6);
    expect(err.error).toMatchObject({
      availableUsd: 1,
      balanceUsd: 1,
      requiredUsd: hold.totalUsd,
      param: 'max_tokens',
    });
    const fit = hold.maxTokensThatFit as number;
    expect(fit).toBeGreaterThan(0);
    expect(fit).toBeLessThan(hold.maxOutputTokens);
    const usd = (x: number) => `\\$${x.toFixed(6)}`;
    expect(err.error.message).toMatch(
      new RegExp(
        `^insufficient credits: this request holds ${usd(hold.totalUsd)} on anthropic/claude-opus-4-1@anthropic:global until it is answered: ` +
          `${hold.maxOutputTokens.toLocaleString('en-US')} output tokens \\(the model's output limit: the request sets no max_tokens\\) × .* = ${usd(hold.outputUsd)}, ` +
          `plus up to \\d+ input tokens × .*; the organisation has \\$1\\.000000 available\\. ` +
          `Set max_tokens to hold less: max_tokens of at most ${fit.toLocaleString('en-US')} fits`,
      ),
    );
    expect(g.fakes.anthropic.requests).toHaveLength(0);

    // One token more than fits is refused and says it is the request's own max_tokens; what fits runs.
    const over = await sdk(key)
      .chat.completions.create({
        model: opus,
        messages: [{ role: 'user', content: 'hi' }],
        max_tokens: fit + 1,
      })
      .catch((e) => e);
    expect(over.status).toBe(402);
    expect(over.error.hold).toMatchObject({ maxOutputTokens: fit + 1, maxOutputTokensFrom: 'max_tokens' });
    expect(over.error.message).toContain("(the request's max_tokens)");

    const gql = await g.gql(
      `mutation { complete(input: { model: "${opus}", messages: [{ role: "user", content: "hi" }] }) {
        __typename ... on InsufficientCredits { availableUsd requiredUsd error: message
          hold { maxOutputTokens maxOutputTokensFrom maxTokensThatFit totalUsd } } } }`,
      {},
      key,
    );
    expect(gql.data.complete).toMatchObject({
      __typename: 'InsufficientCredits',
      availableUsd: 1,
      hold: { maxOutputTokensFrom: 'model_limit', maxTokensThatFit: fit, totalUsd: hold.totalUsd },
    });
    expect(gql.data.complete.error).toContain(
      `Set maxTokens to hold less: maxTokens of at most ${fit.toLocaleString('en-US')} fits`,
    );

    // What fits is admitted: it reaches the upstream (the fake speaks no Anthropic in synthetic mode,
    // so the answer is its 502, not a 402).
    const fits = await sdk(key)
      .chat.completions.create({ model: opus, messages: [{ role: 'user', content: 'hi' }], max_tokens: fit })
      .catch((e) => e);
    expect(fits.status).not.toBe(402);
    expect(g.fakes.anthropic.requests).toHaveLength(1);
  });

  it('refuses an unknown model with 404 and a too-large body with 413', async () => {
    const unknown = await client.chat.completions
      .create({ model: 'nope/none', messages: hi })
      .catch((e) => e);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown.message).toMatch(/unknown model 'nope\/none'/);
    const big = await client.chat.completions
      .create({ model: MINI, messages: [{ role: 'user', content: 'x'.repeat(5 * 1024 * 1024) }] })
      .catch((e) => e);
    expect(big.status).toBe(413);
  });

  it('refuses max_tokens beyond the model limit and unknown route fields with 400', async () => {
    const tooMany = await client.chat.completions
      .create({ model: MINI, messages: hi, max_tokens: 10_000_000 })
      .catch((e) => e);
    expect(tooMany).toBeInstanceOf(OpenAI.BadRequestError);
    expect(tooMany.message).toMatch(/max_tokens/);
    const route = await client.chat.completions
      .create({ model: MINI, messages: hi, route: { colour: 'green' } } as any)
      .catch((e) => e);
    expect(route).toBeInstanceOf(OpenAI.BadRequestError);
    expect(route.message).toMatch(/route: unknown field 'colour'/);
  });

  it('applies a per-key requests-per-minute limit with 429 and retry-after', async () => {
    const created = await g.gql(
      `mutation { createApiKey(name: "slow", scopes: [INFERENCE], requestsPerMinute: 1) { ... on CreateApiKeySuccess { key } } }`,
    );
    const key = created.data.createApiKey.key;
    await sdk(key).chat.completions.create({ model: MINI, messages: hi });
    const err = await sdk(key)
      .chat.completions.create({ model: MINI, messages: hi })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(Number(err.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('lists the catalog models and lowrouter/auto, with prices and LowRouter fields', async () => {
    const models: any[] = [];
    for await (const m of client.models.list()) models.push(m);
    expect(models[0]).toMatchObject({ id: 'lowrouter/auto', owned_by: 'lowrouter', pricing: null });
    const mini = models.find((m) => m.id === MINI);
    const [ep] = await sql(
      "select input_micro_per_mtok as i, output_micro_per_mtok as o from endpoints where id = 'openai/gpt-4o-mini@openai:us'",
    );
    expect(mini.pricing).toEqual({
      input_per_mtok_usd: String(Number(ep!.i) / 1e6),
      output_per_mtok_usd: String(Number(ep!.o) / 1e6),
      endpoint: 'openai/gpt-4o-mini@openai:us',
    });
    expect(mini.lowrouter).toMatchObject({
      providers: expect.any(Number),
      usable_endpoints: expect.any(Number),
    });
    expect(mini.lowrouter.usable_endpoints).toBeGreaterThan(0);
    expect(mini.lowrouter.usable_endpoints).toBeLessThanOrEqual(mini.lowrouter.endpoints);
    expect(mini.lowrouter.eco.reference_output_tokens).toBe(400);
    expect(mini.lowrouter.eco.note).toMatch(/reference request of 400 output tokens/);
    const { min, max } = mini.lowrouter.eco.gco2e_per_1k_output_tokens;
    expect(min).toBeGreaterThan(0);
    expect(max).toBeGreaterThanOrEqual(min);
    // A model only served by providers without credentials here counts 0 usable endpoints.
    expect(models.some((m) => m.lowrouter?.usable_endpoints === 0)).toBe(true);
  });

  it('retrieves a model whose id contains a slash, by id or alias, and 404s an unknown id in the OpenAI envelope', async () => {
    const mini = await client.models.retrieve(MINI);
    expect(mini).toMatchObject({ id: MINI, object: 'model', owned_by: 'openai' });
    expect((mini as any).pricing.endpoint).toBe('openai/gpt-4o-mini@openai:us');
    expect((await client.models.retrieve('gpt-4o-mini')).id).toBe(MINI);
    expect((await client.models.retrieve('lowrouter/auto')).id).toBe('lowrouter/auto');
    const encoded = await fetch(`${g.url}/v1/models/${encodeURIComponent(MINI)}`);
    expect(((await encoded.json()) as any).id).toBe(MINI);
    const missing = await client.models.retrieve('nobody/no-such-model').catch((e) => e);
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError);
    expect(missing.error).toMatchObject({
      type: 'invalid_request_error',
      code: 'model_not_found',
      param: 'model',
    });
    expect(missing.error.message).toMatch(/^The model 'nobody\/no-such-model' does not exist/);
  });

  it('routes a request without a model to lowrouter/auto (REST and GraphQL)', async () => {
    const res = await fetch(`${g.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${g.adminKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ messages: hi, max_tokens: 20 }),
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.route.reason).toMatch(/auto: needs tier/);
    const [row] = await sql('select requested_model from requests where id = $1', [body.id]);
    expect(row!.requested_model).toBe('lowrouter/auto');
    const gql = await g.gql(
      'mutation { complete(input: { messages: [{ role: "user", content: "Say hi" }], maxTokens: 20 }) { __typename ... on Completion { id } } }',
    );
    expect(gql.data.complete.__typename).toBe('Completion');
    const [grow] = await sql('select requested_model from requests where id = $1', [gql.data.complete.id]);
    expect(grow!.requested_model).toBe('lowrouter/auto');
  });

  it('answers CORS on /v1 and /graphql only for LOWROUTER_CORS_ORIGINS, never echoing another origin', async () => {
    const preflight = (path: string, origin: string) =>
      fetch(`${g.url}${path}`, {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization, content-type, x-stainless-os',
        },
      });
    for (const path of ['/v1/chat/completions', '/v1/models', '/graphql']) {
      const ok = await preflight(path, ALLOWED);
      expect(ok.status).toBe(204);
      expect(ok.headers.get('access-control-allow-origin')).toBe(ALLOWED);
      expect(ok.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
      expect(ok.headers.get('access-control-allow-headers')).toBe(
        'authorization, content-type, x-stainless-os',
      );
      expect(ok.headers.get('access-control-allow-credentials')).toBeNull();
      const other = await preflight(path, 'https://evil.example');
      expect(other.status).toBe(204);
      expect([...other.headers.keys()].filter((k) => k.startsWith('access-control-'))).toEqual([]);
    }
    const models = await fetch(`${g.url}/v1/models`, { headers: { origin: ALLOWED } });
    expect(models.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(models.headers.get('vary')).toMatch(/Origin/);
    const gqlOther = await fetch(`${g.url}/graphql`, {
      method: 'POST',
      headers: { origin: 'https://evil.example', 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ instance { version } }' }),
    });
    expect(gqlOther.status).toBe(200);
    expect(gqlOther.headers.get('access-control-allow-origin')).toBeNull();
    expect(gqlOther.headers.get('access-control-allow-credentials')).toBeNull();
    const gqlOk = await fetch(`${g.url}/graphql`, {
      method: 'POST',
      headers: { origin: ALLOWED, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ instance { version } }' }),
    });
    expect(gqlOk.headers.get('access-control-allow-origin')).toBe(ALLOWED);
  });

  it('never lets 200 concurrent requests overdraw a balance that covers 50; every success has exactly one debit', async () => {
    const org = await g.gql(
      'mutation { createOrganization(name: "Burst") { ... on CreateOrganizationSuccess { organization { id } } } }',
    );
    const orgId = org.data.createOrganization.organization.id;
    const key = (await g.gql(CREATE_KEY, { orgId, name: 'burst', scopes: ['INFERENCE'] })).data.createApiKey
      .key;
    // What the gateway reserves for this request shape (see inference/bounds.ts): cover 50 of them.
    const [{ need }] = (await sql(
      "select ceil((($1::bigint * input_micro_per_mtok + 100 * output_micro_per_mtok) / 1e6)) as need from endpoints where id = 'openai/gpt-4o-mini@openai:us'",
      [64 + 16 + 6],
    )) as any[];
    const perRequest = Number(need) + Math.ceil((Number(need) * 500) / 10_000);
    await g.grant(orgId, perRequest * 50);
    // Hold every answer long enough that all 200 reservations race before any settles.
    g.fakes.openai.setScenario({ synthetic: true, latencyMs: 3_000 });
    const c = sdk(key);
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, () =>
        c.chat.completions.create({ model: MINI, messages: hi, max_tokens: 100 }),
      ),
    );
    const ok = results.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<any>[];
    const refused = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    expect(ok.length).toBeGreaterThanOrEqual(50);
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.every((r) => r.reason.status === 402)).toBe(true);
    const [bal] = await sql('select balance_micro, reserved_micro from organizations where id = $1', [orgId]);
    const [sum] = await sql(
      'select coalesce(sum(amount_micro), 0) as s from credit_ledger where org_id = $1',
      [orgId],
    );
    expect(Number(bal!.balance_micro)).toBeGreaterThanOrEqual(0);
    expect(Number(bal!.reserved_micro)).toBe(0);
    expect(Number(bal!.balance_micro)).toBe(Number(sum!.s));
    const debits = await sql("select request_id from credit_ledger where org_id = $1 and kind = 'usage'", [
      orgId,
    ]);
    expect(new Set(debits.map((d) => d.request_id))).toEqual(new Set(ok.map((r) => r.value.id)));
    expect(debits).toHaveLength(ok.length);
  });
});
