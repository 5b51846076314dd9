import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { listFixtures, readFixtureBytes } from './fixture-files';
import { createSseDecoder, parseSse, type SseEvent } from './sse';

const RECORDED_STREAMS = listFixtures([
  'openai',
  'azure-openai',
  'groq',
  'together',
  'openrouter',
  'anthropic',
  'mistral',
  'gemini',
]).filter((f) => f.endsWith('.sse'));

function decodeInPieces(bytes: Uint8Array, cuts: number[]): SseEvent[] {
  const d = createSseDecoder();
  const out: SseEvent[] = [];
  let from = 0;
  for (const at of [...new Set(cuts)].sort((a, b) => a - b)) {
    out.push(...d.push(bytes.subarray(from, at)));
    from = at;
  }
  out.push(...d.push(bytes.subarray(from)), ...d.end());
  return out;
}

describe('SSE decoder', () => {
  it('decodes OpenAI-style data-only events and keeps [DONE] as data', () => {
    expect(parseSse('data: {"a":1}\n\ndata: [DONE]\n\n')).toMatchInlineSnapshot(`
      [
        {
          "data": "{"a":1}",
        },
        {
          "data": "[DONE]",
        },
      ]
    `);
  });

  it('keeps event names and ids, joins multi-line data with \\n, and skips comments', () => {
    expect(
      parseSse(': OPENROUTER PROCESSING\n\nevent: message_start\nid: 7\ndata: line one\ndata:line two\n\n'),
    ).toMatchInlineSnapshot(`
      [
        {
          "data": "line one
      line two",
          "event": "message_start",
          "id": "7",
        },
      ]
    `);
  });

  it('treats \\r\\n, \\r and \\n as line endings, including a \\r\\n split across chunks', () => {
    const d = createSseDecoder();
    const events = [...d.push('data: a\r'), ...d.push('\n\r\ndata: b\r\rdata: c\n\n'), ...d.end()];
    expect(events).toMatchInlineSnapshot(`
      [
        {
          "data": "a",
        },
        {
          "data": "b",
        },
        {
          "data": "c",
        },
      ]
    `);
  });

  it('delivers a final event that has no trailing blank line', () => {
    expect(parseSse('data: {"done":true}')).toMatchInlineSnapshot(`
      [
        {
          "data": "{"done":true}",
        },
      ]
    `);
  });

  it('reassembles a UTF-8 character split across chunks', () => {
    const bytes = new TextEncoder().encode('data: Grüße 👋\n\n');
    const split = bytes.indexOf(0xf0) + 2; // inside the 4-byte emoji
    expect(decodeInPieces(bytes, [9, split])).toEqual([{ data: 'Grüße 👋' }]);
  });

  it('ignores a field without a value, the retry field and a leading BOM; counts comments', () => {
    const d = createSseDecoder();
    const events = [...d.push('\uFEFFretry: 10\n: ping\ndata\n\n'), ...d.end()];
    expect({ events, comments: d.comments }).toMatchInlineSnapshot(`
      {
        "comments": 1,
        "events": [
          {
            "data": "",
          },
        ],
      }
    `);
  });

  it('parses every recorded stream the same however its bytes are split (property)', () => {
    for (const name of RECORDED_STREAMS) {
      const bytes = readFixtureBytes(name);
      const whole = parseSse(bytes);
      expect(whole.length, name).toBeGreaterThan(0);
      fc.assert(
        fc.property(fc.array(fc.integer({ min: 0, max: bytes.length }), { maxLength: 40 }), (cuts) => {
          expect(decodeInPieces(bytes, cuts)).toEqual(whole);
        }),
        { numRuns: 60 },
      );
    }
  });

  it('round-trips generated events under any line-ending style and any split (property)', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'é', '€', '😀', ' ', ':', '{', '"') });
    const event = fc.record({
      event: fc.option(fc.stringMatching(/^[a-z_]{1,12}$/), { nil: undefined }),
      lines: fc.array(text, { minLength: 1, maxLength: 3 }),
    });
    fc.assert(
      fc.property(
        fc.array(event, { minLength: 1, maxLength: 6 }),
        fc.constantFrom('\n', '\r\n', '\r'),
        fc.array(fc.nat(), { maxLength: 20 }),
        (events, eol, rawCuts) => {
          const body = events
            .map(
              (e) =>
                (e.event ? `event: ${e.event}${eol}` : '') +
                e.lines.map((l) => `data: ${l}${eol}`).join('') +
                eol,
            )
            .join('');
          const bytes = new TextEncoder().encode(body);
          const expected = events.map((e) =>
            e.event ? { event: e.event, data: e.lines.join('\n') } : { data: e.lines.join('\n') },
          );
          expect(
            decodeInPieces(
              bytes,
              rawCuts.map((c) => c % (bytes.length + 1)),
            ),
          ).toEqual(expected);
        },
      ),
      { numRuns: 300 },
    );
  });
});
