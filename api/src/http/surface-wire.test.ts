/**
 * The request translations of /v1/messages and /v1/responses to the canonical body: the cases the SDK
 * tests do not reach (merged tool turns, error results, dropped thinking, warnings, refusals).
 */
import { describe, expect, it } from 'vitest';
import { anthropicToCanonical } from './anthropic-messages-wire';
import { responsesToCanonical } from './responses-wire';

describe('anthropicToCanonical', () => {
  it('drops thinking, marks error results, and warns about what it cannot honour', () => {
    const out = anthropicToCanonical({
      model: 'm',
      max_tokens: 10,
      top_k: 5,
      system: [
        { type: 'text', text: 'A' },
        { type: 'text', text: 'B' },
      ],
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'hmm', signature: 's' },
            { type: 'tool_use', id: 't1', name: 'f', input: { a: 1 } },
          ],
        },
        {
          role: 'user',
          content: [{ type: 'tool_result', tool_use_id: 't1', content: 'boom', is_error: true }],
        },
      ],
    });
    expect(out).toEqual({
      ok: true,
      body: {
        model: 'm',
        max_tokens: 10,
        messages: [
          { role: 'system', content: 'AB' },
          { role: 'user', content: 'q' },
          {
            role: 'assistant',
            content: null,
            tool_calls: [{ id: 't1', type: 'function', function: { name: 'f', arguments: '{"a":1}' } }],
          },
          { role: 'tool', tool_call_id: 't1', content: 'Error: boom' },
        ],
      },
      warnings: [
        {
          code: 'unsupported_parameter',
          param: 'top_k',
          message: "'top_k' is not supported and was ignored",
        },
      ],
    });
  });

  it('refuses what it cannot translate, naming the field', () => {
    const base = { model: 'm', max_tokens: 5, messages: [{ role: 'user', content: 'q' }] };
    expect(anthropicToCanonical({ ...base, stop_sequences: ['a', 'b', 'c', 'd', 'e'] })).toMatchObject({
      ok: false,
      param: 'stop_sequences',
    });
    expect(anthropicToCanonical({ ...base, messages: [{ role: 'system', content: 'x' }] })).toMatchObject({
      ok: false,
      param: 'messages.0.role',
    });
    expect(
      anthropicToCanonical({
        ...base,
        messages: [{ role: 'user', content: [{ type: 'document', source: {} }] }],
      }),
    ).toMatchObject({ ok: false, param: 'messages.0.content.0' });
    expect(anthropicToCanonical({ ...base, tool_choice: { type: 'any' } })).toMatchObject({
      ok: false,
      param: 'tool_choice',
    });
  });
});

describe('responsesToCanonical', () => {
  it('merges consecutive function calls into one assistant turn and maps text.format', () => {
    const out = responsesToCanonical({
      model: 'm',
      text: { format: { type: 'json_schema', name: 'x', schema: { type: 'object' }, strict: true } },
      input: [
        { role: 'user', content: 'q' },
        { type: 'function_call', call_id: 'a', name: 'f', arguments: '{}' },
        { type: 'function_call', call_id: 'b', name: 'g', arguments: '{}' },
        { type: 'function_call_output', call_id: 'a', output: '1' },
        { type: 'function_call_output', call_id: 'b', output: [{ type: 'input_text', text: '2' }] },
      ],
    });
    expect(out.ok && out.body).toEqual({
      model: 'm',
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'x', schema: { type: 'object' }, strict: true },
      },
      messages: [
        { role: 'user', content: 'q' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            { id: 'a', type: 'function', function: { name: 'f', arguments: '{}' } },
            { id: 'b', type: 'function', function: { name: 'g', arguments: '{}' } },
          ],
        },
        { role: 'tool', tool_call_id: 'a', content: '1' },
        { role: 'tool', tool_call_id: 'b', content: '2' },
      ],
    });
  });

  it('accepts store: false and no store, and refuses every way of asking LowRouter to keep content', () => {
    expect(responsesToCanonical({ model: 'm', input: 'x', store: false }).ok).toBe(true);
    expect(responsesToCanonical({ model: 'm', input: 'x' }).ok).toBe(true);
    for (const [field, value] of [
      ['store', true],
      ['previous_response_id', 'resp_1'],
      ['conversation', 'conv_1'],
    ] as const) {
      const out = responsesToCanonical({ model: 'm', input: 'x', [field]: value });
      expect(out).toMatchObject({ ok: false, param: field });
      expect(!out.ok && out.message).toMatch(/LowRouter stores no request or response content/);
    }
    expect(
      responsesToCanonical({ model: 'm', input: [{ type: 'item_reference', id: 'msg_1' }] }),
    ).toMatchObject({ ok: false, message: expect.stringMatching(/stores no/) });
  });
});
