/**
 * scrubSecrets as properties (fast-check, seeded): no run of 8+ characters of a configured key
 * survives, wherever and however often it is echoed; typical key shapes are removed without being
 * configured; text that holds no secret passes unchanged.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MIN_SECRET_RUN, scrubSecrets } from './provider-error';

const KEY_CHARS = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'];
const key = fc
  .string({ unit: fc.constantFrom(...KEY_CHARS), minLength: MIN_SECRET_RUN, maxLength: 80 })
  .filter((k) => !k.includes('redacted'));
/** Text around the echoes: anything printable, including key characters and brackets. */
const filler = fc.string({ unit: 'grapheme-ascii', maxLength: 40 });

/** Every MIN_SECRET_RUN-character window of `k`. */
const grams = (k: string) =>
  Array.from({ length: k.length - MIN_SECRET_RUN + 1 }, (_, i) => k.slice(i, i + MIN_SECRET_RUN));

const RUNS = { numRuns: 300, seed: 20261201 };

describe('scrubSecrets properties', () => {
  it('leaves no 8-character run of a configured key, whatever part of it is echoed where', () => {
    fc.assert(
      fc.property(
        fc.array(key, { minLength: 1, maxLength: 3 }),
        fc.array(fc.tuple(filler, fc.nat(), fc.nat(), fc.nat()), { minLength: 1, maxLength: 5 }),
        filler,
        (keys, pieces, tail) => {
          // Each piece: filler, then a slice [start, start+len) of one key with len >= MIN_SECRET_RUN.
          const text =
            pieces
              .map(([before, which, start, len]) => {
                const k = keys[which % keys.length]!;
                const s = start % (k.length - MIN_SECRET_RUN + 1);
                const l = MIN_SECRET_RUN + (len % (k.length - s - MIN_SECRET_RUN + 1));
                return before + k.slice(s, s + l);
              })
              .join('') + tail;
          const out = scrubSecrets(text, keys);
          for (const k of keys) for (const g of grams(k)) expect(out).not.toContain(g);
        },
      ),
      RUNS,
    );
    // …and removes nothing else: text with no run of a key and no key shape passes unchanged.
    const plain = fc.string({ unit: fc.constantFrom(...'abcdefghij klmnop.,()!'), maxLength: 200 });
    const upper = fc.string({
      unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
      minLength: MIN_SECRET_RUN,
      maxLength: 60,
    });
    fc.assert(
      fc.property(plain, upper, (text, k) => {
        expect(scrubSecrets(text, [k])).toBe(text);
      }),
      RUNS,
    );
  });

  it('removes typical key shapes without being told the key', () => {
    const body = (min: number) =>
      fc.string({ unit: fc.constantFrom(...KEY_CHARS.slice(0, 62)), minLength: min, maxLength: 60 });
    const secret = fc.oneof(
      body(20).map((b) => `sk-${b}`),
      body(20).map((b) => `sk-ant-api03-${b}`),
      body(20).map((b) => `AIza${b}`),
      body(43).map((b) => `lr_${b}`),
      body(20).map((b) => `Bearer ${b}`),
    );
    fc.assert(
      fc.property(filler, secret, filler, (before, s, after) => {
        // A space on each side: shapes are recognised as words, not inside other words.
        const out = scrubSecrets(`${before} ${s} ${after}`);
        expect(out).not.toContain(s.slice(-16));
      }),
      RUNS,
    );
  });
});
