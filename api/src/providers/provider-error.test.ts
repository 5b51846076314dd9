import { describe, expect, it } from 'vitest';
import {
  MAX_RETRY_AFTER_MS,
  durationToMs,
  kindFromStatus,
  looksLikeContextLength,
  retryAfterMsFromHeaders,
  retryHintFromMessage,
  scrubSecrets,
} from './provider-error';

const NOW = Date.parse('2026-04-05T14:28:00Z');

describe('retry delays', () => {
  it('honours retry-after-ms before retry-after', () => {
    expect(retryAfterMsFromHeaders({ 'retry-after-ms': '1500', 'retry-after': '9' }, NOW)).toBe(1500);
  });

  it('reads retry-after as seconds', () => {
    expect(retryAfterMsFromHeaders({ 'Retry-After': '12' }, NOW)).toBe(12_000);
  });

  it('reads retry-after as an HTTP date relative to the injected clock', () => {
    expect(retryAfterMsFromHeaders({ 'retry-after': 'Sun, 05 Apr 2026 14:28:30 GMT' }, NOW)).toBe(30_000);
    expect(retryAfterMsFromHeaders({ 'retry-after': 'Sun, 05 Apr 2026 14:27:00 GMT' }, NOW)).toBe(0);
  });

  it('ignores absent or garbage values', () => {
    expect(retryAfterMsFromHeaders({ 'retry-after': 'soon' }, NOW)).toBeUndefined();
    expect(retryAfterMsFromHeaders(new Headers(), NOW)).toBeUndefined();
  });

  it('parses Google Duration strings and "try again in" hints', () => {
    expect([durationToMs('34.4s'), durationToMs('1s'), durationToMs('x')]).toEqual([
      34_400,
      1_000,
      undefined,
    ]);
    expect([
      retryHintFromMessage('Please try again in 330ms.'),
      retryHintFromMessage('try again in 4.77s'),
    ]).toEqual([330, 4_770]);
  });

  it('never passes on an absurd upstream wait: at most an hour, never negative', () => {
    expect(retryAfterMsFromHeaders({ 'retry-after-ms': '1.5e308' }, NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMsFromHeaders({ 'retry-after-ms': '-5' }, NOW)).toBe(0);
    expect(retryAfterMsFromHeaders({ 'retry-after': '99999999999999' }, NOW)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMsFromHeaders({ 'retry-after': 'Fri, 31 Dec 9999 23:59:59 GMT' }, NOW)).toBe(
      MAX_RETRY_AFTER_MS,
    );
    expect(durationToMs('100000000000s')).toBe(MAX_RETRY_AFTER_MS);
    expect(retryHintFromMessage('try again in 1e9s')).toBeUndefined();
    expect(retryHintFromMessage('try again in 99999999999s')).toBe(MAX_RETRY_AFTER_MS);
  });
});

describe('status classification', () => {
  it('retries 408, 409, 429 and 5xx (529 included) and nothing else', () => {
    const table = [400, 401, 402, 403, 404, 408, 409, 413, 422, 429, 500, 502, 503, 504, 529].map(
      (s) => `${s} ${kindFromStatus(s).kind} ${kindFromStatus(s).retryable}`,
    );
    expect(table).toMatchInlineSnapshot(`
      [
        "400 bad_request false",
        "401 auth false",
        "402 auth false",
        "403 auth false",
        "404 not_found false",
        "408 timeout true",
        "409 upstream true",
        "413 bad_request false",
        "422 bad_request false",
        "429 rate_limited true",
        "500 upstream true",
        "502 upstream true",
        "503 overloaded true",
        "504 timeout true",
        "529 overloaded true",
      ]
    `);
  });

  it('recognises context-length messages from each protocol', () => {
    const messages = [
      "This model's maximum context length is 128000 tokens. However, your messages resulted in 130000 tokens.",
      'prompt is too long: 209000 tokens > 200000 maximum',
      'input length and `max_tokens` exceed context limit: 198000 + 8192 > 200000',
      'The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).',
      'Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 maximum context length',
    ];
    expect(messages.map(looksLikeContextLength)).toEqual([true, true, true, true, true]);
    expect(looksLikeContextLength('Invalid model: invalid')).toBe(false);
  });
});

describe('secret scrubbing', () => {
  it('removes the configured key wherever it appears, and typical key shapes', () => {
    const key = 'my-very-secret-configured-key-123';
    const text = [
      `bad key ${key} rejected`,
      'Incorrect API key provided: sk-proj-abcdefghijklmnop.',
      'google said AIzaSyA1234567890abcdefghijklmnopqrstu',
      'header Authorization: Bearer abc.def.ghi-123456',
      'url https://x.test/v1?key=AIzaLeak&alt=sse',
      'masked sk-abc*********wxyz here',
    ].join('\n');
    const out = scrubSecrets(text, [key]);
    expect(out).not.toContain(key);
    expect(out).toMatchInlineSnapshot(`
      "bad key [redacted] rejected
      Incorrect API key provided: [redacted].
      google said [redacted]
      header Authorization: [redacted]
      url https://x.test/v1?key=[redacted]&alt=sse
      masked [redacted] here"
    `);
  });

  it('also removes a configured key the upstream truncated', () => {
    const key = 'lr-0123456789abcdefghijklmnop';
    expect(scrubSecrets(`key ${key.slice(0, 14)}… is invalid`, [key])).not.toContain(key.slice(0, 12));
  });
});
