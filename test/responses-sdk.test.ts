/**
 * POST /v1/responses through the official `openai` SDK's `client.responses.create` against a running
 * LowRouter whose providers are loopback fakes: plain, streamed, tools and function-call outputs,
 * the store refusals, and served by Anthropic (cross-provider). Runs on PGlite, and on PostgreSQL
 * when TEST_DATABASE_URL is set.
 */
import { testDrivers } from '@lowrouter/api/db/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const MINI = 'openai/gpt-4o-mini';
const HAIKU = 'anthropic/claude-haiku-4-5';
const weather = {
  type: 'function' as const,
  name: 'get_current_weather',
  description: 'Current weather in a city',
  parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'] },
  strict: false,
};

describe.each(testDrivers())('OpenAI SDK responses against /v1/responses on %s', (driver) => {
  let g: GatewayWithFakes;
  let client: OpenAI;
  const sql = async (q: string, params: unknown[] = []) => g.gateway.db.exec(q, params);
  const lastBody = (fake: 'openai' | 'anthropic') => g.fakes[fake].requests.at(-1)!.body as any;

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

  it('answers a string input with instructions, usage.cost, eco and route, recorded and charged once', async () => {
    const { data: r, response } = await client.responses
      .create({ model: MINI, input: 'Say hi', instructions: 'Be brief.', max_output_tokens: 60 })
      .withResponse();
    expect(r.object).toBe('response');
    expect(r.status).toBe('completed');
    expect(r.output_text).toBe(
      'LowRouter synthetic answer from the fake upstream, deterministic and instant. LowRouter synthetic',
    );
    expect((r as any).store).toBe(false);
    expect(r.usage).toMatchObject({ output_tokens: 12, output_tokens_details: { reasoning_tokens: 0 } });
    const extra = r as any;
    expect(extra.usage.cost).toBeGreaterThan(0);
    expect(extra.eco).toMatchObject({ region: 'openai:us', methodology: 'ecologits-5be90da' });
    expect(extra.route).toMatchObject({ provider: 'openai', model: MINI });
    expect(response.headers.get('x-lowrouter-request-id')).toBe(r.id);
    expect(lastBody('openai')).toMatchObject({
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Say hi' },
      ],
      max_tokens: 60,
    });
    const rows = await sql('select status, charge_micro from requests where id = $1', [r.id]);
    expect(rows).toHaveLength(1);
    expect(Number(rows[0]!.charge_micro)).toBe(Math.round(extra.usage.cost * 1e6));
  });

  it('takes input items: messages with parts, images, function calls and their outputs', async () => {
    const r = await client.responses.create({
      model: MINI,
      store: false,
      tools: [weather],
      input: [
        { role: 'developer', content: 'Use tools.' },
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'Weather here?' },
            { type: 'input_image', image_url: 'https://example.com/street.png', detail: 'low' },
          ],
        },
        {
          type: 'function_call',
          call_id: 'call_1',
          name: 'get_current_weather',
          arguments: '{"location":"Oslo"}',
        },
        { type: 'function_call_output', call_id: 'call_1', output: '3C and snow' },
      ],
    });
    expect(r.status).toBe('completed');
    expect(lastBody('openai').messages).toEqual([
      { role: 'developer', content: 'Use tools.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Weather here?' },
          { type: 'image_url', image_url: { url: 'https://example.com/street.png', detail: 'low' } },
        ],
      },
      {
        role: 'assistant',
        content: null,
        tool_calls: [
          {
            id: 'call_1',
            type: 'function',
            function: { name: 'get_current_weather', arguments: '{"location":"Oslo"}' },
          },
        ],
      },
      { role: 'tool', tool_call_id: 'call_1', content: '3C and snow' },
    ]);
    expect(lastBody('openai').tools[0]).toMatchObject({
      type: 'function',
      function: { name: 'get_current_weather', parameters: weather.parameters },
    });
  });

  it('returns function_call items, streamed and not', async () => {
    g.fakes.openai.setScenario('ok'); // the recorded OpenAI tool calls
    const r = await client.responses.create({ model: MINI, input: 'Weather in Boston?', tools: [weather] });
    const call = r.output.find(
      (o) => o.type === 'function_call',
    ) as OpenAI.Responses.ResponseFunctionToolCall;
    expect(call).toMatchObject({
      call_id: 'call_8fxy20OEu9ulvvaa5b5CzVA4',
      name: 'get_current_weather',
      arguments: '{"location":"Boston, MA","unit":"fahrenheit"}',
    });
    const stream = client.responses.stream({ model: MINI, input: 'Weather in Boston?', tools: [weather] });
    const argDeltas: string[] = [];
    stream.on('response.function_call_arguments.delta', (e) => argDeltas.push(e.delta));
    const final = await stream.finalResponse();
    const streamedCall = final.output.find((o) => o.type === 'function_call') as any;
    expect(streamedCall.name).toBeTruthy();
    expect(argDeltas.join('')).toBe(streamedCall.arguments);
  });

  it("streams Responses' typed events, usage and LowRouter's blocks in response.completed", async () => {
    const stream = await client.responses.create({ model: MINI, input: 'Say hi', stream: true });
    const events: any[] = [];
    for await (const e of stream) events.push(e);
    expect(events.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array(12).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const done = events.at(-1).response;
    expect(done.status).toBe('completed');
    expect(done.output[0].content[0].text).toMatch(/^LowRouter synthetic answer/);
    expect(done.usage.cost).toBeGreaterThan(0);
    expect(done.eco.energyWh.mid).toBeGreaterThan(0);
    expect(done.route.provider).toBe('openai');
    const final = await client.responses.stream({ model: MINI, input: 'Say hi' }).finalResponse();
    expect(final.output_text).toMatch(/^LowRouter synthetic answer/);
  });

  it('refuses store: true and previous_response_id with a 400 saying LowRouter stores no content', async () => {
    const stored = await client.responses.create({ model: MINI, input: 'hi', store: true }).catch((e) => e);
    expect(stored).toBeInstanceOf(OpenAI.BadRequestError);
    expect(stored.message).toMatch(
      /store: true is not supported: LowRouter stores no request or response content/,
    );
    expect(stored.param).toBe('store');
    const chained = await client.responses
      .create({ model: MINI, input: 'hi', previous_response_id: 'resp_123' })
      .catch((e) => e);
    expect(chained).toBeInstanceOf(OpenAI.BadRequestError);
    expect(chained.message).toMatch(/previous_response_id is not supported: LowRouter stores no/);
    const hosted = await client.responses
      .create({ model: MINI, input: 'hi', tools: [{ type: 'web_search' } as any] })
      .catch((e) => e);
    expect(hosted).toBeInstanceOf(OpenAI.BadRequestError);
    expect(hosted.message).toMatch(/tool type 'web_search' is not supported/);
    const empty = await client.responses.create({ model: MINI, input: [] }).catch((e) => e);
    expect(empty).toBeInstanceOf(OpenAI.BadRequestError);
    expect(g.fakes.openai.requests).toHaveLength(0);
  });

  it('is served by Anthropic when the route picks an Anthropic endpoint (cross-provider), streamed and not', async () => {
    g.fakes.anthropic.setScenario('ok'); // replay recorded Anthropic traffic
    const r = await client.responses.create({ model: HAIKU, input: 'Say hello', instructions: 'One word.' });
    expect(r.output_text).toBe('hello');
    expect((r as any).route.provider).toBe('anthropic');
    expect(r.usage?.input_tokens).toBe(60);
    expect(lastBody('anthropic')).toMatchObject({
      system: 'One word.',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello' }] }],
    });
    const final = await client.responses.stream({ model: HAIKU, input: 'Say hello' }).finalResponse();
    expect(final.output_text.length).toBeGreaterThan(0);
    expect((final as any).route.provider).toBe('anthropic');
    expect(final.usage?.output_tokens).toBeGreaterThan(0);
  });
});
