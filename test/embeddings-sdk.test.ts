/**
 * POST /v1/embeddings through the official `openai` SDK's `client.embeddings.create` against a running
 * LowRouter whose OpenAI and Mistral providers are loopback fakes: vectors (floats and the SDK's
 * default base64), charged like any request, `eco` saying why it carries no figure, the request row
 * counted apart (`surface: embeddings`), bounds and errors. PGlite, and PostgreSQL with TEST_DATABASE_URL.
 */
import { testDrivers } from '@lowrouter/api/db/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const SMALL = 'openai/text-embedding-3-small';
const MISTRAL = 'mistral/mistral-embed';
const A = 'hello world'.repeat(20);
const B = 'LowRouter routes requests'.repeat(20);

describe.each(testDrivers())('OpenAI SDK embeddings against /v1/embeddings on %s', (driver) => {
  let g: GatewayWithFakes;
  let client: OpenAI;
  const sql = async (q: string, params: unknown[] = []) => g.gateway.db.exec(q, params);

  beforeAll(async () => {
    g = await startGatewayWithFakes(driver);
    await g.grant('org_default', 50_000_000);
    client = new OpenAI({ apiKey: g.adminKey, baseURL: `${g.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => g.close());
  beforeEach(() => {
    for (const f of Object.values(g.fakes)) {
      f.reset();
      f.setScenario('synthetic');
    }
  });

  it('returns one vector per input, charges the tokens, and says why eco has no figure', async () => {
    const { data: res, response } = await client.embeddings
      .create({ model: SMALL, input: [A, B], encoding_format: 'float' })
      .withResponse();
    expect(res.data.map((d) => [d.index, d.embedding.length])).toEqual([
      [0, 1536],
      [1, 1536],
    ]);
    expect(res.model).toBe(SMALL);
    // The fake counts 4 characters per token: 55 + 125.
    expect(res.usage).toMatchObject({ prompt_tokens: 180, total_tokens: 180 });
    const extra = res as any;
    // 180 tokens at $0.02 per 1M tokens = 3.6 µUSD, rounded to whole µUSD; plus the platform fee.
    expect(extra.usage.upstream_cost).toBe(0.000004);
    expect(extra.usage.cost).toBeGreaterThanOrEqual(extra.usage.upstream_cost);
    expect(extra.eco).toMatchObject({ estimated: false, energyWh: null, gco2e: null, region: 'openai:us' });
    expect(extra.eco.reason).toMatch(/encoder \(embedding\) workloads are not modelled/);
    expect(extra.route).toMatchObject({ model: SMALL, provider: 'openai', endpointId: `${SMALL}@openai:us` });
    const id = response.headers.get('x-lowrouter-request-id')!;
    expect(response.headers.get('x-lowrouter-provider')).toBe('openai');
    expect(g.fakes.openai.requests.at(-1)!.url).toBe('/v1/embeddings');
    expect(g.fakes.openai.requests.at(-1)!.body).toEqual({
      model: 'text-embedding-3-small',
      input: [A, B],
      encoding_format: 'float',
    });
    const rows = await sql(
      'select surface, status, input_tokens, output_tokens, charge_micro, upstream_cost_micro, energy_wh_min, gco2e_min, eco_confidence from requests where id = $1',
      [id],
    );
    expect(rows).toEqual([
      {
        surface: 'embeddings',
        status: 'ok',
        input_tokens: 180,
        output_tokens: 0,
        charge_micro: expect.anything(),
        upstream_cost_micro: expect.anything(),
        energy_wh_min: null,
        gco2e_min: null,
        eco_confidence: 'not-modelled',
      },
    ]);
    expect(Number(rows[0]!.charge_micro)).toBe(Math.round(extra.usage.cost * 1e6));
    const debits = await sql(
      "select amount_micro from credit_ledger where request_id = $1 and kind = 'usage'",
      [id],
    );
    expect(debits.map((d) => Number(d.amount_micro))).toEqual([-Number(rows[0]!.charge_micro)]);
    // The text was never stored.
    expect(JSON.stringify(await sql('select * from requests where id = $1', [id]))).not.toContain(
      'hello world',
    );
  });

  it("decodes the SDK's default base64 to the same vectors, and honours dimensions", async () => {
    const floats = await client.embeddings.create({
      model: SMALL,
      input: 'same text',
      encoding_format: 'float',
    });
    const decoded = await client.embeddings.create({ model: SMALL, input: 'same text' });
    expect(decoded.data[0]!.embedding).toEqual(floats.data[0]!.embedding);
    const short = await client.embeddings.create({ model: SMALL, input: 'same text', dimensions: 256 });
    expect(short.data[0]!.embedding).toHaveLength(256);
    expect((g.fakes.openai.requests.at(-1)!.body as any).dimensions).toBe(256);
  });

  it('is served by Mistral for mistral-embed, encoding base64 itself since Mistral sends floats', async () => {
    const res = await client.embeddings.create({ model: MISTRAL, input: ['bonjour', 'le monde'] });
    expect(res.data.map((d) => d.embedding.length)).toEqual([1024, 1024]);
    expect((res as any).route.provider).toBe('mistral');
    expect((res as any).eco.region).toBe('mistral:eu');
    const sent = g.fakes.mistral.requests.at(-1)!;
    expect(sent.url).toBe('/v1/embeddings');
    expect(sent.body).toEqual({ model: 'mistral-embed', input: ['bonjour', 'le monde'] });
    const floats = await client.embeddings.create({
      model: MISTRAL,
      input: ['bonjour'],
      encoding_format: 'float',
    });
    expect(floats.data[0]!.embedding).toEqual(res.data[0]!.embedding);
  });

  it('refuses bad input with a 400 that says what to fix, and unknown or chat models with 404', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ model: SMALL, input: [] }, /input must be a string or a non-empty list of strings/],
      [{ model: SMALL, input: [[1, 2, 3]] }, /token arrays are not supported/],
      [{ model: SMALL, input: [''] }, /must not be empty/],
      [{ model: SMALL, input: Array(2049).fill('x') }, /at most 2048 inputs/],
      [{ model: SMALL, input: 'x', dimensions: 5000 }, /dimensions must be an integer from 1 to 1536/],
      [{ model: MISTRAL, input: 'x', dimensions: 256 }, /does not take dimensions/],
      [{ model: SMALL, input: 'x', encoding_format: 'int8' }, /encoding_format must be 'float' or 'base64'/],
    ];
    for (const [body, message] of cases) {
      const err = await client.embeddings.create(body as any).catch((e) => e);
      expect(err, JSON.stringify(body).slice(0, 80)).toBeInstanceOf(OpenAI.BadRequestError);
      expect(err.message).toMatch(message);
    }
    for (const model of ['nope/none', 'openai/gpt-4o-mini']) {
      const err = await client.embeddings.create({ model, input: 'x' }).catch((e) => e);
      expect(err).toBeInstanceOf(OpenAI.NotFoundError);
      expect(err.message).toMatch(/unknown embedding model .*available: openai\/text-embedding-3-small/);
    }
    expect(g.fakes.openai.requests).toHaveLength(0);
  });

  it('reports an upstream failure as 502, records it, and charges nothing', async () => {
    g.fakes.openai.setScenario('server-error');
    const err = await client.embeddings
      .create({ model: SMALL, input: 'x', encoding_format: 'float' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err.status).toBe(502);
    expect(err.error.attempts[0]).toMatchObject({
      provider: 'openai',
      outcome: 'error',
      errorKind: 'upstream',
    });
    const rows = await sql('select status, charge_micro from requests where id = $1', [err.error.requestId]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'error' });
    expect(Number(rows[0]!.charge_micro)).toBe(0);
    const debits = await sql("select 1 from credit_ledger where request_id = $1 and kind = 'usage'", [
      err.error.requestId,
    ]);
    expect(debits).toHaveLength(0);
  });

  it('counts embeddings apart in usage: embeddingRequests of requests, by day and by model', async () => {
    await client.embeddings.create({ model: SMALL, input: 'count me' });
    await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const res = await g.gql('{ usage(groupBy: [MODEL]) { model requests embeddingRequests } }');
    expect(res.errors).toBeUndefined();
    const rows = (await sql(
      "select coalesce(model_id, '') as model, count(*)::int as n, count(*) filter (where surface = 'embeddings')::int as e from requests group by 1",
    )) as { model: string; n: number; e: number }[];
    const expected = rows
      .map((r) => ({ model: r.model || null, requests: r.n, embeddingRequests: r.e }))
      .sort((a, b) => String(a.model ?? '').localeCompare(String(b.model ?? '')));
    const got = [...res.data.usage].sort((a: any, b: any) =>
      String(a.model ?? '').localeCompare(String(b.model ?? '')),
    );
    expect(got).toEqual(expected);
    expect(got.find((b: any) => b.model === SMALL).embeddingRequests).toBeGreaterThan(0);
    expect(got.find((b: any) => b.model === 'openai/gpt-4o-mini').embeddingRequests).toBe(0);
    // The rows read back over GraphQL say where they came in.
    const listed = await g.gql('{ requests(first: 5) { nodes { model surface } } }');
    expect(listed.errors).toBeUndefined();
    expect(listed.data.requests.nodes).toContainEqual({ model: SMALL, surface: 'EMBEDDINGS' });
  });

  it('cancels the upstream call when the client leaves, records client_disconnected, charges nothing', async () => {
    g.fakes.openai.setScenario({ latencyMs: 3_000 });
    const abort = new AbortController();
    const sent = fetch(`${g.url}/v1/embeddings`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${g.adminKey}` },
      body: JSON.stringify({ model: SMALL, input: 'leaving early' }),
      signal: abort.signal,
    }).catch((e) => e);
    for (let i = 0; i < 100 && g.fakes.openai.requests.length < 1; i++)
      await new Promise((r) => setTimeout(r, 20));
    abort.abort();
    await sent;
    let rows: Record<string, unknown>[] = [];
    for (let i = 0; i < 100 && !rows.length; i++) {
      rows = await sql(
        "select status, error_kind, charge_micro from requests where surface = 'embeddings' and status <> 'ok' and error_kind = 'client_disconnected'",
      );
      if (!rows.length) await new Promise((r) => setTimeout(r, 20));
    }
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.charge_micro)).toBe(0);
    for (let i = 0; i < 100 && !g.fakes.openai.requests[0]!.aborted; i++)
      await new Promise((r) => setTimeout(r, 20));
    expect(g.fakes.openai.requests[0]!.aborted).toBe(true);
  });

  it('lists the embedding models in GET /v1/models', async () => {
    const ids = [];
    for await (const m of client.models.list()) ids.push(m as any);
    expect(ids.find((m) => m.id === MISTRAL)).toMatchObject({
      type: 'embedding',
      dimensions: 1024,
      owned_by: 'mistral',
    });
    expect(ids.find((m) => m.id === 'openai/gpt-4o-mini')?.type).toBeUndefined();
    // And retrieves one by id, as chat models are.
    expect(await client.models.retrieve(SMALL)).toMatchObject({ id: SMALL, type: 'embedding' });
  });

  it('refuses a key without the inference scope', async () => {
    const created = await g.gql(
      `mutation { createApiKey(name: "reader", scopes: [READ]) { ... on CreateApiKeySuccess { key } ... on Error { message } } }`,
    );
    const reader = new OpenAI({
      apiKey: created.data.createApiKey.key,
      baseURL: `${g.url}/v1`,
      maxRetries: 0,
    });
    const err = await reader.embeddings.create({ model: SMALL, input: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.PermissionDeniedError);
  });
});
