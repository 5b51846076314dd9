import { describe, expect, it } from 'vitest';
import { anthropicAdapter } from './anthropic';
import { listFixtures, readFixtureJson, readMeta } from './fixture-files';
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

const recorded = listFixtures(['anthropic', 'bedrock']);

describe('Anthropic responses (recorded)', () => {
  it('parses every recorded non-stream message into the canonical shape', () => {
    const out: Record<string, unknown> = {};
    for (const f of recorded.filter((f) => f.endsWith('.json') && readMeta(f).status === 200)) {
      const r = anthropicAdapter.parseResponse(readFixtureJson(f), testContext());
      out[f] = r.ok ? summariseResponse(r.response) : r.error;
    }
    expect(out).toMatchInlineSnapshot(`
      {
        "anthropic/messages-cache-read-usage.json": {
          "finishReason": "stop",
          "id": "msg_01KPaKTJSqAKoZri7Ujrny58",
          "message": {
            "content": "Python is a beginner-friendly, versatile programming languag…(164)",
            "role": "assistant",
          },
          "model": "claude-sonnet-4-5-20250929",
          "usage": {
            "cacheWriteTokens": 418,
            "cachedInputTokens": 1111,
            "inputTokens": 1532,
            "outputTokens": 33,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "anthropic/messages-max-tokens.json": {
          "finishReason": "length",
          "id": "msg_01GYqFW9Mkb5cNpww9PsDoMV",
          "message": {
            "content": "one
      two
      three
      four
      five
      six
      seven
      eight
      nine
      ten
      eleven
      twel…(62)",
            "role": "assistant",
          },
          "model": "claude-sonnet-4-5-20250929",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 65,
            "outputTokens": 24,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "anthropic/messages-nonstream-2.json": {
          "finishReason": "stop",
          "id": "msg_01PDYHzNnqSLAXuK8NNtC5MA",
          "message": {
            "content": "Hi there! How are you doing today? Is there anything I can h…(73)",
            "role": "assistant",
          },
          "model": "claude-haiku-4-5-20251001",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 8,
            "outputTokens": 21,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "anthropic/messages-nonstream.json": {
          "finishReason": "stop",
          "id": "msg_012mPWsGKaRUd9sHdjf4CbFp",
          "message": {
            "content": "hello",
            "role": "assistant",
          },
          "model": "claude-sonnet-4-20250514",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 60,
            "outputTokens": 4,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "anthropic/messages-parallel-tool-use.json": {
          "finishReason": "tool_calls",
          "id": "msg_01L9HbkC7UJTvNFkMpGMkDF7",
          "message": {
            "content": null,
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{"city":"London"}",
                  "name": "get_weather",
                },
                "id": "toolu_01D2G9mL5QyYBJt5GWz7KFwv",
                "type": "function",
              },
              {
                "function": {
                  "arguments": "{"city":"Paris"}",
                  "name": "get_weather",
                },
                "id": "toolu_01BnYntyUWqqyN94sXHo2AcD",
                "type": "function",
              },
              {
                "function": {
                  "arguments": "{"city":"Rome"}",
                  "name": "get_weather",
                },
                "id": "toolu_012jP8TqB9dy3GHGjQEFw6Dr",
                "type": "function",
              },
            ],
          },
          "model": "claude-sonnet-4-20250514",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 557,
            "outputTokens": 125,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "anthropic/messages-stop-sequence.json": {
          "finishReason": "stop",
          "id": "msg_01Lewm8CmUz5WuHsUGrxFguY",
          "message": {
            "content": "one
      two
      three
      four
      ",
            "role": "assistant",
          },
          "model": "claude-sonnet-4-5-20250929",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 65,
            "outputTokens": 9,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "anthropic/messages-tool-use.json": {
          "finishReason": "tool_calls",
          "id": "msg_017d3vQs8qWSYt4EN8EYAakb",
          "message": {
            "content": null,
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{}",
                  "name": "get_location",
                },
                "id": "toolu_01TaqNEMzWMuRopZgv4BWbFE",
                "type": "function",
              },
            ],
          },
          "model": "claude-sonnet-4-5-20250929",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 597,
            "outputTokens": 36,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "bedrock/claude-invoke-nonstream.json": {
          "finishReason": "stop",
          "id": "msg_bdrk_01H8tV2orbi5sQVskxVthgZy",
          "message": {
            "content": "# Evolution of Python: Version 2 to 3.13

      ## The Python 2 to…(6126)",
            "role": "assistant",
          },
          "model": "claude-haiku-4-5-20251001",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 9511,
            "inputTokens": 9514,
            "outputTokens": 1944,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
      }
    `);
  });

  it('counts cache reads and writes inside inputTokens (input_tokens excludes them)', () => {
    const r = anthropicAdapter.parseResponse(
      readFixtureJson('anthropic/messages-cache-read-usage.json'),
      testContext(),
    );
    expect(r.ok && r.response.usage).toMatchInlineSnapshot(`
      {
        "cacheWriteTokens": 418,
        "cachedInputTokens": 1111,
        "inputTokens": 1532,
        "outputTokens": 33,
        "reasoningTokens": 0,
      }
    `);
  });

  it('replays every recorded stream (ping, padding, redacted thinking, tool_use, in-stream error)', () => {
    const out: Record<string, unknown> = {};
    for (const f of recorded.filter((f) => f.endsWith('.sse')))
      out[f] = summariseEvents(replayStream(anthropicAdapter, f));
    expect(out).toMatchInlineSnapshot(`
      {
        "anthropic/messages-stream-max-tokens.sse": {
          "finish": "length",
          "sequence": "start text usage finish",
          "start": "msg_01WANh5RBPcqat9AseLEL4Dr claude-sonnet-4-5-20250929",
          "text": "one
      two
      three
      four
      five
      six
      seven
      eight
      nine
      ten
      eleven
      twel…(62)",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 65,
            "outputTokens": 24,
            "reasoningTokens": 0,
          },
        },
        "anthropic/messages-stream-ping-and-padding.sse": {
          "finish": "stop",
          "sequence": "start text usage finish",
          "start": "msg_018XZkwvj9asBiffg3fXt88s claude-sonnet-4-5-20250929",
          "text": "I notice that you've sent what appears to be some kind of te…(359)",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 92,
            "outputTokens": 189,
            "reasoningTokens": 0,
          },
        },
        "anthropic/messages-stream-sonnet45.derived.sse": {
          "finish": "stop",
          "sequence": "start text usage finish",
          "start": "msg_01QC4g3HwBThD4BaNtBckFDJ claude-sonnet-4-5-20250929",
          "text": "Hello! I'm doing well, thank you for asking. How are you doi…(108)",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 12,
            "outputTokens": 30,
            "reasoningTokens": 0,
          },
        },
        "anthropic/messages-stream-tool-use.sse": {
          "finish": "tool_calls",
          "sequence": "start tool_call usage finish",
          "start": "msg_01BnVamfF7ccY9Qt3nZHAyaG claude-haiku-4-5-20251001",
          "toolCalls": [
            {
              "arguments": "{}",
              "id": "toolu_01CzN6riCPqw4pVSuTd9Dwn7",
              "name": "pelican_name_generator",
            },
          ],
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 543,
            "outputTokens": 40,
            "reasoningTokens": 0,
          },
        },
        "anthropic/messages-stream.sse": {
          "finish": "stop",
          "sequence": "start text usage finish",
          "start": "msg_01T8kTq7cYyYJeQ5DxcVUc6D claude-haiku-4-5-20251001",
          "text": "Hello",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 10,
            "outputTokens": 4,
            "reasoningTokens": 0,
          },
        },
        "anthropic/reconstructed/messages-stream-error-overloaded.sse": {
          "error": "overloaded retryable=true: Overloaded",
          "sequence": "start text usage error",
          "start": "msg_01XXXXXXXXXXXXXXXXXXXXXX claude-haiku-4-5-20251001",
          "text": "Hel",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 10,
            "outputTokens": 1,
            "reasoningTokens": 0,
          },
        },
      }
    `);
  });

  it('streams parallel tool calls and thinking with running tool indices', () => {
    const ev = (type: string, data: object) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;
    const body = [
      ev('message_start', {
        message: {
          id: 'msg_1',
          model: 'claude-x',
          usage: { input_tokens: 5, cache_read_input_tokens: 100, output_tokens: 1 },
        },
      }),
      ev('content_block_start', { index: 0, content_block: { type: 'thinking', thinking: '' } }),
      ev('content_block_delta', { index: 0, delta: { type: 'thinking_delta', thinking: 'Two cities.' } }),
      ev('content_block_delta', { index: 0, delta: { type: 'signature_delta', signature: 'sig' } }),
      ev('content_block_stop', { index: 0 }),
      ev('content_block_start', {
        index: 1,
        content_block: { type: 'tool_use', id: 'toolu_a', name: 'w', input: {} },
      }),
      ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '{"city":' } }),
      ev('content_block_delta', { index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } }),
      ev('content_block_stop', { index: 1 }),
      ev('content_block_start', {
        index: 2,
        content_block: { type: 'tool_use', id: 'toolu_b', name: 'w', input: {} },
      }),
      ev('content_block_delta', {
        index: 2,
        delta: { type: 'input_json_delta', partial_json: '{"city":"Rome"}' },
      }),
      ev('content_block_stop', { index: 2 }),
      ev('message_delta', { delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 80 } }),
      ev('message_stop', {}),
    ].join('');
    const parser = anthropicAdapter.createStreamParser(testContext({ stream: true }));
    const events = [...parseSse(body).flatMap((e) => parser.feed(e)), ...parser.end()];
    expect(summariseEvents(events)).toMatchInlineSnapshot(`
      {
        "finish": "tool_calls",
        "reasoning": "Two cities.",
        "sequence": "start reasoning tool_call usage finish",
        "start": "msg_1 claude-x",
        "toolCalls": [
          {
            "arguments": "{"city":"Paris"}",
            "id": "toolu_a",
            "name": "w",
          },
          {
            "arguments": "{"city":"Rome"}",
            "id": "toolu_b",
            "name": "w",
          },
        ],
        "usage": {
          "cacheWriteTokens": 0,
          "cachedInputTokens": 100,
          "inputTokens": 105,
          "outputTokens": 80,
          "reasoningTokens": 0,
        },
      }
    `);
  });
});

describe('Anthropic request building', () => {
  const target = testTarget('anthropic');

  it('hoists the system prompt and sends the version header', () => {
    expect(wire(anthropicAdapter, SAMPLE_REQUESTS.systemPrompt, target)).toMatchInlineSnapshot(`
      {
        "authHeader": "x-api-key",
        "body": {
          "max_tokens": 64,
          "messages": [
            {
              "content": [
                {
                  "text": "Say hello.",
                  "type": "text",
                },
              ],
              "role": "user",
            },
          ],
          "model": "model-x",
          "system": "You are terse.",
          "temperature": 0.2,
        },
        "headers": {
          "accept": "application/json",
          "anthropic-version": "2023-06-01",
          "content-type": "application/json",
        },
        "url": "https://api.anthropic.com/v1/messages",
      }
    `);
  });

  it('merges two tool results of one turn into ONE user message, before the following user text', () => {
    expect(wire(anthropicAdapter, SAMPLE_REQUESTS.toolsTwoResultsOneTurn, target)).toMatchInlineSnapshot(`
      {
        "authHeader": "x-api-key",
        "body": {
          "max_tokens": 8192,
          "messages": [
            {
              "content": [
                {
                  "text": "Weather in Paris and Rome?",
                  "type": "text",
                },
              ],
              "role": "user",
            },
            {
              "content": [
                {
                  "id": "call_Paris0001",
                  "input": {
                    "city": "Paris",
                  },
                  "name": "get_weather",
                  "type": "tool_use",
                },
                {
                  "id": "toolu_01Rome",
                  "input": {
                    "city": "Rome",
                  },
                  "name": "get_weather",
                  "type": "tool_use",
                },
              ],
              "role": "assistant",
            },
            {
              "content": [
                {
                  "content": "{"temp_c":18}",
                  "tool_use_id": "call_Paris0001",
                  "type": "tool_result",
                },
                {
                  "content": "sunny, 24 C",
                  "tool_use_id": "toolu_01Rome",
                  "type": "tool_result",
                },
                {
                  "text": "Which is warmer?",
                  "type": "text",
                },
              ],
              "role": "user",
            },
          ],
          "model": "model-x",
          "system": "Use tools when useful.",
          "tool_choice": {
            "disable_parallel_tool_use": true,
            "type": "any",
          },
          "tools": [
            {
              "description": "Current weather for a city",
              "input_schema": {
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
              "name": "get_weather",
            },
          ],
        },
        "headers": {
          "accept": "application/json",
          "anthropic-version": "2023-06-01",
          "content-type": "application/json",
        },
        "url": "https://api.anthropic.com/v1/messages",
      }
    `);
  });

  it('sends data-URL images as base64 and https images as URLs', () => {
    expect(wire(anthropicAdapter, SAMPLE_REQUESTS.images, target).body).toMatchInlineSnapshot(`
      {
        "max_tokens": 8192,
        "messages": [
          {
            "content": [
              {
                "text": "What is in these images?",
                "type": "text",
              },
              {
                "source": {
                  "data": "iVBORw0KGgo=",
                  "media_type": "image/png",
                  "type": "base64",
                },
                "type": "image",
              },
              {
                "source": {
                  "type": "url",
                  "url": "https://example.com/cat.jpg",
                },
                "type": "image",
              },
            ],
            "role": "user",
          },
        ],
        "model": "model-x",
      }
    `);
  });

  it('drops response_format and seed with warnings, never silently', () => {
    expect(wire(anthropicAdapter, SAMPLE_REQUESTS.jsonSchema, target)).toMatchInlineSnapshot(`
      {
        "authHeader": "x-api-key",
        "body": {
          "max_tokens": 8192,
          "messages": [
            {
              "content": [
                {
                  "text": "Capital of France as JSON.",
                  "type": "text",
                },
              ],
              "role": "user",
            },
          ],
          "model": "model-x",
        },
        "headers": {
          "accept": "application/json",
          "anthropic-version": "2023-06-01",
          "content-type": "application/json",
        },
        "url": "https://api.anthropic.com/v1/messages",
        "warnings": [
          {
            "code": "unsupported_parameter",
            "message": "seed is not supported by Anthropic models and was ignored",
            "param": "seed",
          },
          {
            "code": "unsupported_parameter",
            "message": "response_format is not supported by Anthropic models and was ignored; ask for JSON in the prompt instead",
            "param": "response_format",
          },
        ],
      }
    `);
  });

  it('maps stop to stop_sequences and user to metadata, and defaults max_tokens to the model limit', () => {
    expect(wire(anthropicAdapter, SAMPLE_REQUESTS.stopSequencesStreamed, target)).toMatchInlineSnapshot(`
      {
        "authHeader": "x-api-key",
        "body": {
          "max_tokens": 8192,
          "messages": [
            {
              "content": [
                {
                  "text": "Count to ten.",
                  "type": "text",
                },
              ],
              "role": "user",
            },
          ],
          "metadata": {
            "user_id": "user-42",
          },
          "model": "model-x",
          "stop_sequences": [
            "five",
            "FIVE",
          ],
          "stream": true,
        },
        "headers": {
          "accept": "text/event-stream",
          "anthropic-version": "2023-06-01",
          "content-type": "application/json",
        },
        "url": "https://api.anthropic.com/v1/messages",
      }
    `);
  });

  it('rejects temperature above 1 with an error value naming the field', () => {
    expect(
      wire(anthropicAdapter, { ...SAMPLE_REQUESTS.systemPrompt, temperature: 1.5 }, target),
    ).toMatchInlineSnapshot(`
      {
        "error": {
          "kind": "bad_request",
          "message": "temperature must be between 0 and 1 for Anthropic models (got 1.5)",
          "param": "temperature",
          "provider": "anthropic",
          "retryable": false,
          "status": 400,
        },
      }
    `);
  });

  it('rejects tool-call arguments that are not a JSON object', () => {
    const req = structuredClone(SAMPLE_REQUESTS.toolsTwoResultsOneTurn);
    req.messages[2]!.tool_calls![0]!.function.arguments = '{not json';
    expect(wire(anthropicAdapter, req, target)).toMatchInlineSnapshot(`
      {
        "error": {
          "kind": "bad_request",
          "message": "tool call arguments must be a JSON object",
          "param": "messages[2].tool_calls[0].function.arguments",
          "provider": "anthropic",
          "retryable": false,
          "status": 400,
        },
      }
    `);
  });

  it('puts the version in the body and the model in the URL for Claude on Vertex', () => {
    const vertex = testTarget(
      'anthropic',
      {
        id: 'google-vertex-anthropic',
        baseUrl:
          'https://{region}-aiplatform.googleapis.com/v1/projects/{project}/locations/{region}/publishers/anthropic',
        chatPath: '/models/{model}:rawPredict',
        streamChatPath: '/models/{model}:streamRawPredict',
        auth: 'bearer',
        modelInBody: false,
        bodyDefaults: { anthropic_version: 'vertex-2023-10-16' },
      },
      'claude-sonnet-4-5@20250929',
    );
    vertex.region = { providerRegionId: 'europe-west1' };
    vertex.placeholders = { project: 'acme' };
    const w = wire(anthropicAdapter, SAMPLE_REQUESTS.stopSequencesStreamed, vertex);
    expect({
      url: w.url,
      headers: w.headers,
      authHeader: w.authHeader,
      version: w.body?.['anthropic_version'],
      model: w.body?.['model'],
    }).toMatchInlineSnapshot(`
      {
        "authHeader": "authorization",
        "headers": {
          "accept": "text/event-stream",
          "content-type": "application/json",
        },
        "model": undefined,
        "url": "https://europe-west1-aiplatform.googleapis.com/v1/projects/acme/locations/europe-west1/publishers/anthropic/models/claude-sonnet-4-5@20250929:streamRawPredict",
        "version": "vertex-2023-10-16",
      }
    `);
  });
});
