/**
 * POST /v1/messages through the official `@anthropic-ai/sdk`, unchanged, against a running LowRouter
 * whose providers are loopback fakes: plain, streamed, tools, images, errors, and served by providers
 * that do not speak Anthropic (OpenAI, Mistral). Runs on PGlite, and on PostgreSQL when
 * TEST_DATABASE_URL is set.
 */
import Anthropic from '@anthropic-ai/sdk';
import { testDrivers } from '@lowrouter/api/db/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const CREATE_KEY = `mutation($orgId: ID, $name: String!, $scopes: [ApiKeyScope!]!) {
  createApiKey(orgId: $orgId, name: $name, scopes: $scopes) { ... on CreateApiKeySuccess { key apiKey { id } } ... on Error { message } } }`;
const MINI = 'openai/gpt-4o-mini';
const hi = [{ role: 'user' as const, content: 'Say hi' }];
const weatherTool = {
  name: 'get_current_weather',
  description: 'Current weather in a city',
  input_schema: {
    type: 'object' as const,
    properties: { location: { type: 'string' }, unit: { type: 'string' } },
    required: ['location'],
  },
};

describe.each(testDrivers())('Anthropic SDK against /v1/messages on %s', (driver) => {
  let g: GatewayWithFakes;
  let client: Anthropic;
  const sdk = (apiKey: string) => new Anthropic({ apiKey, baseURL: g.url, maxRetries: 0 });
  const sql = async (q: string, params: unknown[] = []) => g.gateway.db.exec(q, params);
  const lastBody = (fake: 'openai' | 'mistral' | 'anthropic') => g.fakes[fake].requests.at(-1)!.body as any;

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

  it('answers a message with Anthropic usage and a lowrouter block (cost, eco, route), recorded once and charged once', async () => {
    const { data: msg, response } = await client.messages
      .create({
        model: MINI,
        max_tokens: 50,
        system: 'Answer in one word.',
        stop_sequences: ['END'],
        temperature: 0.2,
        messages: hi,
      })
      .withResponse();
    expect(msg.type).toBe('message');
    expect(msg.role).toBe('assistant');
    expect(msg.content[0]).toMatchObject({ type: 'text' });
    expect((msg.content[0] as Anthropic.TextBlock).text).toMatch(/\w/);
    expect(msg.stop_reason).toBe('end_turn');
    expect(msg.usage.input_tokens).toBeGreaterThan(0);
    expect(msg.usage.output_tokens).toBe(12);
    const lr = (msg as any).lowrouter;
    expect(lr.cost).toBeGreaterThan(0);
    expect(lr.eco).toMatchObject({ region: 'openai:us', methodology: 'ecologits-5be90da' });
    expect(lr.route).toMatchObject({ model: MINI, provider: 'openai', region: 'openai:us' });
    expect(response.headers.get('x-lowrouter-provider')).toBe('openai');
    expect(response.headers.get('x-lowrouter-request-id')).toBe(msg.id);
    // The upstream got the canonical translation: system first, stop sequences, the token cap.
    expect(lastBody('openai')).toMatchObject({
      messages: [
        { role: 'system', content: 'Answer in one word.' },
        { role: 'user', content: 'Say hi' },
      ],
      stop: ['END'],
      max_tokens: 50,
      temperature: 0.2,
    });
    const rows = await sql('select status, charge_micro, output_tokens from requests where id = $1', [
      msg.id,
    ]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ status: 'ok', output_tokens: 12 });
    expect(Number(rows[0]!.charge_micro)).toBe(Math.round(lr.cost * 1e6));
    const debits = await sql(
      "select amount_micro from credit_ledger where request_id = $1 and kind = 'usage'",
      [msg.id],
    );
    expect(debits.map((d) => Number(d.amount_micro))).toEqual([-Math.round(lr.cost * 1e6)]);
  });

  it('accepts the key as a bearer token too', async () => {
    const bearer = new Anthropic({ authToken: g.adminKey, apiKey: null, baseURL: g.url, maxRetries: 0 });
    const msg = await bearer.messages.create({ model: MINI, max_tokens: 20, messages: hi });
    expect(msg.content).toHaveLength(1);
  });

  it("streams Anthropic's event sequence, with usage and the lowrouter block on the final message_delta", async () => {
    const stream = await client.messages.create({ model: MINI, max_tokens: 50, messages: hi, stream: true });
    const events: any[] = [];
    for await (const e of stream) events.push(e);
    const types = events.map((e) => e.type);
    expect(types[0]).toBe('message_start');
    expect(types.slice(1, 2)).toEqual(['content_block_start']);
    expect(types.slice(-3)).toEqual(['content_block_stop', 'message_delta', 'message_stop']);
    const text = events
      .filter((e) => e.type === 'content_block_delta')
      .map((e) => e.delta.text)
      .join('');
    expect(text).toBe(
      'LowRouter synthetic answer from the fake upstream, deterministic and instant. LowRouter synthetic',
    );
    const delta = events.at(-2);
    expect(delta.delta.stop_reason).toBe('end_turn');
    expect(delta.usage.output_tokens).toBe(12);
    expect(delta.lowrouter.cost).toBeGreaterThan(0);
    expect(delta.lowrouter.eco.energyWh.mid).toBeGreaterThan(0);
    expect(delta.lowrouter.route.provider).toBe('openai');
    const rows = await sql('select status, stream from requests where id = $1', [events[0].message.id]);
    expect(rows[0]).toMatchObject({ status: 'ok', stream: true });
  });

  it("accumulates with the SDK's stream helper", async () => {
    const final = await client.messages.stream({ model: MINI, max_tokens: 50, messages: hi }).finalMessage();
    expect((final.content[0] as Anthropic.TextBlock).text).toMatch(/^LowRouter synthetic/);
    expect(final.usage.output_tokens).toBe(12);
    expect(final.stop_reason).toBe('end_turn');
  });

  it('passes tools through, returns tool_use blocks, and sends tool results back as tool messages', async () => {
    g.fakes.openai.setScenario('ok'); // replay the recorded OpenAI tool call
    const msg = await client.messages.create({
      model: MINI,
      max_tokens: 200,
      tools: [weatherTool],
      tool_choice: { type: 'any' },
      messages: [{ role: 'user', content: 'Weather in Boston?' }],
    });
    expect(msg.stop_reason).toBe('tool_use');
    const use = msg.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
    expect(use).toMatchObject({
      name: 'get_current_weather',
      id: 'call_8fxy20OEu9ulvvaa5b5CzVA4',
      input: { location: 'Boston, MA', unit: 'fahrenheit' },
    });
    expect(lastBody('openai')).toMatchObject({
      tools: [
        { type: 'function', function: { name: 'get_current_weather', parameters: weatherTool.input_schema } },
      ],
      tool_choice: 'required',
    });

    g.fakes.openai.setScenario('synthetic');
    const next = await client.messages.create({
      model: MINI,
      max_tokens: 50,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Boston?' },
        { role: 'assistant', content: msg.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: use.id, content: '72F and sunny' },
            { type: 'text', text: 'Summarise.' },
          ],
        },
      ],
    });
    expect(next.stop_reason).toBe('end_turn');
    expect(lastBody('openai').messages).toMatchObject([
      { role: 'user', content: 'Weather in Boston?' },
      {
        role: 'assistant',
        tool_calls: [
          { id: use.id, function: { name: 'get_current_weather', arguments: JSON.stringify(use.input) } },
        ],
      },
      { role: 'tool', tool_call_id: use.id, content: '72F and sunny' },
      { role: 'user', content: [{ type: 'text', text: 'Summarise.' }] },
    ]);
  });

  it('streams a tool call as a tool_use block with input_json_delta pieces', async () => {
    g.fakes.openai.setScenario('ok');
    const stream = client.messages.stream({
      model: MINI,
      max_tokens: 200,
      tools: [weatherTool],
      messages: [{ role: 'user', content: 'Weather in Boston?' }],
    });
    const deltas: string[] = [];
    stream.on('inputJson', (partial) => deltas.push(partial));
    const final = await stream.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    const use = final.content.find((b) => b.type === 'tool_use') as Anthropic.ToolUseBlock;
    expect(use.name).toBeTruthy();
    expect(typeof use.input).toBe('object');
    expect(deltas.length).toBeGreaterThan(0);
  });

  it('sends images as image parts (base64 and URL)', async () => {
    await client.messages.create({
      model: MINI,
      max_tokens: 20,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
            { type: 'image', source: { type: 'url', url: 'https://example.com/cat.png' } },
            { type: 'text', text: 'What is this?' },
          ],
        },
      ],
    });
    expect(lastBody('openai').messages[0].content).toEqual([
      { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.png' } },
      { type: 'text', text: 'What is this?' },
    ]);
  });

  it('is served by Mistral when the route picks a Mistral endpoint (cross-provider)', async () => {
    const msg = await client.messages.create({
      model: 'mistral/mistral-small-2506',
      max_tokens: 40,
      system: 'Be brief.',
      messages: hi,
    });
    expect((msg.content[0] as Anthropic.TextBlock).text).toMatch(/^LowRouter synthetic/);
    expect((msg as any).lowrouter.route.provider).toBe('mistral');
    expect((msg as any).lowrouter.eco.region).toMatch(/^mistral:/);
    expect(lastBody('mistral').messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(g.fakes.openai.requests).toHaveLength(0);
    const streamed = await client.messages
      .stream({ model: 'mistral/mistral-small-2506', max_tokens: 40, messages: hi })
      .finalMessage();
    expect((streamed.content[0] as Anthropic.TextBlock).text).toMatch(/^LowRouter synthetic/);
  });

  it('is served by Anthropic itself, replaying recorded Anthropic traffic, streamed and not', async () => {
    g.fakes.anthropic.setScenario('ok');
    const msg = await client.messages.create({
      model: 'anthropic/claude-haiku-4-5',
      max_tokens: 40,
      messages: hi,
    });
    expect(msg.content).toEqual([{ type: 'text', text: 'hello' }]);
    expect(msg.usage).toMatchObject({ input_tokens: 60, output_tokens: 4 });
    expect((msg as any).lowrouter.route.provider).toBe('anthropic');
    expect(lastBody('anthropic')).toMatchObject({ max_tokens: 40, messages: [{ role: 'user' }] });
    const streamed = await client.messages
      .stream({ model: 'anthropic/claude-haiku-4-5', max_tokens: 40, messages: hi })
      .finalMessage();
    expect(streamed.content[0]!.type).toBe('text');
    expect(streamed.usage.output_tokens).toBeGreaterThan(0);
  });

  it("answers errors in Anthropic's envelope with its status codes", async () => {
    const bad = await sdk(`lr_${'A'.repeat(43)}`)
      .messages.create({ model: MINI, max_tokens: 10, messages: hi })
      .catch((e) => e);
    expect(bad).toBeInstanceOf(Anthropic.AuthenticationError);
    expect(bad.error).toMatchObject({ type: 'error', error: { type: 'authentication_error' } });

    const noMax = await client.messages.create({ model: MINI, messages: hi } as any).catch((e) => e);
    expect(noMax).toBeInstanceOf(Anthropic.BadRequestError);
    expect(noMax.error.error).toMatchObject({ type: 'invalid_request_error' });
    expect(noMax.message).toMatch(/max_tokens is required/);

    const hot = await client.messages
      .create({ model: MINI, max_tokens: 10, temperature: 1.5, messages: hi })
      .catch((e) => e);
    expect(hot).toBeInstanceOf(Anthropic.BadRequestError);
    expect(hot.message).toMatch(/temperature must be a number from 0 to 1/);

    const unknown = await client.messages
      .create({ model: 'nope/none', max_tokens: 10, messages: hi })
      .catch((e) => e);
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect(unknown.error.error.type).toBe('not_found_error');
    expect(unknown.requestID).toMatch(/^req_/);

    const serverTool = await client.messages
      .create({
        model: MINI,
        max_tokens: 10,
        messages: hi,
        tools: [{ type: 'web_search_20250305', name: 'web_search' } as any],
      })
      .catch((e) => e);
    expect(serverTool).toBeInstanceOf(Anthropic.BadRequestError);
    expect(serverTool.message).toMatch(/server tool 'web_search_20250305' is not supported/);

    const version = await client.messages
      .create(
        { model: MINI, max_tokens: 10, messages: hi },
        { headers: { 'anthropic-version': '1999-01-01' } },
      )
      .catch((e) => e);
    expect(version).toBeInstanceOf(Anthropic.BadRequestError);
    expect(version.message).toMatch(/anthropic-version/);
    expect(g.fakes.openai.requests).toHaveLength(0);
  });

  it('refuses an unfunded organisation with 402 billing_error before any upstream call', async () => {
    const org = await g.gql(
      'mutation { createOrganization(name: "Broke Anthropic") { ... on CreateOrganizationSuccess { organization { id } } } }',
    );
    const orgId = org.data.createOrganization.organization.id;
    const key = (await g.gql(CREATE_KEY, { orgId, name: 'broke', scopes: ['INFERENCE'] })).data.createApiKey
      .key;
    const err = await sdk(key)
      .messages.create({ model: MINI, max_tokens: 10, messages: hi })
      .catch((e) => e);
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(err.status).toBe(402);
    expect(err.error.error).toMatchObject({ type: 'billing_error', code: 'insufficient_credits' });
    expect(g.fakes.openai.requests).toHaveLength(0);
  });

  it('maps an upstream failure to api_error, and a failure mid-stream to an error event the SDK throws', async () => {
    g.fakes.openai.setScenario('server-error');
    const failed = await client.messages
      .create({ model: MINI, max_tokens: 10, messages: hi })
      .catch((e) => e);
    expect(failed).toBeInstanceOf(Anthropic.InternalServerError);
    expect(failed.error.error.type).toBe('api_error');

    g.fakes.openai.setScenario({ synthetic: true, words: 40, chunks: 20, cut: true });
    const stream = await client.messages.create({
      model: MINI,
      max_tokens: 100,
      messages: hi,
      stream: true,
    });
    const seen: string[] = [];
    const err = await (async () => {
      for await (const e of stream) seen.push(e.type);
    })().catch((e) => e);
    expect(seen[0]).toBe('message_start');
    expect(err).toBeInstanceOf(Anthropic.APIError);
    expect(String(err.message)).toMatch(/upstream failed mid-stream/);
  });
});
