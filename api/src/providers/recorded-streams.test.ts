/** Properties every recorded stream must have, whatever its protocol. */
import type { WireProtocol } from '@lowrouter/shared';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { adapterFor } from './adapters';
import type { CanonicalStreamEvent } from './canonical';
import { listFixtures, readFixtureBytes } from './fixture-files';
import { createSseDecoder } from './sse';
import { testContext } from './test-support';

const FOLDERS = {
  openai: 'openai',
  'azure-openai': 'openai',
  groq: 'openai',
  together: 'openai',
  openrouter: 'openai',
  anthropic: 'anthropic',
  mistral: 'mistral',
  gemini: 'gemini',
} as const;

const STREAMS = Object.entries(FOLDERS).flatMap(([folder, protocol]) =>
  listFixtures([folder])
    .filter((f) => f.endsWith('.sse'))
    .map((f) => ({ file: f, protocol })),
);

/** Recordings whose client did not ask for stream usage (and no vendor extra sent it): usage is estimated. */
const RECORDED_WITHOUT_USAGE = new Set(['openai/chat-stream-no-usage.sse', 'azure-openai/chat-stream.sse']);

function run(protocol: WireProtocol, bytes: Uint8Array): CanonicalStreamEvent[] {
  const parser = adapterFor(protocol).createStreamParser(testContext({ stream: true }));
  const decoder = createSseDecoder();
  const out: CanonicalStreamEvent[] = [];
  for (const ev of decoder.push(bytes)) out.push(...parser.feed(ev));
  for (const ev of decoder.end()) out.push(...parser.feed(ev));
  out.push(...parser.end());
  return out;
}

const successful = STREAMS.filter(
  ({ file, protocol }) => run(protocol, readFixtureBytes(file)).at(-1)?.type === 'finish',
);

describe('recorded streams', () => {
  it('covers every protocol, and only the recorded error streams fail', () => {
    expect(STREAMS.filter((s) => !successful.includes(s)).map((s) => s.file)).toEqual([
      'openrouter/chat-stream-comments-then-error.sse',
      'anthropic/reconstructed/messages-stream-error-overloaded.sse',
    ]);
    expect(new Set(successful.map((s) => s.protocol))).toEqual(
      new Set(['openai', 'anthropic', 'mistral', 'gemini']),
    );
  });

  it('usage is present for every successful recorded stream, right before finish', () => {
    for (const { file, protocol } of successful) {
      const events = run(protocol, readFixtureBytes(file));
      const usage = events.at(-2);
      expect(usage?.type, file).toBe('usage');
      if (usage?.type !== 'usage') continue;
      expect(usage.usage.estimated === true, file).toBe(RECORDED_WITHOUT_USAGE.has(file));
      if (!usage.usage.estimated) expect(usage.usage.inputTokens, file).toBeGreaterThan(0);
    }
  });

  it('a stream cut mid-answer surfaces as an error, never a clean finish', () => {
    for (const { file, protocol } of successful) {
      const bytes = readFixtureBytes(file);
      // The terminal marker is complete once the last non-whitespace byte has arrived.
      let end = bytes.length;
      while (end > 0 && [0x20, 0x0a, 0x0d].includes(bytes[end - 1]!)) end--;
      fc.assert(
        fc.property(fc.integer({ min: 0, max: end - 1 }), (cut) => {
          const events = run(protocol, bytes.subarray(0, cut));
          expect(events.at(-1)?.type, `${file} cut at ${cut}`).toBe('error');
          expect(events.some((e) => e.type === 'finish')).toBe(false);
        }),
        { numRuns: 80 },
      );
    }
  });

  it('emits nothing after the final finish or error event', () => {
    for (const { file, protocol } of STREAMS) {
      const events = run(protocol, readFixtureBytes(file));
      const ends = events.filter((e) => e.type === 'finish' || e.type === 'error');
      expect(ends.length, file).toBe(1);
      expect(events.at(-1), file).toBe(ends[0]);
    }
  });
});
