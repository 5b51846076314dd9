/**
 * Opaque keyset cursors: base64url of a JSON array tagged with the connection it belongs to, so a
 * cursor from one connection is refused by another with a clear error instead of a wrong page.
 */
import { badInput } from './errors';

export type CursorKind = 'requests' | 'ledger' | 'audit';

export function encodeCursor(kind: CursorKind, parts: readonly (string | number)[]): string {
  return Buffer.from(JSON.stringify([kind, ...parts])).toString('base64url');
}

/** The cursor's parts, checked to be `arity` strings or numbers; BAD_USER_INPUT on `after` otherwise. */
export function decodeCursor(kind: CursorKind, cursor: string, arity: number): (string | number)[] {
  const bad = () =>
    badInput('after', `after is not a cursor of this ${kind} connection: pass an endCursor it returned`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad();
  }
  if (!Array.isArray(parsed) || parsed[0] !== kind || parsed.length !== arity + 1) throw bad();
  const parts = parsed.slice(1);
  if (!parts.every((p) => typeof p === 'string' || (typeof p === 'number' && Number.isSafeInteger(p))))
    throw bad();
  return parts as (string | number)[];
}

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

/** `first` checked against the page-size limit (default 50, at most 200). */
export function pageSize(first: number | null | undefined): number {
  if (first == null) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE)
    throw badInput(
      'first',
      `first must be between 1 and ${MAX_PAGE_SIZE} (default ${DEFAULT_PAGE_SIZE}), got ${first}`,
    );
  return first;
}

export interface Page<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
}

/** Cuts a `first + 1` fetch into a page: the extra row only says there is a next page. */
export function toPage<T>(rows: T[], first: number, cursorOf: (row: T) => string): Page<T> {
  const nodes = rows.slice(0, first);
  return { nodes, cursors: nodes.map(cursorOf), hasNextPage: rows.length > first };
}
