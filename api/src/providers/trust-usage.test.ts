import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CanonicalUsage } from './canonical';
import { normaliseAnthropicUsage } from './anthropic-parse';
import { normaliseGeminiUsage } from './gemini-parse';
import { normaliseOpenAIUsage } from './openai-wire';
import { outputTolerance, trustUsage } from './trust-usage';

const limits = { maxInputTokens: 1_000, maxOutputTokens: 16_384 };
const own = { inputTokens: 40, outputTokens: 12 };
const honest: CanonicalUsage = {
  inputTokens: 900,
  outputTokens: 300,
  cachedInputTokens: 500,
  cacheWriteTokens: 100,
  reasoningTokens: 200,
};
const counted = { ...own, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0, estimated: true };

describe('trusting upstream token counts', () => {
  it('keeps an honest usage as it is', () => {
    expect(trustUsage(honest, limits, own)).toEqual({ usage: honest, problems: [] });
  });

  it.each([
    ['inputTokens', -10_000_000, /input token count -10000000 is not a non-negative integer/],
    ['inputTokens', 1e15, /input token count 1000000000000000 is above the 1000/],
    ['inputTokens', 1.5e308, /input token count 1\.5e\+308 is not a non-negative integer/],
    ['inputTokens', Number.NaN, /input token count NaN/],
    ['inputTokens', 900.5, /input token count 900\.5 is not/],
    ['outputTokens', -1, /output token count -1 is not/],
    ['outputTokens', 50_000_000, /output token count 50000000 is above the 16384 allowed/],
    ['outputTokens', Number.POSITIVE_INFINITY, /output token count Infinity is not/],
    ['cachedInputTokens', -5, /cached input token count -5 is not/],
    [
      'cachedInputTokens',
      901,
      /cached input \(901\) plus cache writes \(100\) exceed the input token count 900/,
    ],
    ['cacheWriteTokens', 2.5, /cache write token count 2\.5 is not/],
    ['cacheWriteTokens', 401, /cached input \(500\) plus cache writes \(401\) exceed/],
    ['reasoningTokens', -3, /reasoning token count -3 is not/],
    ['reasoningTokens', 301, /reasoning token count 301 exceeds the output token count 300/],
  ] as const)('refuses %s = %s and counts the usage itself', (field, value, problem) => {
    const out = trustUsage({ ...honest, [field]: value }, limits, own);
    expect(out.problems).toHaveLength(1);
    expect(out.problems[0]).toMatch(problem);
    expect(out.usage).toEqual(counted);
  });

  it('refuses zero output tokens for an answer with text', () => {
    const out = trustUsage({ ...honest, outputTokens: 0, reasoningTokens: 0 }, limits, own);
    expect(out.problems).toEqual(['output token count 0 for an answer that has text']);
  });

  it('believes output slightly above max_tokens, not beyond the tolerance', () => {
    const max = limits.maxOutputTokens;
    const at = { ...honest, outputTokens: max + outputTolerance(max) };
    expect(trustUsage(at, limits, own).problems).toEqual([]);
    expect(trustUsage({ ...at, outputTokens: at.outputTokens + 1 }, limits, own).problems).toHaveLength(1);
  });

  it('never lets its own count exceed what the request allowed', () => {
    const out = trustUsage({ ...honest, inputTokens: -1 }, limits, {
      inputTokens: 10_000,
      outputTokens: 1e9,
    });
    expect(out.usage).toMatchObject({ inputTokens: 1_000, outputTokens: 16_384, estimated: true });
  });

  it('always returns counts that are non-negative integers within the limits (property)', () => {
    const anyNumber = fc.oneof(
      fc.integer({ min: -1e9, max: 1e9 }),
      fc.double(),
      fc.constantFrom(0, 1e15, 1.5e308, -0, Number.NaN, Number.MAX_SAFE_INTEGER + 2),
    );
    fc.assert(
      fc.property(anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, anyNumber, (a, b, c, d, e, f) => {
        const u = trustUsage(
          { inputTokens: a, outputTokens: b, cachedInputTokens: c, cacheWriteTokens: d, reasoningTokens: e },
          limits,
          { inputTokens: f, outputTokens: f },
        ).usage;
        for (const n of [
          u.inputTokens,
          u.outputTokens,
          u.cachedInputTokens,
          u.cacheWriteTokens,
          u.reasoningTokens,
        ])
          expect(Number.isSafeInteger(n) && n >= 0).toBe(true);
        expect(u.inputTokens).toBeLessThanOrEqual(limits.maxInputTokens);
        expect(u.outputTokens).toBeLessThanOrEqual(
          limits.maxOutputTokens + outputTolerance(limits.maxOutputTokens),
        );
      }),
      { seed: 20_261_201, numRuns: 500 },
    );
  });
});

describe('adapters hand every upstream number over as sent, for trustUsage to judge', () => {
  it('OpenAI: keeps negatives, turns strings into NaN, and a missing total into NaN', () => {
    expect(normaliseOpenAIUsage({ prompt_tokens: -10_000_000, completion_tokens: 5 })?.inputTokens).toBe(
      -10_000_000,
    );
    expect(normaliseOpenAIUsage({ prompt_tokens: '12', completion_tokens: 5 })?.inputTokens).toBeNaN();
    expect(normaliseOpenAIUsage({ completion_tokens: 5 })?.inputTokens).toBeNaN();
    expect(
      normaliseOpenAIUsage({
        prompt_tokens: 1,
        completion_tokens: 5,
        prompt_tokens_details: { cached_tokens: 'x' },
      })?.cachedInputTokens,
    ).toBeNaN();
  });

  it('Anthropic: a negative part of the input sum is reported as that part, not hidden in the total', () => {
    const u = normaliseAnthropicUsage({
      input_tokens: -500,
      cache_read_input_tokens: 1_000,
      output_tokens: 3,
    });
    expect(u?.inputTokens).toBe(-500);
    expect(normaliseAnthropicUsage({ input_tokens: 3, output_tokens: 1.5e308 })?.outputTokens).toBe(1.5e308);
  });

  it('Gemini: a negative tool-prompt or thoughts count is not folded into a plausible sum', () => {
    expect(
      normaliseGeminiUsage({ promptTokenCount: 1_000, toolUsePromptTokenCount: -900 })?.inputTokens,
    ).toBe(-900);
    expect(normaliseGeminiUsage({ candidatesTokenCount: 10, thoughtsTokenCount: -4 })?.outputTokens).toBe(-4);
  });
});
