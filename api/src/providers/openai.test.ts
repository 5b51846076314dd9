import { describe, expect, it } from 'vitest';
import { listFixtures, readFixtureJson, readMeta } from './fixture-files';
import { openaiAdapter } from './openai';
import { parseSse } from './sse';
import {
  replayStream,
  SAMPLE_REQUESTS,
  summariseEvents,
  summariseResponse,
  testContext,
  testTarget,
  wire,
} from './test-support';

const FOLDERS = ['openai', 'azure-openai', 'groq', 'together', 'ollama', 'openrouter'];
const recorded = listFixtures(FOLDERS).filter((f) => !f.includes('/reconstructed/'));

describe('OpenAI-compatible responses (recorded)', () => {
  it('parses every recorded non-stream response into the canonical shape', () => {
    const out: Record<string, unknown> = {};
    for (const f of recorded.filter((f) => f.endsWith('.json') && readMeta(f).status === 200)) {
      const r = openaiAdapter.parseResponse(readFixtureJson(f), testContext());
      out[f] = r.ok ? summariseResponse(r.response) : r.error;
    }
    expect(out).toMatchInlineSnapshot(`
      {
        "azure-openai/chat-nonstream-cognitiveservices.json": {
          "finishReason": "stop",
          "id": "chatcmpl-CM9n9OhFOl4lSSFwarLEIMnPrNWSP",
          "message": {
            "content": "Hi there! How can I help today? I can answer questions, brai…(298)",
            "role": "assistant",
          },
          "model": "gpt-5-nano-2025-08-07",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 8,
            "outputTokens": 271,
            "reasoningTokens": 192,
          },
          "warnings": [],
        },
        "azure-openai/chat-nonstream.json": {
          "finishReason": "stop",
          "id": "chatcmpl-CMHupZWvPSAKRK8fdbmttEmgO4tif",
          "message": {
            "content": "hello",
            "role": "assistant",
          },
          "model": "gpt-4.1-2025-04-14",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 58,
            "outputTokens": 2,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "azure-openai/chat-tool-call.json": {
          "finishReason": "tool_calls",
          "id": "chatcmpl-CMHvxsAVgI8mDTETsS1gHWilBoiEV",
          "message": {
            "content": null,
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{}",
                  "name": "get_location",
                },
                "id": "call_fQ9SYkPVkwRd44xwxwdGdsR8",
                "type": "function",
              },
            ],
          },
          "model": "gpt-4.1-2025-04-14",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 92,
            "outputTokens": 11,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "groq/chat-nonstream.json": {
          "finishReason": "stop",
          "id": "chatcmpl-8d265653-a5e6-4987-ae84-776a020cf110",
          "message": {
            "content": "hello",
            "role": "assistant",
          },
          "model": "moonshotai/kimi-k2-instruct-0905",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 58,
            "outputTokens": 2,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "groq/chat-tool-call.json": {
          "finishReason": "tool_calls",
          "id": "chatcmpl-59fd57cb-f220-45bb-92d2-c2484a430d6d",
          "message": {
            "content": null,
            "reasoning": "The user asks "Where am I located?" We need to get location …(160)",
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{}",
                  "name": "get_location",
                },
                "id": "fc_c78af261-4681-472c-a048-40a81f43d300",
                "type": "function",
              },
            ],
          },
          "model": "openai/gpt-oss-120b",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 172,
            "outputTokens": 56,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "ollama/chat-nonstream-cloud.json": {
          "finishReason": "stop",
          "id": "chatcmpl-887",
          "message": {
            "content": "{"name":"Loki","animal":"cat","age":3}",
            "reasoning": "We need to output JSON with name, animal, age. It's a 3 year…(204)",
            "role": "assistant",
          },
          "model": "gpt-oss:20b",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 172,
            "outputTokens": 88,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "ollama/chat-nonstream-local.json": {
          "finishReason": "stop",
          "id": "chatcmpl-150",
          "message": {
            "content": "{ "city": "Paris", "country": "France" }",
            "reasoning": "Okay, the user is asking for the capital of France. I know t…(508)",
            "role": "assistant",
          },
          "model": "qwen3:0.6b",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 136,
            "outputTokens": 15,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "ollama/chat-tool-call-cloud.json": {
          "finishReason": "tool_calls",
          "id": "chatcmpl-273",
          "message": {
            "content": null,
            "reasoning": "The conversation: user asked "What is the capital of France?…(763)",
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{"city":"Paris","country":"France"}",
                  "name": "final_result",
                },
                "id": "call_o2vnpxrw",
                "type": "function",
              },
            ],
          },
          "model": "gpt-oss:20b",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 206,
            "outputTokens": 194,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "openai/chat-nonstream-stop-sequence.json": {
          "finishReason": "stop",
          "id": "chatcmpl-CM0O9mf13QhFDzQklUKaISBM2eeMY",
          "message": {
            "content": "one  
      two  
      three  
      four  
      ",
            "role": "assistant",
          },
          "model": "gpt-4o-2024-08-06",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 65,
            "outputTokens": 9,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "openai/chat-nonstream-system-prompt.json": {
          "finishReason": "stop",
          "id": "chatcmpl-CM0O17mYQS5uVAyo8LRun8pTFLPJp",
          "message": {
            "content": "hello",
            "role": "assistant",
          },
          "model": "gpt-4o-2024-08-06",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 58,
            "outputTokens": 1,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "openai/chat-nonstream.json": {
          "finishReason": "stop",
          "id": "chatcmpl-C4Gm9xikLXbgE8He0BHWeoM03aa72",
          "message": {
            "content": "Hi there! How can I help you today? I can explain concepts, …(206)",
            "role": "assistant",
          },
          "model": "gpt-5-nano-2025-08-07",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 8,
            "outputTokens": 377,
            "reasoningTokens": 320,
          },
          "warnings": [],
        },
        "openai/chat-parallel-tool-calls.json": {
          "finishReason": "tool_calls",
          "id": "chatcmpl-C4GmNWjg23NFd2DxEgJ1aMbICfhdA",
          "message": {
            "content": null,
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{"location":"San Francisco, CA"}",
                  "name": "get_current_weather",
                },
                "id": "call_Xc4Aiih37EUJvqjoZlu4Vdoi",
                "type": "function",
              },
            ],
          },
          "model": "gpt-5-nano-2025-08-07",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 162,
            "outputTokens": 219,
            "reasoningTokens": 192,
          },
          "warnings": [],
        },
        "openai/chat-tool-call.json": {
          "finishReason": "tool_calls",
          "id": "chatcmpl-C4GmWI2Sl7HnrQsKorSAZkJy94dpT",
          "message": {
            "content": null,
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{"location":"Boston, MA","unit":"fahrenheit"}",
                  "name": "get_current_weather",
                },
                "id": "call_8fxy20OEu9ulvvaa5b5CzVA4",
                "type": "function",
              },
            ],
          },
          "model": "gpt-5-nano-2025-08-07",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 162,
            "outputTokens": 287,
            "reasoningTokens": 256,
          },
          "warnings": [],
        },
        "together/chat-nonstream.json": {
          "finishReason": "stop",
          "id": "o1uFKW6-zqrih-95a9f8acaec9dd87",
          "message": {
            "content": "hello",
            "role": "assistant",
          },
          "model": "deepseek-ai/DeepSeek-V3",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 50,
            "outputTokens": 2,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "together/chat-tool-call.json": {
          "finishReason": "tool_calls",
          "id": "o1uFP3s-zqrih-95a9f8f70db576df",
          "message": {
            "content": null,
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{}",
                  "name": "get_location",
                },
                "id": "call_bxc3bjy8fclb2n8598lm8qtx",
                "type": "function",
              },
            ],
          },
          "model": "deepseek-ai/DeepSeek-V3",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 187,
            "outputTokens": 21,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
      }
    `);
  });

  it('replays every recorded stream into canonical events', () => {
    const out: Record<string, unknown> = {};
    for (const f of recorded.filter((f) => f.endsWith('.sse')))
      out[f] = summariseEvents(replayStream(openaiAdapter, f));
    expect(out).toMatchInlineSnapshot(`
      {
        "azure-openai/chat-stream.sse": {
          "finish": "stop",
          "sequence": "start text usage finish",
          "start": "chatcmpl-CMHwM501a2FTozLAhLIcQDhLkKzWJ gpt-4.1-2025-04-14",
          "text": "hello",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "estimated": true,
            "inputTokens": 10,
            "outputTokens": 2,
            "reasoningTokens": 0,
          },
        },
        "groq/chat-stream.sse": {
          "finish": "stop",
          "sequence": "start text usage finish",
          "start": "chatcmpl-3caba51e-8a21-457e-a934-e1deaa251831 moonshotai/kimi-k2-instruct-0905",
          "text": "hello",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 58,
            "outputTokens": 2,
            "reasoningTokens": 0,
          },
        },
        "openai/chat-stream-include-usage.sse": {
          "finish": "stop",
          "sequence": "start text usage finish",
          "start": "chatcmpl-Dx0Xq5Xx9rHB2ehcHZCRDsnuymUXc gpt-4o-mini-2024-07-18",
          "text": "The capital of the UK is London.",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 78,
            "outputTokens": 9,
            "reasoningTokens": 0,
          },
        },
        "openai/chat-stream-length.sse": {
          "finish": "length",
          "sequence": "start text usage finish",
          "start": "chatcmpl-CM0Obb4H6RHW3C15H3Cw9VgPPUC3G gpt-4o-2024-08-06",
          "text": "one  
      two  
      three  
      four  
      five  
      six  
      seven  
      eight  
      ",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 65,
            "outputTokens": 16,
            "reasoningTokens": 0,
          },
        },
        "openai/chat-stream-no-usage.sse": {
          "finish": "stop",
          "sequence": "start text usage finish",
          "start": "chatcmpl-C4HqHBe4xca0k0EzsCnf1t6V3YFXp gpt-5-nano-2025-08-07",
          "text": "Hi there! How can I help today? I can answer questions, expl…(209)",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "estimated": true,
            "inputTokens": 10,
            "outputTokens": 53,
            "reasoningTokens": 0,
          },
        },
        "openai/chat-stream-tool-call-include-usage.sse": {
          "finish": "tool_calls",
          "sequence": "start tool_call usage finish",
          "start": "chatcmpl-Dx0XpqH8w09uBXwq1zFGYdETjtnEl gpt-4o-mini-2024-07-18",
          "toolCalls": [
            {
              "arguments": "{"country":"UK"}",
              "id": "call_ZR5UUuTt3pf61kjwAJIYdVMj",
              "name": "get_capital",
            },
          ],
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 53,
            "outputTokens": 15,
            "reasoningTokens": 0,
          },
        },
        "openai/chat-stream-tool-call.sse": {
          "finish": "tool_calls",
          "sequence": "start tool_call usage finish",
          "start": "chatcmpl-CM0OlDDhacxul0nbjyVE7WZYevyPi gpt-4o-2024-08-06",
          "toolCalls": [
            {
              "arguments": "{}",
              "id": "call_PSfTt71aEZryhCVSzSp8IfrV",
              "name": "get_location",
            },
          ],
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 92,
            "outputTokens": 10,
            "reasoningTokens": 0,
          },
        },
        "openrouter/chat-stream-comments-then-error.sse": {
          "error": "bad_request retryable=false: Token limit reached",
          "reasoning": "We need to respond to a greeting. The user",
          "sequence": "start reasoning usage error",
          "start": "gen-1762179802-UN8pkJI4AGZvryk0kFnb minimax/minimax-m2:free",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 43,
            "outputTokens": 10,
            "reasoningTokens": 11,
          },
        },
        "together/chat-stream-tool-call.sse": {
          "finish": "tool_calls",
          "sequence": "start tool_call usage finish",
          "start": "o1uFTeu-zqrih-95a9f957bc9b08df deepseek-ai/DeepSeek-V3",
          "toolCalls": [
            {
              "arguments": "{}",
              "id": "call_rhtc657hhvox9so5irtv4xn8",
              "name": "get_location",
            },
          ],
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 187,
            "outputTokens": 21,
            "reasoningTokens": 0,
          },
        },
        "together/chat-stream.sse": {
          "finish": "stop",
          "sequence": "start text usage finish",
          "start": "o1uFRU5-zqrih-95a9f92a0ba39352 deepseek-ai/DeepSeek-V3-p",
          "text": "hello",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 50,
            "outputTokens": 2,
            "reasoningTokens": 0,
          },
        },
      }
    `);
  });

  it("does not mistake Azure's empty first choices chunk for the usage chunk", () => {
    const events = replayStream(openaiAdapter, 'azure-openai/chat-stream.sse');
    expect(events.filter((e) => e.type === 'start' || e.type === 'usage')).toMatchInlineSnapshot(`
      [
        {
          "id": "chatcmpl-CMHwM501a2FTozLAhLIcQDhLkKzWJ",
          "model": "gpt-4.1-2025-04-14",
          "type": "start",
        },
        {
          "type": "usage",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "estimated": true,
            "inputTokens": 10,
            "outputTokens": 2,
            "reasoningTokens": 0,
          },
        },
      ]
    `);
  });

  it('assembles parallel streamed tool calls by index', () => {
    const parser = openaiAdapter.createStreamParser(testContext({ stream: true }));
    const chunk = (delta: unknown, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c1', model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const body = [
      chunk({
        tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'f', arguments: '' } }],
      }),
      chunk({
        tool_calls: [
          { index: 1, id: 'call_b', type: 'function', function: { name: 'g', arguments: '{"x"' } },
        ],
      }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '{}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: ':1}' } }] }),
      chunk({}, 'tool_calls'),
      'data: [DONE]\n\n',
    ].join('');
    const events = [...parseSse(body).flatMap((e) => parser.feed(e)), ...parser.end()];
    expect(summariseEvents(events)).toMatchInlineSnapshot(`
      {
        "finish": "tool_calls",
        "sequence": "start tool_call usage finish",
        "start": "c1 m",
        "toolCalls": [
          {
            "arguments": "{}",
            "id": "call_a",
            "name": "f",
          },
          {
            "arguments": "{"x":1}",
            "id": "call_b",
            "name": "g",
          },
        ],
        "usage": {
          "cacheWriteTokens": 0,
          "cachedInputTokens": 0,
          "estimated": true,
          "inputTokens": 10,
          "outputTokens": 3,
          "reasoningTokens": 0,
        },
      }
    `);
  });
});

describe('OpenAI request building', () => {
  const target = testTarget('openai');

  it('passes a system prompt through unchanged', () => {
    expect(wire(openaiAdapter, SAMPLE_REQUESTS.systemPrompt, target)).toMatchInlineSnapshot(`
      {
        "authHeader": "authorization",
        "body": {
          "max_tokens": 64,
          "messages": [
            {
              "content": "You are terse.",
              "role": "system",
            },
            {
              "content": "Say hello.",
              "role": "user",
            },
          ],
          "model": "model-x",
          "temperature": 0.2,
        },
        "headers": {
          "accept": "application/json",
          "content-type": "application/json",
        },
        "url": "https://api.openai.com/v1/chat/completions",
      }
    `);
  });

  it('passes multi-turn tools with two tool results in one turn through unchanged', () => {
    expect(wire(openaiAdapter, SAMPLE_REQUESTS.toolsTwoResultsOneTurn, target).body).toMatchInlineSnapshot(`
      {
        "messages": [
          {
            "content": "Use tools when useful.",
            "role": "developer",
          },
          {
            "content": "Weather in Paris and Rome?",
            "role": "user",
          },
          {
            "content": null,
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{"city":"Paris"}",
                  "name": "get_weather",
                },
                "id": "call_Paris0001",
                "type": "function",
              },
              {
                "function": {
                  "arguments": "{"city":"Rome"}",
                  "name": "get_weather",
                },
                "id": "toolu_01Rome",
                "type": "function",
              },
            ],
          },
          {
            "content": "{"temp_c":18}",
            "role": "tool",
            "tool_call_id": "call_Paris0001",
          },
          {
            "content": "sunny, 24 C",
            "role": "tool",
            "tool_call_id": "toolu_01Rome",
          },
          {
            "content": "Which is warmer?",
            "role": "user",
          },
        ],
        "model": "model-x",
        "parallel_tool_calls": false,
        "tool_choice": "required",
        "tools": [
          {
            "function": {
              "description": "Current weather for a city",
              "name": "get_weather",
              "parameters": {
                "$schema": "http://json-schema.org/draft-07/schema#",
                "additionalProperties": false,
                "properties": {
                  "city": {
                    "type": "string",
                  },
                },
                "required": [
                  "city",
                ],
                "type": "object",
              },
            },
            "type": "function",
          },
        ],
      }
    `);
  });

  it('passes image parts and JSON schema through unchanged', () => {
    expect(wire(openaiAdapter, SAMPLE_REQUESTS.images, target).body).toMatchInlineSnapshot(`
      {
        "messages": [
          {
            "content": [
              {
                "text": "What is in these images?",
                "type": "text",
              },
              {
                "image_url": {
                  "url": "data:image/png;base64,iVBORw0KGgo=",
                },
                "type": "image_url",
              },
              {
                "image_url": {
                  "detail": "low",
                  "url": "https://example.com/cat.jpg",
                },
                "type": "image_url",
              },
            ],
            "role": "user",
          },
        ],
        "model": "model-x",
      }
    `);
    expect(wire(openaiAdapter, SAMPLE_REQUESTS.jsonSchema, target).body).toMatchInlineSnapshot(`
      {
        "messages": [
          {
            "content": "Capital of France as JSON.",
            "role": "user",
          },
        ],
        "model": "model-x",
        "response_format": {
          "json_schema": {
            "name": "capital",
            "schema": {
              "additionalProperties": false,
              "properties": {
                "city": {
                  "type": "string",
                },
                "country": {
                  "const": "France",
                },
              },
              "required": [
                "city",
                "country",
              ],
              "type": "object",
            },
            "strict": true,
          },
          "type": "json_schema",
        },
        "seed": 7,
      }
    `);
  });

  it('always asks for stream usage and remembers that the client did not', () => {
    const r = openaiAdapter.buildRequest(SAMPLE_REQUESTS.stopSequencesStreamed, target);
    if (!r.ok) throw new Error('build failed');
    expect({
      body: r.request.body,
      accept: r.request.headers['accept'],
      clientRequestedUsage: r.request.context.clientRequestedUsage,
    }).toMatchInlineSnapshot(`
      {
        "accept": "text/event-stream",
        "body": {
          "messages": [
            {
              "content": "Count to ten.",
              "role": "user",
            },
          ],
          "model": "model-x",
          "stop": [
            "five",
            "FIVE",
          ],
          "stream": true,
          "stream_options": {
            "include_usage": true,
          },
          "user": "user-42",
        },
        "clientRequestedUsage": false,
      }
    `);
  });

  it('remembers that the client asked for stream usage', () => {
    const r = openaiAdapter.buildRequest(
      { ...SAMPLE_REQUESTS.stopSequencesStreamed, stream_options: { include_usage: true } },
      target,
    );
    expect(r.ok && r.request.context.clientRequestedUsage).toBe(true);
  });

  it('puts an Azure deployment in the URL with api-version and the api-key header, and no model in the body', () => {
    const azure = testTarget(
      'openai',
      {
        id: 'azure-openai',
        baseUrl: 'https://{resource}.openai.azure.com/openai',
        chatPath: '/deployments/{model}/chat/completions',
        query: { 'api-version': '2024-10-21' },
        auth: 'api-key',
        modelInBody: false,
      },
      'gpt-4.1',
    );
    azure.placeholders = { resource: 'contoso' };
    expect(wire(openaiAdapter, SAMPLE_REQUESTS.systemPrompt, azure)).toMatchInlineSnapshot(`
      {
        "authHeader": "api-key",
        "body": {
          "max_tokens": 64,
          "messages": [
            {
              "content": "You are terse.",
              "role": "system",
            },
            {
              "content": "Say hello.",
              "role": "user",
            },
          ],
          "temperature": 0.2,
        },
        "headers": {
          "accept": "application/json",
          "content-type": "application/json",
        },
        "url": "https://contoso.openai.azure.com/openai/deployments/gpt-4.1/chat/completions?api-version=2024-10-21",
      }
    `);
  });

  it('keeps the catalog path when a self-hosted base URL is configured as a bare origin', () => {
    const ollama = testTarget('openai', {
      id: 'ollama',
      baseUrl: 'http://localhost:11434/v1',
      chatPath: '/chat/completions',
      auth: 'none',
    });
    ollama.baseUrl = 'http://gpu-box:11434';
    const w = wire(openaiAdapter, SAMPLE_REQUESTS.systemPrompt, ollama);
    expect([w.url, w.authHeader]).toEqual(['http://gpu-box:11434/v1/chat/completions', null]);
  });
});
