import { describe, expect, it } from 'vitest';
import {
  bearerToken,
  bearerTokenOf,
  generateApiKey,
  hashApiKey,
  looksLikeApiKey,
  randomBase62,
} from './keys';

describe('API keys', () => {
  it('are lr_ followed by base62 of 32 random bytes', () => {
    const key = generateApiKey();
    expect(key).toMatch(/^lr_[0-9A-Za-z]{43}$/);
    expect(looksLikeApiKey(key)).toBe(true);
    expect(generateApiKey()).not.toBe(key);
  });

  it('encode all 256 bits: different bytes give different keys', () => {
    const zeros = randomBase62(32, (n) => new Uint8Array(n));
    const one = randomBase62(32, (n) => Uint8Array.from({ length: n }, (_, i) => (i === n - 1 ? 1 : 0)));
    expect(zeros).toBe('0'.repeat(43));
    expect(one).toBe(`${'0'.repeat(42)}1`);
  });

  it('hash under a secret: the same key hashes differently under another secret', () => {
    const key = generateApiKey();
    expect(hashApiKey('secret-a-0123456789', key)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashApiKey('secret-a-0123456789', key)).not.toBe(hashApiKey('secret-b-0123456789', key));
    expect(hashApiKey('secret-a-0123456789', key)).not.toContain(key.slice(3, 20));
  });

  it('are read from Authorization: Bearer or x-api-key', () => {
    expect(bearerToken(new Headers({ authorization: 'Bearer lr_abc' }))).toBe('lr_abc');
    expect(bearerToken(new Headers({ 'x-api-key': 'lr_xyz' }))).toBe('lr_xyz');
    expect(bearerToken(new Headers())).toBeNull();
    expect(bearerToken(new Headers({ authorization: 'Basic abc' }))).toBeNull();
  });

  it('are read the same way from node:http headers', () => {
    expect(bearerTokenOf({ authorization: 'Bearer  lr_abc ' })).toBe('lr_abc');
    expect(bearerTokenOf({ 'x-api-key': 'lr_xyz' })).toBe('lr_xyz');
    expect(bearerTokenOf({ 'x-api-key': ['lr_one', 'lr_two'] })).toBe('lr_one');
    expect(bearerTokenOf({})).toBeNull();
    expect(bearerTokenOf({ authorization: 'Basic abc', 'x-api-key': 'lr_xyz' })).toBeNull();
  });
});
