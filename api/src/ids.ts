/** Readable, prefixed ids. Request ids sort by creation time (ms timestamp first), like ULIDs. */
import { randomFillSync } from 'node:crypto';

export type IdPrefix = 'org' | 'key' | 'pol' | 'req' | 'res';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// Random bytes are drawn 4 KiB at a time: one system call per few hundred ids instead of one per id
// (randomBytes per request was ~1 % of the gateway's CPU under load).
const pool = Buffer.alloc(4096);
let at = pool.length;

/**
 * `len` uniformly random base62 characters (5.95 bits each): a byte maps to `byte % 62` only below
 * 248 (= 4 × 62), so no character is more likely than another; bytes from 248 up are skipped.
 */
export function randomChars(len: number): string {
  let out = '';
  while (out.length < len) {
    if (at === pool.length) {
      randomFillSync(pool);
      at = 0;
    }
    const b = pool[at++]!;
    if (b < 248) out += BASE62[b % 62];
  }
  return out;
}

/** `<prefix>_` + 17 random base62 characters (~101 bits, as the 12 random bytes used before). */
export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomChars(17)}`;
}

/** `req_` + 9 base36 chars of ms since epoch + 11 random base62 chars (~65 bits): sortable by time. */
export function newRequestId(now: number = Date.now()): string {
  return `req_${now.toString(36).padStart(9, '0')}${randomChars(11)}`;
}
