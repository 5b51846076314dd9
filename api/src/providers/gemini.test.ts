import { describe, expect, it } from 'vitest';
import { listFixtures, readFixtureJson, readMeta } from './fixture-files';
import { geminiAdapter, sanitizeSchema } from './gemini';
import type { SseEvent } from './sse';
import {
  replayStream,
  SAMPLE_REQUESTS,
  summariseEvents,
  summariseResponse,
  testContext,
  testTarget,
  wire,
} from './test-support';

const recorded = listFixtures(['gemini']);

describe('Gemini responses (recorded)', () => {
  it('parses every recorded generateContent response (MAX_TOKENS, SAFETY, function calls, thoughts)', () => {
    const out: Record<string, unknown> = {};
    for (const f of recorded.filter(
      (f) => f.endsWith('.json') && !f.includes('json-array') && readMeta(f).status === 200,
    )) {
      const r = geminiAdapter.parseResponse(readFixtureJson(f), testContext());
      out[f] = r.ok ? summariseResponse(r.response) : r.error;
    }
    expect(out).toMatchInlineSnapshot(`
      {
        "gemini/finish-max-tokens.json": {
          "finishReason": "length",
          "id": "R5MoavWNNp_8qtsP2fWD2A0",
          "message": {
            "content": "The capital of France is",
            "role": "assistant",
          },
          "model": "gemini-2.5-flash",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 15,
            "outputTokens": 5,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "gemini/finish-safety.json": {
          "finishReason": "content_filter",
          "id": "5lpeaLOIBf__698Pv8HGgAg",
          "message": {
            "content": null,
            "role": "assistant",
          },
          "model": "gemini-1.5-flash",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 14,
            "outputTokens": 0,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "gemini/function-call-with-args.json": {
          "finishReason": "tool_calls",
          "id": "LlteaOzCOPOdnvgPrJbnoQg",
          "message": {
            "content": null,
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{"city":"Mexico City","country":"Mexico"}",
                  "name": "final_result",
                },
                "id": "call_a41729214800577ab3e98583",
                "type": "function",
              },
            ],
          },
          "model": "gemini-2.0-flash",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 47,
            "outputTokens": 8,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "gemini/function-call.json": {
          "finishReason": "tool_calls",
          "id": "bOwdafzxHs-zjMcPnJP-sAU",
          "message": {
            "content": null,
            "role": "assistant",
            "tool_calls": [
              {
                "function": {
                  "arguments": "{}",
                  "name": "get_location",
                },
                "id": "call_db636e834b5acaed793ed4b3",
                "type": "function",
              },
            ],
          },
          "model": "gemini-2.5-flash",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 89,
            "outputTokens": 10,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
        "gemini/generate-content-2.json": {
          "finishReason": "stop",
          "id": "bzlXaa_EE_aHqtsPi_zw8Ao",
          "message": {
            "content": "Hello! How can I help you today?",
            "role": "assistant",
          },
          "model": "gemini-2.5-flash",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 9,
            "outputTokens": 43,
            "reasoningTokens": 34,
          },
          "warnings": [],
        },
        "gemini/generate-content.json": {
          "finishReason": "stop",
          "id": "JewdaY7PB8-L-sAPg62lgAc",
          "message": {
            "content": "hello",
            "role": "assistant",
          },
          "model": "gemini-2.5-flash",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 54,
            "outputTokens": 1,
            "reasoningTokens": 0,
          },
          "warnings": [],
        },
      }
    `);
  });

  it('replays every recorded alt=sse stream, taking the last cumulative usage', () => {
    const out: Record<string, unknown> = {};
    for (const f of recorded.filter((f) => f.endsWith('.sse')))
      out[f] = summariseEvents(replayStream(geminiAdapter, f));
    expect(out).toMatchInlineSnapshot(`
      {
        "gemini/stream-function-call.sse": {
          "finish": "tool_calls",
          "sequence": "start tool_call usage finish",
          "start": "lewdacrKBIGDjMcP0evmgAM gemini-2.5-flash",
          "toolCalls": [
            {
              "arguments": "{}",
              "id": "call_f2f28f8d1300f50b0ff51fbb",
              "name": "get_location",
            },
          ],
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 89,
            "outputTokens": 10,
            "reasoningTokens": 0,
          },
        },
        "gemini/stream-generate-content-max-tokens.sse": {
          "finish": "length",
          "sequence": "start text usage finish",
          "start": "eOwdacHhCajVjMcPl7G8kQQ gemini-2.5-flash",
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
      twel…(81)",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 60,
            "outputTokens": 29,
            "reasoningTokens": 0,
          },
        },
        "gemini/stream-generate-content.sse": {
          "finish": "stop",
          "sequence": "start text usage finish",
          "start": "w1peaMz6INOvnvgPgYfPiQY gemini-2.0-flash-exp",
          "text": "The capital of France is Paris.
      ",
          "usage": {
            "cacheWriteTokens": 0,
            "cachedInputTokens": 0,
            "inputTokens": 13,
            "outputTokens": 8,
            "reasoningTokens": 0,
          },
        },
      }
    `);
  });

  it('parses the elements of a JSON-array stream like SSE chunks (thought parts become reasoning)', () => {
    const chunks = readFixtureJson('gemini/stream-generate-content-json-array.json') as unknown[];
    const parser = geminiAdapter.createStreamParser(testContext({ stream: true }));
    const events = [
      ...chunks.flatMap((c) => parser.feed({ data: JSON.stringify(c) } satisfies SseEvent)),
      ...parser.end(),
    ];
    expect(summariseEvents(events)).toMatchInlineSnapshot(`
      {
        "finish": "stop",
        "reasoning": "**Considering the Constraint**

      I'm focusing intently on the…(275)",
        "sequence": "start reasoning text usage finish",
        "start": "IopyaseNCL-s-8YP7urOoAY gemini-3.6-flash",
        "text": "Scoop",
        "usage": {
          "cacheWriteTokens": 0,
          "cachedInputTokens": 0,
          "inputTokens": 11,
          "outputTokens": 293,
          "reasoningTokens": 291,
        },
      }
    `);
  });

  it('gives the same function call the same synthesised id every time', () => {
    const body = readFixtureJson('gemini/function-call.json');
    const a = geminiAdapter.parseResponse(body, testContext());
    const b = geminiAdapter.parseResponse(body, testContext());
    expect(
      a.ok && b.ok && a.response.message.tool_calls?.[0]?.id === b.response.message.tool_calls?.[0]?.id,
    ).toBe(true);
  });

  it('ends a stream without finishReason with an error, never a clean finish', () => {
    const parser = geminiAdapter.createStreamParser(testContext({ stream: true }));
    const events = [
      ...parser.feed({
        data: '{"candidates":[{"content":{"parts":[{"text":"Hal"}],"role":"model"}}],"responseId":"r"}',
      }),
      ...parser.end(),
    ];
    expect(events.map((e) => e.type)).toEqual(['start', 'text', 'error']);
  });
});

describe('Gemini request building', () => {
  const target = testTarget('gemini', { id: 'google', modelInBody: false }, 'gemini-2.5-flash');

  it('moves the system prompt to systemInstruction and the model to the URL', () => {
    expect(wire(geminiAdapter, SAMPLE_REQUESTS.systemPrompt, target)).toMatchInlineSnapshot(`
      {
        "authHeader": "x-goog-api-key",
        "body": {
          "contents": [
            {
              "parts": [
                {
                  "text": "Say hello.",
                },
              ],
              "role": "user",
            },
          ],
          "generationConfig": {
            "maxOutputTokens": 64,
            "temperature": 0.2,
          },
          "systemInstruction": {
            "parts": [
              {
                "text": "You are terse.",
              },
            ],
          },
        },
        "headers": {
          "accept": "application/json",
          "content-type": "application/json",
        },
        "url": "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent",
      }
    `);
  });

  it('sends tool results as functionResponse parts in one user turn, linked by name', () => {
    expect(wire(geminiAdapter, SAMPLE_REQUESTS.toolsTwoResultsOneTurn, target)).toMatchInlineSnapshot(`
      {
        "authHeader": "x-goog-api-key",
        "body": {
          "contents": [
            {
              "parts": [
                {
                  "text": "Weather in Paris and Rome?",
                },
              ],
              "role": "user",
            },
            {
              "parts": [
                {
                  "functionCall": {
                    "args": {
                      "city": "Paris",
                    },
                    "name": "get_weather",
                  },
                },
                {
                  "functionCall": {
                    "args": {
                      "city": "Rome",
                    },
                    "name": "get_weather",
                  },
                },
              ],
              "role": "model",
            },
            {
              "parts": [
                {
                  "functionResponse": {
                    "name": "get_weather",
                    "response": {
                      "temp_c": 18,
                    },
                  },
                },
                {
                  "functionResponse": {
                    "name": "get_weather",
                    "response": {
                      "content": "sunny, 24 C",
                    },
                  },
                },
                {
                  "text": "Which is warmer?",
                },
              ],
              "role": "user",
            },
          ],
          "systemInstruction": {
            "parts": [
              {
                "text": "Use tools when useful.",
              },
            ],
          },
          "toolConfig": {
            "functionCallingConfig": {
              "mode": "ANY",
            },
          },
          "tools": [
            {
              "functionDeclarations": [
                {
                  "description": "Current weather for a city",
                  "name": "get_weather",
                  "parameters": {
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
              ],
            },
          ],
        },
        "headers": {
          "accept": "application/json",
          "content-type": "application/json",
        },
        "url": "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:generateContent",
        "warnings": [
          {
            "code": "unsupported_parameter",
            "message": "parallel_tool_calls is not supported by Gemini and was ignored",
            "param": "parallel_tool_calls",
          },
        ],
      }
    `);
  });

  it('sends data-URL images inline and https images as fileData', () => {
    expect(wire(geminiAdapter, SAMPLE_REQUESTS.images, target).body).toMatchInlineSnapshot(`
      {
        "contents": [
          {
            "parts": [
              {
                "text": "What is in these images?",
              },
              {
                "inlineData": {
                  "data": "iVBORw0KGgo=",
                  "mimeType": "image/png",
                },
              },
              {
                "fileData": {
                  "fileUri": "https://example.com/cat.jpg",
                  "mimeType": "image/jpeg",
                },
              },
            ],
            "role": "user",
          },
        ],
      }
    `);
  });

  it('maps json_schema to responseMimeType + a sanitised responseSchema', () => {
    expect(wire(geminiAdapter, SAMPLE_REQUESTS.jsonSchema, target).body).toMatchInlineSnapshot(`
      {
        "contents": [
          {
            "parts": [
              {
                "text": "Capital of France as JSON.",
              },
            ],
            "role": "user",
          },
        ],
        "generationConfig": {
          "responseMimeType": "application/json",
          "responseSchema": {
            "properties": {
              "city": {
                "type": "string",
              },
              "country": {
                "enum": [
                  "France",
                ],
              },
            },
            "required": [
              "city",
              "country",
            ],
            "type": "object",
          },
          "seed": 7,
        },
      }
    `);
  });

  it('streams with alt=sse, maps stop to stopSequences and drops user with a warning', () => {
    expect(wire(geminiAdapter, SAMPLE_REQUESTS.stopSequencesStreamed, target)).toMatchInlineSnapshot(`
      {
        "authHeader": "x-goog-api-key",
        "body": {
          "contents": [
            {
              "parts": [
                {
                  "text": "Count to ten.",
                },
              ],
              "role": "user",
            },
          ],
          "generationConfig": {
            "stopSequences": [
              "five",
              "FIVE",
            ],
          },
        },
        "headers": {
          "accept": "text/event-stream",
          "content-type": "application/json",
        },
        "url": "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse",
        "warnings": [
          {
            "code": "unsupported_parameter",
            "message": "user is not supported by Gemini and was ignored",
            "param": "user",
          },
        ],
      }
    `);
  });

  it('rejects a tool result whose id matches no earlier tool call', () => {
    const req = structuredClone(SAMPLE_REQUESTS.toolsTwoResultsOneTurn);
    req.messages[3] = { role: 'tool', tool_call_id: 'call_unknown', content: 'x' };
    expect(wire(geminiAdapter, req, target)).toMatchInlineSnapshot(`
      {
        "error": {
          "kind": "bad_request",
          "message": "tool_call_id 'call_unknown' matches no earlier tool call",
          "param": "messages[3].tool_call_id",
          "provider": "google",
          "retryable": false,
          "status": 400,
        },
      }
    `);
  });

  it('strips JSON-Schema keywords Gemini rejects, recursively', () => {
    expect(
      sanitizeSchema({
        $schema: 'x',
        type: 'object',
        additionalProperties: false,
        properties: {
          a: {
            type: 'object',
            additionalProperties: true,
            properties: { b: { const: 'x' }, c: { const: 1 } },
          },
        },
      }),
    ).toMatchInlineSnapshot(`
      {
        "properties": {
          "a": {
            "properties": {
              "b": {
                "enum": [
                  "x",
                ],
              },
              "c": {},
            },
            "type": "object",
          },
        },
        "type": "object",
      }
    `);
  });
});
