/** Readable, prefixed ids. Request ids sort by creation time (ms timestamp first), like ULIDs. */
import { randomBase62 } from './auth/keys';

export type IdPrefix = 'org' | 'key' | 'pol' | 'req' | 'res';

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${randomBase62(12)}`;
}

/** `req_` + 9 base36 chars of ms since epoch + 10 random base62 chars: sortable by time. */
export function newRequestId(now: number = Date.now()): string {
  return `req_${now.toString(36).padStart(9, '0')}${randomBase62(8)}`;
}
