/**
 * Hostile and malformed bodies to /v1/messages, /v1/responses and /v1/embeddings through a real
 * gateway: every one is answered with a 4xx in the surface's envelope naming what to fix, never a
 * 500, and none reaches an upstream. PGlite only (the parsing under test does not touch the database).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const M = 'openai/gpt-4o-mini';
const deep = (n: number): unknown => (n === 0 ? 'x' : [deep(n - 1)]);

const CASES: Record<string, unknown[]> = {
  '/v1/messages': [
    null,
    [],
    'text',
    { model: M, max_tokens: 5 },
    { model: M, max_tokens: 0, messages: [{ role: 'user', content: 'x' }] },
    { model: M, max_tokens: 1.5, messages: [{ role: 'user', content: 'x' }] },
    { model: 42, max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
    { model: M, max_tokens: 5, messages: [null] },
    { model: M, max_tokens: 5, messages: [{ role: 'user', content: [null] }] },
    { model: M, max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'image', source: null }] }] },
    { model: M, max_tokens: 5, messages: [{ role: 'user', content: [{ type: 'tool_result' }] }] },
    { model: M, max_tokens: 5, messages: [{ role: 'assistant', content: [{ type: 'tool_use', id: 1 }] }] },
    { model: M, max_tokens: 5, system: 7, messages: [{ role: 'user', content: 'x' }] },
    { model: M, max_tokens: 5, system: [{ type: 'image' }], messages: [{ role: 'user', content: 'x' }] },
    { model: M, max_tokens: 5, tools: {}, messages: [{ role: 'user', content: 'x' }] },
    {
      model: M,
      max_tokens: 5,
      tools: [{ name: 'f', input_schema: 'no' }],
      messages: [{ role: 'user', content: 'x' }],
    },
    { model: M, max_tokens: 5, tool_choice: 'auto', messages: [{ role: 'user', content: 'x' }] },
    { model: M, max_tokens: 5, stop_sequences: 'END', messages: [{ role: 'user', content: 'x' }] },
    { model: M, max_tokens: 5, temperature: '0.5', messages: [{ role: 'user', content: 'x' }] },
    { model: M, max_tokens: 5, top_p: 9, messages: [{ role: 'user', content: 'x' }] },
    { model: M, max_tokens: 5, messages: [{ role: 'user', content: deep(100) }] },
    { model: 'a\u0000b', max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
    { model: 'x'.repeat(1000), max_tokens: 5, messages: [{ role: 'user', content: 'x' }] },
    { model: M, max_tokens: 5, messages: [{ role: 'user', content: 'x' }], route: { colour: 'green' } },
  ],
  '/v1/responses': [
    null,
    { model: M },
    { model: M, input: 5 },
    { model: M, input: [null] },
    { model: M, input: [{ role: 'tool', content: 'x' }] },
    { model: M, input: [{ role: 'user', content: [{ type: 'input_file', file_id: 'f' }] }] },
    { model: M, input: [{ role: 'user', content: [{ type: 'input_image', file_id: 'f' }] }] },
    { model: M, input: [{ role: 'assistant', content: [{ type: 'input_image', image_url: 'https://x' }] }] },
    { model: M, input: [{ type: 'function_call', name: 'f' }] },
    { model: M, input: [{ type: 'function_call_output', call_id: 'c', output: 5 }] },
    { model: M, input: [{ type: 'computer_call' }] },
    { model: M, input: 'x', instructions: 5 },
    { model: M, input: 'x', tools: [{ type: 'function' }] },
    { model: M, input: 'x', tool_choice: { type: 'function' } },
    { model: M, input: 'x', text: { format: { type: 'json_schema' } } },
    { model: M, input: 'x', text: { format: { type: 'yaml' } } },
    { model: M, input: 'x', max_output_tokens: -1 },
    { model: M, input: 'x', temperature: 5 },
    { model: M, input: 'x', store: true },
    { model: M, input: deep(100) },
  ],
  '/v1/embeddings': [
    null,
    { model: 'openai/text-embedding-3-small' },
    { model: 'openai/text-embedding-3-small', input: {} },
    { model: 'openai/text-embedding-3-small', input: [null] },
    { model: 'openai/text-embedding-3-small', input: 'x', dimensions: 1.5 },
    { model: 'openai/text-embedding-3-small', input: 'x', dimensions: -3 },
    { model: 'openai/text-embedding-3-small', input: 'x', user: 5 },
    { model: 'openai/text-embedding-3-small', input: 'x', models: ['mistral/mistral-embed'] },
    { model: 'openai/text-embedding-3-small', input: 'x', route: { only: 'openai' } },
    { model: 'nope', input: 'x' },
    { model: 'openai/text-embedding-3-small', input: deep(100) },
  ],
};

describe('hostile bodies to the new surfaces', () => {
  let g: GatewayWithFakes;
  beforeAll(async () => {
    g = await startGatewayWithFakes('pglite');
    await g.grant('org_default', 10_000_000);
  });
  afterAll(() => g.close());

  it.each(Object.keys(CASES))(
    '%s answers each with a 4xx naming the problem, and calls no upstream',
    async (path) => {
      for (const body of CASES[path]!) {
        const res = await fetch(`${g.url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': g.adminKey },
          body: JSON.stringify(body),
        });
        const text = await res.text();
        const label = `${path} ${JSON.stringify(body).slice(0, 120)} → ${res.status} ${text.slice(0, 200)}`;
        expect(res.status >= 400 && res.status < 500, label).toBe(true);
        const json = JSON.parse(text);
        const message = json.error.message;
        if (path === '/v1/messages') expect(json.type, label).toBe('error');
        expect(typeof message, label).toBe('string');
        expect(message.length, label).toBeGreaterThan(5);
      }
      for (const f of Object.values(g.fakes)) expect(f.requests).toHaveLength(0);
    },
  );
});
