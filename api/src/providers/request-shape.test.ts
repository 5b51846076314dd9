import { describe, expect, it } from 'vitest';
import { inputTokenUpperBound } from '../inference/bounds';
import { parseCanonicalRequest } from './canonical';
import { MAX_JSON_DEPTH, checkRequestShape } from './request-shape';

const hi = [{ role: 'user', content: 'hi' }];
/** `{"a":{"a":…{}}}` nested `levels` deep, built as text and parsed (JSON.parse is not recursive). */
const nested = (levels: number) => JSON.parse(`${'{"a":'.repeat(levels)}{}${'}'.repeat(levels)}`);
const issues = (body: unknown) => {
  const r = parseCanonicalRequest(body);
  return r.ok ? [] : r.issues;
};

describe('request shape limits', () => {
  it('refuses tool parameters nested 50,000 deep with a 400-type issue naming the path, without overflowing', () => {
    const body = {
      model: 'm',
      messages: hi,
      tools: [{ type: 'function', function: { name: 'f', parameters: nested(50_000) } }],
    };
    const [issue] = issues(body);
    expect(issue?.message).toBe(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    expect(issue?.path).toMatch(/^tools\.0\.function\.parameters\.a\.a/);
    expect(issue!.path.length).toBeLessThanOrEqual(101);
  });

  it('accepts nesting up to the limit, and bounds.ts can still measure it', () => {
    const body = {
      model: 'm',
      messages: hi,
      tools: [{ type: 'function', function: { name: 'f', parameters: nested(MAX_JSON_DEPTH - 5) } }],
    };
    const r = parseCanonicalRequest(body);
    expect(r.ok).toBe(true);
    if (r.ok) expect(inputTokenUpperBound(r.request)).toBeGreaterThan(MAX_JSON_DEPTH);
  });

  it('refuses deep nesting anywhere in the body, unknown fields included', () => {
    expect(checkRequestShape({ model: 'm', messages: hi, whatever: nested(100) })).toMatchObject({
      ok: false,
      path: expect.stringMatching(/^whatever\.a/),
    });
    expect(checkRequestShape({ route: nested(1_000) })).toMatchObject({ ok: false });
  });

  it.each([
    ['model', { model: '\u0000', messages: hi }, 'model'],
    [
      'a tool name',
      { model: 'm', messages: hi, tools: [{ type: 'function', function: { name: 'f\u0000' } }] },
      'tools.0.function.name',
    ],
    ['a route field', { model: 'm', messages: hi, route: { only: ['openai\u0000'] } }, 'route.only.0'],
    ['a models entry', { model: 'm', messages: hi, models: ['x\u0000'] }, 'models.0'],
    [
      'a tool call id',
      { model: 'm', messages: [{ role: 'tool', tool_call_id: 'c\u0000', content: 'x' }] },
      'messages.0.tool_call_id',
    ],
    ['a field name', { model: 'm', messages: hi, 'x\u0000': 1 }, 'x\u0000'],
  ])('refuses NUL in %s, naming the field', (_what, body, path) => {
    expect(checkRequestShape(body)).toMatchObject({ ok: false, path, message: expect.stringMatching(/NUL/) });
  });

  it('keeps NUL in message content: it goes to the upstream verbatim and is never stored', () => {
    expect(checkRequestShape({ model: 'm', messages: [{ role: 'user', content: 'a\u0000b' }] })).toEqual({
      ok: true,
    });
    expect(
      checkRequestShape({
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'text', text: '\u0000' }] }],
      }),
    ).toEqual({
      ok: true,
    });
  });

  it('refuses a 1 MB model name without echoing it', () => {
    const [issue] = issues({ model: 'x'.repeat(1_000_000), messages: hi });
    expect(issue).toEqual({ path: 'model', message: 'at most 256 characters, got 1000000' });
  });

  it('clips a long unknown field name in its warning, and refuses one longer than any protocol field', () => {
    const name = 'k'.repeat(60);
    const r = parseCanonicalRequest({ model: 'm', messages: hi, [name]: 1 });
    expect(r.ok && r.warnings[0]?.param).toBe(name);
    expect(issues({ model: 'm', messages: hi, ['k'.repeat(5_000)]: 1 })[0]?.message).toBe(
      'field names are at most 64 characters, got 5000',
    );
  });

  it('allows long content and large JSON schemas: only the body limit bounds them', () => {
    const long = 'y'.repeat(100_000);
    expect(
      checkRequestShape({
        model: 'm',
        messages: [{ role: 'user', content: long }],
        tools: [
          { type: 'function', function: { name: 'f', description: long, parameters: { [long]: long } } },
        ],
      }),
    ).toEqual({ ok: true });
  });
});
