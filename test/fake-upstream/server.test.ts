import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type FakeUpstream, parseScenario, startFakeUpstream } from './server';

let openai: FakeUpstream;
let anthropic: FakeUpstream;
let gemini: FakeUpstream;

beforeAll(async () => {
  [openai, anthropic, gemini] = await Promise.all([
    startFakeUpstream({ protocol: 'openai' }),
    startFakeUpstream({ protocol: 'anthropic' }),
    startFakeUpstream({ protocol: 'gemini' }),
  ]);
});
afterAll(async () => {
  await Promise.all([openai.close(), anthropic.close(), gemini.close()]);
});
beforeEach(() => {
  for (const f of [openai, anthropic, gemini]) {
    f.reset();
    f.setScenario({});
  }
});

const post = (base: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(base + path, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });

const chatBody = {
  model: 'gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hello to the test suite.' }],
};

describe('fake upstream', () => {
  it('parses scenario names and key=value pairs', () => {
    expect(parseScenario('rate-limited,chunk-delay=5,fixture=groq/chat-stream.sse')).toMatchInlineSnapshot(`
      {
        "chunkDelayMs": 5,
        "fixture": "groq/chat-stream.sse",
        "retryAfter": "1",
        "status": 429,
      }
    `);
    expect(() => parseScenario('no-such-scenario')).toThrow(/unknown fake scenario/);
  });

  it('replays the default recording with its recorded status and headers, and records the request', async () => {
    const res = await post(openai.baseUrl, '/chat/completions', chatBody, { authorization: 'Bearer test' });
    const json = (await res.json()) as { choices: { message: { content: string } }[] };
    expect([res.status, res.headers.get('openai-version'), json.choices[0]!.message.content]).toEqual([
      200,
      '2020-10-01',
      'hello',
    ]);
    expect(openai.requests.map((r) => [r.url, r.fixture, r.headers['authorization']])).toEqual([
      ['/v1/chat/completions', 'openai/chat-nonstream-system-prompt.json', 'Bearer test'],
    ]);
  });

  it('chooses the fixture by model name', async () => {
    const res = await post(openai.baseUrl, '/chat/completions', {
      ...chatBody,
      model: 'groq/chat-stream',
      stream: true,
    });
    expect([res.headers.get('content-type'), (await res.text()).includes('x_groq')]).toEqual([
      'text/event-stream',
      true,
    ]);
  });

  it('streams Gemini by path with CRLF framing kept', async () => {
    const res = await post(gemini.baseUrl, '/models/gemini-2.5-flash:streamGenerateContent?alt=sse', {
      contents: [],
    });
    expect((await res.text()).split('\r\n\r\n').length).toBeGreaterThan(3);
  });

  it('injects a 429 with retry-after from the x-fake-scenario header', async () => {
    const res = await post(anthropic.url, '/v1/messages', chatBody, { 'x-fake-scenario': 'rate-limited' });
    expect([
      res.status,
      res.headers.get('retry-after'),
      ((await res.json()) as { error: { type: string } }).error.type,
    ]).toEqual([429, '1', 'rate_limit_error']);
  });

  it('plays queued scenarios in order, then falls back to the default', async () => {
    await fetch(`${anthropic.url}/__fake/next`, {
      method: 'POST',
      body: JSON.stringify(['overloaded', { status: 500 }]),
    });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(anthropic.url, '/v1/messages', chatBody)).status);
    expect(statuses).toEqual([529, 500, 200]);
  });

  it('answers synthetically with deterministic text and correct usage, streamed or not', async () => {
    openai.setScenario('synthetic,words=5');
    const plain = (await (await post(openai.baseUrl, '/chat/completions', chatBody)).json()) as Record<
      string,
      unknown
    >;
    expect([plain['choices'], plain['usage']]).toMatchInlineSnapshot(`
      [
        [
          {
            "finish_reason": "stop",
            "index": 0,
            "message": {
              "content": "LowRouter synthetic answer from the",
              "role": "assistant",
            },
          },
        ],
        {
          "completion_tokens": 5,
          "completion_tokens_details": {
            "reasoning_tokens": 0,
          },
          "prompt_tokens": 7,
          "prompt_tokens_details": {
            "cached_tokens": 0,
          },
          "total_tokens": 12,
        },
      ]
    `);
    const streamed = await post(openai.baseUrl, '/chat/completions', {
      ...chatBody,
      stream: true,
      stream_options: { include_usage: true },
    });
    const text = await streamed.text();
    expect(text.split('\n\n').filter(Boolean).length).toBe(9); // role, 5 words, finish, usage, [DONE]
    expect(text).toContain('"completion_tokens":5');
  });

  it('strips usage, corrupts JSON, and cuts a stream on request', async () => {
    const noUsage = await (
      await post(openai.baseUrl, '/chat/completions', chatBody, { 'x-fake-scenario': 'missing-usage' })
    ).json();
    expect(noUsage).not.toHaveProperty('usage');
    const bad = await (
      await post(openai.baseUrl, '/chat/completions', chatBody, { 'x-fake-scenario': 'malformed-json' })
    ).text();
    expect(() => JSON.parse(bad)).toThrow();
    const cut = await post(
      openai.baseUrl,
      '/chat/completions',
      { ...chatBody, stream: true },
      { 'x-fake-scenario': 'cut-mid-stream' },
    );
    await expect(cut.text()).rejects.toThrow();
  });

  it('answers but keeps no requests when recording is off (load benchmarks)', async () => {
    const quiet = await startFakeUpstream({ protocol: 'openai', scenario: 'synthetic', record: false });
    try {
      const res = await post(quiet.baseUrl, '/chat/completions', chatBody);
      expect(res.status).toBe(200);
      expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
      expect(quiet.requests).toEqual([]);
    } finally {
      await quiet.close();
    }
  });

  it('delays headers when asked', async () => {
    const started = Date.now();
    await post(openai.baseUrl, '/chat/completions', chatBody, { 'x-fake-scenario': 'latency=120' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
  });
});
