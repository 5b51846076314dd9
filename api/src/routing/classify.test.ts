import { TIER_ORDER } from '@lowrouter/shared';
import { describe, expect, test } from 'vitest';
import { type ClassifiableRequest, classifyRequest } from './classify';
import { LABELLED_PROMPTS, prose } from './classify.labelled';

const user = (text: string, extra: Partial<ClassifiableRequest> = {}): ClassifiableRequest => ({
  messages: [{ role: 'user', content: text }],
  ...extra,
});
const fired = (req: ClassifiableRequest) => classifyRequest(req).details.map((s) => `${s.id}:${s.floor}`);

/**
 * Agreement with the hand labels. The threshold is 90%: difficulty labels are a judgement call (two
 * careful operators disagree on roughly one prompt in ten at a tier boundary), so demanding more would
 * tune the rules to this set rather than to the task. What must never happen is a miss by two tiers:
 * routing a proof to a small model, or a greeting to a frontier model.
 */
describe('agreement with the labelled prompts', () => {
  const rows = LABELLED_PROMPTS.map((p) => ({ ...p, got: classifyRequest(p.request).tier }));
  const distance = (a: string, b: string) => TIER_ORDER.indexOf(a as never) - TIER_ORDER.indexOf(b as never);

  test('agrees on at least 90% of at least 60 varied prompts', () => {
    const agree = rows.filter((r) => r.got === r.expected).length;
    const share = agree / rows.length;
    const misses = rows.filter((r) => r.got !== r.expected).map((r) => `${r.name}: ${r.expected} → ${r.got}`);
    console.log(
      `classifier agreement: ${agree}/${rows.length} = ${(share * 100).toFixed(1)}%; misses: ${misses.join(', ')}`,
    );
    expect(rows.length).toBeGreaterThanOrEqual(60);
    expect(new Set(rows.map((r) => r.expected))).toEqual(new Set(TIER_ORDER));
    expect(share).toBeGreaterThanOrEqual(0.9);
  });

  test('never misses by two tiers or more', () => {
    expect(rows.filter((r) => Math.abs(distance(r.got, r.expected)) >= 2).map((r) => r.name)).toEqual([]);
  });
});

describe('signals', () => {
  test.each<[string, ClassifiableRequest, string[]]>([
    ['nothing on a greeting', user('Hi there!'), []],
    ['prompt length, medium', user(prose(1_600)), ['prompt-length:medium']],
    ['prompt length, large', user(prose(12_500)), ['prompt-length:large']],
    ['code fence', user('What does this do?\n```\nls -la\n```'), ['code:medium']],
    ['code lines', user('x = 1;\ny = 2;'), ['code:medium']],
    ['stack trace', user('Traceback (most recent call last):\n  File "a.py"'), ['code:medium']],
    ['code vocabulary', user('Write a regex for dates'), ['code:medium']],
    ['math notation', user('Simplify \\frac{a}{b}'), ['mathematics:medium']],
    ['math power', user('Expand (x + 1)^2'), ['mathematics:medium']],
    ['math vocabulary', user('What is the derivative of sin?'), ['mathematics:medium']],
    ['proof', user('Show that the sum of two even numbers is even'), ['proof:large']],
    ['numbered steps', user('Do this:\n1. wash\n2. cut\n3. cook'), ['multi-step:medium']],
    ['sequence words', user('First book it, then pay, finally send the receipt.'), ['multi-step:medium']],
    ['strong reasoning hint', user("Let's think step by step about lunch."), ['reasoning-hint:large']],
    ['weak reasoning hint', user('Explain step by step how to tie a tie.'), ['reasoning-hint:medium']],
    ['design', user('What are the trade-offs of a monolith?'), ['design:medium']],
    ['tools', user('Weather?', { tools: [{}] }), ['tools:medium']],
    ['many tools', user('Go.', { tools: Array.from({ length: 8 }, () => ({})) }), ['tools:large']],
    [
      'tool calls in history',
      {
        messages: [
          { role: 'assistant', content: null, tool_calls: [{}] },
          { role: 'tool', content: 'ok' },
        ],
      },
      ['tools:medium'],
    ],
    [
      'json schema',
      user('Extract it.', { response_format: { type: 'json_schema' } }),
      ['structured-output:medium'],
    ],
    ['plain text format', user('Say hi.', { response_format: { type: 'text' } }), []],
    [
      'conversation depth',
      { messages: Array.from({ length: 8 }, () => ({ role: 'user', content: 'ok' })) },
      ['conversation-depth:medium'],
    ],
    [
      'deep conversation',
      { messages: Array.from({ length: 24 }, () => ({ role: 'user', content: 'ok' })) },
      ['conversation-depth:large'],
    ],
    ['max tokens', user('Write.', { max_tokens: 4_000 }), ['max-tokens:medium']],
    ['many max tokens', user('Write.', { max_tokens: 16_000 }), ['max-tokens:large']],
  ])('%s', (_name, req, expected) => {
    expect(fired(req)).toEqual(expected);
  });

  test.each([
    "What's 15% of 80?",
    'Book a business class ticket.',
    'What is the capital of France?',
    'Translate: the first train leaves at noon.',
  ])('no signal in %j', (text) => {
    expect(classifyRequest(user(text)).tier).toBe('small');
  });

  test('the highest floor wins', () => {
    expect(classifyRequest(user('Prove it in python')).tier).toBe('large');
  });

  test('three or more signals escalate one tier', () => {
    const c = classifyRequest(
      user('Write a python script.', { tools: [{}], response_format: { type: 'json_object' } }),
    );
    expect(c.tier).toBe('large');
    expect(c.signals).toEqual([
      'programming request ("python") → medium',
      '1 tool offered → medium',
      'structured output requested (json_object) → medium',
      '3 signals combined: one tier up → large',
      'needs tier large',
    ]);
  });

  test('frontier is reached only by escalation from large', () => {
    const c = classifyRequest(user('Prove this theorem rigorously and write it in Lean 4.'));
    expect(c.details.map((s) => s.id)).toEqual(['code', 'proof', 'reasoning-hint', 'escalation']);
    expect(c.tier).toBe('frontier');
  });

  test('reads text parts and ignores non-text parts', () => {
    const c = classifyRequest({
      messages: [{ role: 'user', content: [{ type: 'image_url' }, { type: 'text', text: 'Prove it.' }] }],
    });
    expect(c.tier).toBe('large');
  });
});

describe('estimated input tokens', () => {
  test('≈ characters / 4 plus 4 per message plus the tools', () => {
    const tools = [{ type: 'function', function: { name: 'f' } }];
    expect(classifyRequest({ messages: [{ role: 'user', content: 'abcdefgh' }] }).estimatedInputTokens).toBe(
      2 + 4,
    );
    expect(
      classifyRequest({
        messages: [
          { role: 'user', content: 'abcdefgh' },
          { role: 'assistant', content: null },
        ],
        tools,
      }).estimatedInputTokens,
    ).toBe(2 + 4 + 0 + 4 + Math.ceil(JSON.stringify(tools).length / 4));
  });

  test('classifies a 100,000-token prompt in well under 100 ms', () => {
    const req = user(`${prose(100_000)}\nfirst then ${'$ = '.repeat(2_000)}`);
    const start = performance.now();
    expect(classifyRequest(req).tier).toBe('large');
    expect(performance.now() - start).toBeLessThan(100);
  });
});
