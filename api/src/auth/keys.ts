/**
 * API keys: `lr_` + base62 of 32 random bytes. Shown once at creation, stored only as an
 * HMAC-SHA256 under the instance secret, so a leaked table cannot be replayed as keys.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const KEY_PREFIX = 'lr_';
const KEY_RE = /^lr_[0-9A-Za-z]{43,}$/;

export type Scope = 'inference' | 'read' | 'admin';
export const SCOPES: readonly Scope[] = ['inference', 'read', 'admin'];

/** Base62 of `bytes` random bytes (32 bytes → 43 characters, ~256 bits). */
export function randomBase62(bytes: number, random: (n: number) => Uint8Array = randomBytes): string {
  let n = 0n;
  for (const b of random(bytes)) n = (n << 8n) | BigInt(b);
  const len = Math.ceil((bytes * 8) / Math.log2(62));
  let out = '';
  for (let i = 0; i < len; i++) {
    out = BASE62[Number(n % 62n)] + out;
    n /= 62n;
  }
  return out;
}

export function generateApiKey(random?: (n: number) => Uint8Array): string {
  return KEY_PREFIX + randomBase62(32, random);
}

export function looksLikeApiKey(value: string): boolean {
  return KEY_RE.test(value);
}

export function hashApiKey(secret: string, key: string): string {
  return createHmac('sha256', secret).update(key).digest('hex');
}

export function hashesEqual(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** What may be shown of a key after creation: its prefix, enough to recognise it. */
export function displayPrefix(key: string): string {
  return `${key.slice(0, 7)}…`;
}

/** Reads `Authorization: Bearer <key>` (or `x-api-key`); null when absent. */
export function bearerToken(headers: Headers): string | null {
  return tokenFrom(headers.get('authorization'), headers.get('x-api-key'));
}

/** The same for node:http's IncomingHttpHeaders (names are lower-cased there). */
export function bearerTokenOf(headers: IncomingHttpHeaders): string | null {
  const apiKey = headers['x-api-key'];
  return tokenFrom(headers.authorization ?? null, (Array.isArray(apiKey) ? apiKey[0] : apiKey) ?? null);
}

function tokenFrom(auth: string | null, apiKey: string | null): string | null {
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    return m ? m[1]!.trim() : null;
  }
  return apiKey;
}
