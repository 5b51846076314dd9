import { describe, expect, it } from 'vitest';
import { parseCanonicalRequest, requestedMaxTokens, stopSequences } from './canonical';
import { SAMPLE_REQUESTS } from './test-support';

describe('canonical request schema', () => {
  it('accepts every sample request without warnings', () => {
    for (const [name, body] of Object.entries(SAMPLE_REQUESTS)) {
      const r = parseCanonicalRequest(body);
      expect(r.ok && r.warnings, name).toEqual([]);
    }
  });

  it('rejects n > 1, an empty conversation and temperature above 2, naming the fields', () => {
    const r = parseCanonicalRequest({ model: 'm', messages: [], n: 2, temperature: 2.5 });
    expect(r).toMatchInlineSnapshot(`
      {
        "issues": [
          {
            "message": "Too small: expected array to have >=1 items",
            "path": "messages",
          },
          {
            "message": "Too big: expected number to be <=2",
            "path": "temperature",
          },
          {
            "message": "Invalid input: expected 1",
            "path": "n",
          },
        ],
        "ok": false,
      }
    `);
  });

  it('rejects a tool_choice that names a tool that is not offered', () => {
    const r = parseCanonicalRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'function', function: { name: 'a' } }],
      tool_choice: { type: 'function', function: { name: 'b' } },
    });
    expect(r.ok ? [] : r.issues).toMatchInlineSnapshot(`
      [
        {
          "message": "tool_choice names 'b', which is not in tools",
          "path": "tool_choice",
        },
      ]
    `);
  });

  it('keeps unknown top-level fields out of the request but reports them as warnings', () => {
    const r = parseCanonicalRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      logit_bias: {},
      store: true,
    });
    expect(r.ok && Object.keys(r.request)).toEqual(['model', 'messages']);
    expect(r.ok && r.warnings).toMatchInlineSnapshot(`
      [
        {
          "code": "ignored_parameter",
          "message": "'logit_bias' is not supported and was ignored",
          "param": "logit_bias",
        },
      ]
    `);
  });

  it('prefers max_completion_tokens over max_tokens and normalises stop to an array', () => {
    const r = parseCanonicalRequest({
      model: 'm',
      messages: [{ role: 'user', content: 'hi' }],
      max_tokens: 10,
      max_completion_tokens: 20,
      stop: 'END',
    });
    if (!r.ok) throw new Error('expected ok');
    expect([requestedMaxTokens(r.request), stopSequences(r.request)]).toEqual([20, ['END']]);
  });

  it('accepts assistant tool calls with null content and defaults their type to function', () => {
    const r = parseCanonicalRequest({
      model: 'm',
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: 'c1', function: { name: 'f', arguments: '{}' } }],
        },
        { role: 'tool', tool_call_id: 'c1', content: [{ type: 'text', text: 'ok' }] },
      ],
    });
    expect(r.ok && r.request.messages[1]).toMatchInlineSnapshot(`
      {
        "content": null,
        "role": "assistant",
        "tool_calls": [
          {
            "function": {
              "arguments": "{}",
              "name": "f",
            },
            "id": "c1",
            "type": "function",
          },
        ],
      }
    `);
  });
});
