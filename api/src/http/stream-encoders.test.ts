/**
 * The stream encoders of /v1/messages and /v1/responses on canonical stream items, without a server:
 * block and item boundaries when reasoning, text and tool calls follow one another, indexes, and the
 * terminal events carrying usage and LowRouter's blocks.
 */
import { describe, expect, it } from 'vitest';
import type { Completion, StreamItem } from '../inference/complete';
import { messagesStreamEncoder } from './messages';
import { responsesStreamEncoder } from './responses';
import { responseHead } from './responses-wire';

const completion: Completion = {
  id: 'req_000000001abcdefgh',
  created: 1_750_000_000,
  model: 'openai/gpt-4o-mini',
  message: {
    content: 'Hi there',
    toolCalls: [{ id: 'call_1', type: 'function', function: { name: 'lookup', arguments: '{"q":"x"}' } }],
    reasoning: 'think',
  },
  finishReason: 'tool_calls',
  usage: {
    inputTokens: 30,
    outputTokens: 9,
    cachedInputTokens: 10,
    cacheWriteTokens: 0,
    reasoningTokens: 2,
    costUsd: 0.000012,
    upstreamCostUsd: 0.00001,
    costMicro: 12,
  },
  eco: { methodology: 'ecologits-5be90da' } as Completion['eco'],
  route: { provider: 'openai', region: 'openai:us' } as Completion['route'],
  latencyMs: 5,
  warnings: [],
};

const items: StreamItem[] = [
  { type: 'delta', event: { type: 'reasoning', text: 'think' } },
  { type: 'delta', event: { type: 'text', text: 'Hi' } },
  { type: 'delta', event: { type: 'text', text: ' there' } },
  { type: 'delta', event: { type: 'tool_call', index: 0, id: 'call_1', name: 'lookup', arguments: '{"q":' } },
  { type: 'delta', event: { type: 'tool_call', index: 0, arguments: '"x"}' } },
  { type: 'final', completion },
];

/** `event: x\ndata: {…}\n\n` chunks → [{event, data}]. */
function parse(sse: string) {
  return sse
    .split('\n\n')
    .filter(Boolean)
    .map((block) => {
      const [e, d] = block.split('\n');
      const data = JSON.parse(d!.slice('data: '.length));
      expect(e).toBe(`event: ${data.type}`);
      return data;
    });
}

describe('messagesStreamEncoder', () => {
  it('opens and closes one block per kind, with indexes, and ends with message_delta and message_stop', () => {
    const encode = messagesStreamEncoder();
    const events = parse(items.map(encode).join(''));
    expect(
      events.map((e) => [e.type, e.index ?? null, e.content_block?.type ?? e.delta?.type ?? null]),
    ).toEqual([
      ['content_block_start', 0, 'thinking'],
      ['content_block_delta', 0, 'thinking_delta'],
      ['content_block_stop', 0, null],
      ['content_block_start', 1, 'text'],
      ['content_block_delta', 1, 'text_delta'],
      ['content_block_delta', 1, 'text_delta'],
      ['content_block_stop', 1, null],
      ['content_block_start', 2, 'tool_use'],
      ['content_block_delta', 2, 'input_json_delta'],
      ['content_block_delta', 2, 'input_json_delta'],
      ['content_block_stop', 2, null],
      ['message_delta', null, null],
      ['message_stop', null, null],
    ]);
    expect(events[7].content_block).toEqual({ type: 'tool_use', id: 'call_1', name: 'lookup', input: {} });
    const delta = events.at(-2);
    expect(delta.delta).toEqual({ stop_reason: 'tool_use', stop_sequence: null });
    // Anthropic counts input without cache reads.
    expect(delta.usage).toEqual({
      input_tokens: 20,
      output_tokens: 9,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 10,
    });
    expect(delta.lowrouter).toMatchObject({ cost: 0.000012, route: { provider: 'openai' } });
  });

  it('turns a mid-stream failure into an error event (overloaded stays overloaded)', () => {
    const encode = messagesStreamEncoder();
    const [event] = parse(
      encode({
        type: 'error',
        requestId: 'req_1',
        error: { kind: 'overloaded', status: 529, retryable: true, provider: 'anthropic', message: 'busy' },
      }),
    );
    expect(event).toMatchObject({
      type: 'error',
      error: { type: 'overloaded_error', message: 'upstream failed mid-stream: overloaded: busy' },
    });
  });
});

describe('responsesStreamEncoder', () => {
  it('streams reasoning, message and function_call items, and lists exactly them in response.completed', () => {
    const head = responseHead(completion.id, completion.created, completion.model, { tools: [] });
    const enc = responsesStreamEncoder(head);
    const events = parse(enc.opening() + items.map(enc.encode).join(''));
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    expect(events.map((e) => [e.type, e.output_index ?? null])).toEqual([
      ['response.created', null],
      ['response.in_progress', null],
      ['response.output_item.added', 0],
      ['response.reasoning_summary_part.added', 0],
      ['response.reasoning_summary_text.delta', 0],
      ['response.reasoning_summary_text.done', 0],
      ['response.reasoning_summary_part.done', 0],
      ['response.output_item.done', 0],
      ['response.output_item.added', 1],
      ['response.content_part.added', 1],
      ['response.output_text.delta', 1],
      ['response.output_text.delta', 1],
      ['response.output_text.done', 1],
      ['response.content_part.done', 1],
      ['response.output_item.done', 1],
      ['response.output_item.added', 2],
      ['response.function_call_arguments.delta', 2],
      ['response.function_call_arguments.delta', 2],
      ['response.function_call_arguments.done', 2],
      ['response.output_item.done', 2],
      ['response.completed', null],
    ]);
    const done = events.at(-1).response;
    expect(done.output.map((o: any) => o.type)).toEqual(['reasoning', 'message', 'function_call']);
    expect(done.output[1].content[0].text).toBe('Hi there');
    expect(done.output[2]).toMatchObject({
      call_id: 'call_1',
      name: 'lookup',
      arguments: '{"q":"x"}',
      status: 'completed',
    });
    expect(done.usage).toMatchObject({
      input_tokens: 30,
      output_tokens: 9,
      total_tokens: 39,
      cost: 0.000012,
    });
    expect(done.store).toBe(false);
  });

  it('ends a length-limited answer with response.incomplete', () => {
    const head = responseHead('req_2', 1, 'm', {});
    const enc = responsesStreamEncoder(head);
    const [event] = parse(
      enc.encode({
        type: 'final',
        completion: { ...completion, finishReason: 'length', message: { content: null, toolCalls: [] } },
      }),
    );
    expect(event.type).toBe('response.incomplete');
    expect(event.response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });
});
