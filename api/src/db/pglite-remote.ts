/**
 * The main thread's side of the PGlite worker: an object with the part of PGlite's interface that
 * drizzle's PGlite driver uses (`query`, `transaction`), forwarding each call to pglite-worker.mjs.
 * Results come back as PGlite returns them, so `drizzle-orm/pglite` and every caller of `Db` work
 * unchanged; only the wasm runs elsewhere.
 *
 * Query options cannot carry functions across threads: drizzle passes parsers that only keep dates,
 * timestamps and intervals as text, so their type OIDs cross and the worker applies the same
 * identity parsers. Any other parser would be a bug, and is refused.
 */
import { Worker } from 'node:worker_threads';
import type { QueryOptions, Results } from '@electric-sql/pglite';
import {
  type Hello,
  type Reply,
  type Request,
  type WireQueryOptions,
  type WorkerInit,
  fromWireError,
} from './pglite-protocol';

/**
 * The worker's code: plain JavaScript beside this file, loaded from here in source and in the build
 * alike (the bundle keeps this module's source URL as its `import.meta.url`, see api/scripts/build.mjs).
 */
const WORKER_URL = new URL('./pglite-worker.mjs', import.meta.url);

type Call = Request extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** A transaction's handle: statements run inside it, on the worker. */
export interface RemoteTx {
  query<T>(sql: string, params?: unknown[], options?: QueryOptions): Promise<Results<T>>;
}

export class RemotePglite {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private failed: Error | undefined;
  readonly ready: Promise<void>;

  constructor(init: WorkerInit) {
    this.worker = new Worker(WORKER_URL, { workerData: init });
    this.ready = new Promise<void>((resolve, reject) => {
      const onHello = (msg: Hello) => {
        this.worker.unref();
        if (msg.ready) return resolve();
        this.failed = fromWireError(msg.error);
        reject(this.failed);
      };
      this.worker.once('message', (msg: Hello) => {
        onHello(msg);
        this.worker.on('message', (reply: Reply) => this.settle(reply));
      });
      this.worker.once('error', reject);
    });
    this.worker.on('error', (err) => this.fail(err));
    this.worker.on('exit', (code) => this.fail(new Error(`PGlite worker exited (code ${code})`)));
    // The worker keeps the process alive only while it starts or a call waits for it (see `call`).
  }

  private settle(reply: Reply): void {
    const call = this.pending.get(reply.id);
    if (!call) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker.unref();
    if (reply.ok) call.resolve(reply.value);
    else call.reject(fromWireError(reply.error));
  }

  private fail(err: Error): void {
    this.failed ??= err;
    for (const call of this.pending.values()) call.reject(err);
    this.pending.clear();
  }

  private call<T>(req: Call): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.worker.postMessage({ ...req, id } as Request);
    });
  }

  query<T>(sql: string, params: unknown[] = [], options?: QueryOptions, tx?: number): Promise<Results<T>> {
    return this.call({ op: 'query', sql, params, options: wireOptions(options), tx });
  }

  /**
   * Runs `fn` in one transaction on the worker: COMMIT when it resolves, ROLLBACK when it throws.
   * Statements on the database itself (not `tx`) wait until it ends, as on PGlite in-thread.
   */
  async transaction<T>(fn: (tx: RemoteTx) => Promise<T>): Promise<T> {
    const txId = await this.call<number>({ op: 'begin' });
    const tx: RemoteTx = {
      query: <R>(sql: string, params?: unknown[], options?: QueryOptions) =>
        this.query<R>(sql, params, options, txId),
    };
    let result: T;
    try {
      result = await fn(tx);
    } catch (err) {
      await this.call({ op: 'end', tx: txId, commit: false }).catch(() => {});
      throw err;
    }
    await this.call({ op: 'end', tx: txId, commit: true });
    return result;
  }

  /** Closes the database files cleanly, then ends the worker. */
  async close(): Promise<void> {
    if (!this.failed) await this.call({ op: 'close' });
    this.fail(new Error('database closed'));
    await this.worker.terminate();
  }
}

function wireOptions(options: QueryOptions | undefined): WireQueryOptions | undefined {
  if (!options) return undefined;
  const { rowMode, parsers, ...rest } = options;
  if (Object.keys(rest).length)
    throw new Error(`query options not supported across threads: ${Object.keys(rest)}`);
  const rawTypes = parsers ? Object.keys(parsers).map(Number) : undefined;
  for (const p of Object.values(parsers ?? {})) {
    if (p('x', 0) !== 'x') throw new Error('only identity parsers cross to the PGlite worker');
  }
  return { rowMode, rawTypes };
}
