/**
 * Messages between the main thread (pglite-remote.ts) and the PGlite worker (pglite-worker.mjs).
 * Everything crosses by structured clone: rows keep Dates, bigints and byte arrays; functions do not
 * cross, so query options carry the type OIDs to leave unparsed instead of parser functions.
 */

/** How to return rows: PGlite's rowMode, and the type OIDs whose text is returned as is. */
export interface WireQueryOptions {
  rowMode?: 'array' | 'object';
  rawTypes?: number[];
}

export type Request =
  | { id: number; op: 'query'; sql: string; params: unknown[]; options?: WireQueryOptions; tx?: number }
  /** Opens a transaction; the answer (its id) arrives once BEGIN ran. */
  | { id: number; op: 'begin' }
  /** Ends transaction `tx`: COMMIT, or ROLLBACK when `commit` is false. */
  | { id: number; op: 'end'; tx: number; commit: boolean }
  | { id: number; op: 'close' };

/** An error as it crossed: name, message, stack and the primitive fields (code, detail, …). */
export interface WireError {
  name: string;
  message: string;
  stack?: string;
  fields: Record<string, string | number | boolean>;
}

export type Reply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: WireError };

/** The worker's first message: PGlite is ready, or could not open. */
export type Hello = { ready: true } | { ready: false; error: WireError };

export interface WorkerInit {
  /** PGlite data directory, or undefined for an in-memory database. */
  dataDir: string | undefined;
  /** Create the database in dataDir, close it and end (the worker's own child, see pglite-worker.mjs). */
  createOnly?: boolean;
}

/** Rebuilds the error on this side, with the database's fields (`code`, `detail`, …) as properties. */
export function fromWireError(w: WireError): Error {
  const err = Object.assign(new Error(w.message), w.fields);
  err.name = w.name;
  if (w.stack) err.stack = w.stack;
  return err;
}
