import { describe, expect, it } from 'vitest';
import { listFixtures, readFixtureJson, readMeta } from './fixture-files';
import { mapToolIdsForMistral, mistralAdapter } from './mistral';
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

const recorded = listFixtures(['mistral']);

describe('Mistral responses (recorded)', () => {
  it('parses every recorded non-stream response, thinking chunks and cached tokens included', () => {
    const out: Record<string, unknown> = {};
    for (const f of recorded.filter((f) => f.endsWith('.json') && readMeta(f).status === 200)) {
      const r = mistralAdapter.parseResponse(readFixtureJson(f), testContext());
      out[f] = r.ok ? summariseResponse(r.response) : r.error;
    }
    expect(out).toMatchInlineSnapshot(`
      {
        "mistral/chat-nonstream-length.json": {
          "finishReason": "length",
          "id": "b6fb3feaa0154b08bad5a1ea48f56374",
          "message": {
            "content": "The sky appears blue due to a phenomenon called **Rayleigh s…(434)",
            "role": "assistant",
          },
          "model": "mistral-large-latest",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 9,
            "outputTokens": 100,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "mistral/chat-nonstream-reasoning-cached-tokens.json": {
          "finishReason": "stop",
          "id": "0a6e16070048404cbabdb8fc772f5d17",
          "message": {
            "content": "What is 2+2?
      \\[ 2 + 2 = 4 \\]

      \${answer}",
            "reasoning": "Okay, the user has asked "What is 2+2?" This is a simple ari…(145)",
            "role": "assistant",
          },
          "model": "magistral-medium-latest",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 5,
            "inputTokens": 10,
            "outputTokens": 63,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "mistral/chat-nonstream.json": {
          "finishReason": "stop",
          "id": "9ce992644acd4c05bb3bc3f1fcfdc014",
          "message": {
            "content": "hello",
            "role": "assistant",
          },
          "model": "mistral-large-latest",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 54,
            "outputTokens": 3,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "mistral/chat-tool-call-2.json": {
          "finishReason": "tool_calls",
          "id": "b3999b8c93e04e11bcbff7bcab829667",
          "message": {
            "content": null,
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{"location": "San Francisco"}",
                  "name": "weather",
                },
                "id": "gSIMJiOkT",
                "type": "function",
              },
            ],
          },
          "model": "mistral-small-latest",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 124,
            "outputTokens": 22,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "mistral/chat-tool-call.json": {
          "finishReason": "tool_calls",
          "id": "00c8d4bb77014b64b8db8797d61e293a",
          "message": {
            "content": null,
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{"location": "New York City"}",
                  "name": "get_weather",
                },
                "id": "Caf7Pyrd8",
                "type": "function",
              },
            ],
          },
          "model": "mistral-large-latest",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 72,
            "outputTokens": 14,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
      }
    `);
  });

  it('replays every recorded stream with usage from the last chunk', () => {
    const out: Record<string, unknown> = {};
    for (const f of recorded.filter((f) => f.endsWith('.sse')))
      out[f] = summariseEvents(replayStream(mistralAdapter, f));
    expect(out).toMatchInlineSnapshot(`
      {
        "mistral/chat-stream-short.sse": {
          "finish": "stop",
          "sequence": "start text usage finish",
          "start": "234760a4484248e2a2e7ce1df4fecd50 mistral-large-latest",
          "text": "hello",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 54,
            "outputTokens": 3,
            "reasoningTokens": 0,
          },
        },
        "mistral/chat-stream.sse": {
          "finish": "length",
          "sequence": "start text usage finish",
          "start": "4ad5861c372940a09a2f33540f97d361 mistral-large-latest",
          "text": "The sky appears blue due to a phenomenon called **Rayleigh s…(433)",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 9,
            "outputTokens": 100,
            "reasoningTokens": 0,
          },
        },
      }
    `);
  });
});

describe('Mistral tool-call ids', () => {
  it('remaps foreign ids to 9 alphanumerics, keeps legal ones, and is deterministic', () => {
    const { toWire, fromWire } = mapToolIdsForMistral(SAMPLE_REQUESTS.toolsTwoResultsOneTurn.messages);
    expect(Object.fromEntries(toWire)).toMatchInlineSnapshot(`
      {
        "call_Paris0001": "H1nhKdOyK",
        "toolu_01Rome": "Ea7ZCvCUL",
      }
    `);
    expect(Object.keys(fromWire).every((id) => /^[A-Za-z0-9]{9}$/.test(id))).toBe(true);
    expect(mapToolIdsForMistral(SAMPLE_REQUESTS.toolsTwoResultsOneTurn.messages).fromWire).toEqual(fromWire);
  });

  it('maps remapped ids back to the caller ids on the way down (response and stream)', () => {
    const built = mistralAdapter.buildRequest(SAMPLE_REQUESTS.toolsTwoResultsOneTurn, testTarget('mistral'));
    if (!built.ok) throw new Error('build failed');
    const ctx = built.request.context;
    const wireId = Object.keys(ctx.toolIdsFromWire ?? {}).find(
      (id) => ctx.toolIdsFromWire?.[id] === 'toolu_01Rome',
    )!;
    const body = {
      id: 'x',
      model: 'mistral-large-latest',
      choices: [
        {
          index: 0,
          finish_reason: 'tool_calls',
          message: {
            role: 'assistant',
            content: '',
            tool_calls: [{ id: wireId, function: { name: 'get_weather', arguments: '{}' } }],
          },
        },
      ],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    };
    const r = mistralAdapter.parseResponse(body, ctx);
    expect(r.ok && r.response.message.tool_calls?.[0]?.id).toBe('toolu_01Rome');

    const parser = mistralAdapter.createStreamParser({ ...ctx, stream: true });
    const chunk = {
      ...body,
      choices: [{ index: 0, finish_reason: 'tool_calls', delta: body.choices[0]!.message }],
    };
    const events = parseSse(`data: ${JSON.stringify(chunk)}\n\ndata: [DONE]\n\n`).flatMap((e) =>
      parser.feed(e),
    );
    expect(summariseEvents(events)).toMatchInlineSnapshot(`
      {
        "finish": "tool_calls",
        "sequence": "start tool_call usage finish",
        "start": "x mistral-large-latest",
        "toolCalls": [
          {
            "arguments": "{}",
            "id": "toolu_01Rome",
            "name": "get_weather",
          },
        ],
        "usage": {
          "cacheWriteTokens": 0,
          "cachedInputTokens": 0,
          "inputTokens": 1,
          "outputTokens": 1,
          "reasoningTokens": 0,
        },
      }
    `);
  });
});

describe('Mistral request building', () => {
  const target = testTarget('mistral');

  it('sends a system prompt as a system message', () => {
    expect(wire(mistralAdapter, SAMPLE_REQUESTS.systemPrompt, target)).toMatchInlineSnapshot(`
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
        "url": "https://api.mistral.ai/v1/chat/completions",
      }
    `);
  });

  it('remaps tool ids, spells required as any, and keeps two tool results as tool messages', () => {
    expect(wire(mistralAdapter, SAMPLE_REQUESTS.toolsTwoResultsOneTurn, target).body).toMatchInlineSnapshot(`
      {
        "messages": [
          {
            "content": "Use tools when useful.",
            "role": "system",
          },
          {
            "content": "Weather in Paris and Rome?",
            "role": "user",
          },
          {
            "content": "",
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{"city":"Paris"}",
                  "name": "get_weather",
                },
                "id": "H1nhKdOyK",
                "type": "function",
              },
              {
                "function": {
                  "arguments": "{"city":"Rome"}",
                  "name": "get_weather",
                },
                "id": "Ea7ZCvCUL",
                "type": "function",
              },
            ],
          },
          {
            "content": "{"temp_c":18}",
            "name": "get_weather",
            "role": "tool",
            "tool_call_id": "H1nhKdOyK",
          },
          {
            "content": "sunny, 24 C",
            "name": "get_weather",
            "role": "tool",
            "tool_call_id": "Ea7ZCvCUL",
          },
          {
            "content": "Which is warmer?",
            "role": "user",
          },
        ],
        "model": "model-x",
        "parallel_tool_calls": false,
        "tool_choice": "any",
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

  it('sends images as image_url chunks', () => {
    expect(wire(mistralAdapter, SAMPLE_REQUESTS.images, target).body).toMatchInlineSnapshot(`
      {
        "messages": [
          {
            "content": [
              {
                "text": "What is in these images?",
                "type": "text",
              },
              {
                "image_url": "data:image/png;base64,iVBORw0KGgo=",
                "type": "image_url",
              },
              {
                "image_url": "https://example.com/cat.jpg",
                "type": "image_url",
              },
            ],
            "role": "user",
          },
        ],
        "model": "model-x",
      }
    `);
  });

  it('passes json_schema and spells seed as random_seed', () => {
    expect(wire(mistralAdapter, SAMPLE_REQUESTS.jsonSchema, target).body).toMatchInlineSnapshot(`
      {
        "messages": [
          {
            "content": "Capital of France as JSON.",
            "role": "user",
          },
        ],
        "model": "model-x",
        "random_seed": 7,
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
      }
    `);
  });

  it('streams without stream_options and drops user with a warning', () => {
    expect(wire(mistralAdapter, SAMPLE_REQUESTS.stopSequencesStreamed, target)).toMatchInlineSnapshot(`
      {
        "authHeader": "authorization",
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
        },
        "headers": {
          "accept": "text/event-stream",
          "content-type": "application/json",
        },
        "url": "https://api.mistral.ai/v1/chat/completions",
        "warnings": [
          {
            "code": "unsupported_parameter",
            "message": "user is not supported by Mistral and was ignored",
            "param": "user",
          },
        ],
      }
    `);
  });
});
