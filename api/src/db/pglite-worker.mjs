// @ts-check
/**
 * The embedded database's own thread: PGlite (a single-threaded wasm PostgreSQL) runs here, so a
 * statement never blocks the event loop that serves requests. The main thread talks to it through
 * pglite-remote.ts with the messages typed in pglite-protocol.ts.
 *
 * Transactions stay on this thread as one unit: `begin` opens `pg.transaction()` and parks it until
 * `end`; statements tagged with its id run inside it, and PGlite's own transaction mutex makes every
 * untagged statement wait for the COMMIT, so nothing interleaves with an open transaction.
 *
 * Plain JavaScript on purpose: Node 20 cannot load TypeScript in a worker thread without a loader
 * (tsx's does not reach workers), and this file runs unchanged from source (tests, `pnpm lowrouter`)
 * and from the compiled build (`pnpm start`). It imports only PGlite and node: builtins.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';

/** @typedef {import('./pglite-protocol').Request} Request */
/** @typedef {import('@electric-sql/pglite').Transaction} Transaction */

const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);
const { dataDir, createOnly } = /** @type {import('./pglite-protocol').WorkerInit} */ (workerData);

/**
 * PostgreSQL's default 128 MB of shared buffers does not fit PGlite's initial 128 MB of wasm memory:
 * the memory grows to 188 MB at start and the process holds 251 MB before any statement. With 32 MB
 * it stays in the initial memory: 146 MB. Reads past the buffers come from the OS page cache.
 */
const SHARED_BUFFERS = '32MB';

/**
 * PGlite's own start parameters (single-user mode and its other settings),
 * which an explicit `startParams` replaces rather than extends.
 * @returns {string[]}
 */
function defaultStartParams() {
  const params = /** @type {{ defaultStartParams?: unknown }} */ (/** @type {unknown} */ (PGlite))
    .defaultStartParams;
  if (!Array.isArray(params) || !params.includes('--single'))
    throw new Error('this PGlite version has no PGlite.defaultStartParams to extend');
  return params;
}

/** Thrown inside a parked transaction to make PGlite roll it back. */
const ROLLBACK = Symbol('rollback');

/**
 * An error as pglite-protocol.ts `WireError` carries it: name, message, stack, primitive fields.
 * @param {unknown} err
 * @returns {import('./pglite-protocol').WireError}
 */
function toWireError(err) {
  /** @type {Record<string, string | number | boolean>} */
  const fields = {};
  for (const [k, v] of Object.entries(err !== null && typeof err === 'object' ? err : {})) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') fields[k] = v;
  }
  if (err instanceof Error) return { name: err.name, message: err.message, stack: err.stack, fields };
  // PGlite's file system throws plain objects, e.g. { name: 'ErrnoError', errno: 54 }: say what they hold.
  const name = typeof fields.name === 'string' ? fields.name : 'Error';
  const message =
    typeof fields.message === 'string'
      ? fields.message
      : Object.keys(fields).length
        ? `${name} ${JSON.stringify(fields)}`
        : String(err);
  return { name, message, fields };
}

/**
 * The same as pglite-protocol.ts `fromWireError`: the child's error with its name, stack and fields,
 * which toWireError then carries on to the main thread.
 * @param {import('./pglite-protocol').WireError} w
 */
function fromWireError(w) {
  const err = Object.assign(new Error(w.message), w.fields);
  err.name = w.name;
  if (w.stack) err.stack = w.stack;
  return err;
}

/** @param {string} v */
const identity = (v) => v;

/** @param {import('./pglite-protocol').WireQueryOptions | undefined} o */
function queryOptions(o) {
  if (!o) return undefined;
  const parsers = o.rawTypes ? Object.fromEntries(o.rawTypes.map((t) => [t, identity])) : undefined;
  return { rowMode: o.rowMode, parsers };
}

/** @param {string | undefined} pgdata */
const open = (pgdata) =>
  new PGlite({
    dataDir: pgdata,
    startParams: [...defaultStartParams(), '-c', `shared_buffers=${SHARED_BUFFERS}`],
  });

/**
 * Creates the database in a thread of its own that then ends. Creating one (initdb) leaves the
 * thread holding its memory: 555 MB of RSS after a collection, against 141 MB for the same database
 * opened by a thread that did not create it.
 * @param {string} dir
 * @returns {Promise<void>}
 */
function createInThread(dir) {
  return new Promise((resolve, reject) => {
    const child = new Worker(new URL(import.meta.url), { workerData: { dataDir: dir, createOnly: true } });
    child.once('message', (/** @type {import('./pglite-protocol').Hello} */ msg) => {
      if (!msg.ready) reject(fromWireError(msg.error));
    });
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`creating the database failed (${code})`)),
    );
  });
}

async function main() {
  /** @type {PGlite} */
  let pg;
  try {
    const pgdata = dataDir ? `${dataDir.replace(/\/$/, '')}/pgdata` : undefined;
    if (dataDir) {
      mkdirSync(dataDir, { recursive: true });
      if (!createOnly && !existsSync(`${pgdata}/PG_VERSION`)) await createInThread(dataDir);
    }
    pg = open(pgdata);
    await pg.waitReady;
    if (createOnly) {
      await pg.close();
      port.postMessage({ ready: true });
      return;
    }
  } catch (err) {
    port.postMessage({ ready: false, error: toWireError(err) });
    return;
  }
  /** @type {Map<number, { tx: Transaction, finish: (commit: boolean) => void, done: Promise<unknown> }>} */
  const txs = new Map();
  let nextTx = 1;

  const begin = async () => {
    const id = nextTx++;
    /** @type {(tx: Transaction) => void} */
    let opened = () => {};
    /** @type {Promise<Transaction>} */
    const began = new Promise((resolve) => {
      opened = resolve;
    });
    /** @type {(commit: boolean) => void} */
    let finish = () => {};
    /** @type {Promise<boolean>} */
    const decided = new Promise((resolve) => {
      finish = resolve;
    });
    const done = pg.transaction(async (tx) => {
      opened(tx);
      if (!(await decided)) throw ROLLBACK;
    });
    // BEGIN may fail before the callback runs: then `done` rejects and `began` never resolves.
    const tx = await Promise.race([began, done.then(() => undefined)]);
    if (!tx) throw new Error('transaction ended before it began');
    txs.set(id, { tx, finish, done });
    return id;
  };

  /** @param {number} id @param {boolean} commit */
  const end = async (id, commit) => {
    const open = txs.get(id);
    if (!open) throw new Error(`no open transaction ${id}`);
    txs.delete(id);
    open.finish(commit);
    try {
      await open.done;
    } catch (err) {
      if (err !== ROLLBACK) throw err;
    }
  };

  /** @param {Request} req */
  const handle = async (req) => {
    switch (req.op) {
      case 'query': {
        const on = req.tx === undefined ? pg : txs.get(req.tx)?.tx;
        if (!on) throw new Error(`no open transaction ${req.tx}`);
        return on.query(req.sql, req.params, queryOptions(req.options));
      }
      case 'begin':
        return begin();
      case 'end':
        return end(req.tx, req.commit);
      case 'close':
        // Roll back what is still open (its caller is gone), then close the database files.
        await Promise.all([...txs.keys()].map((id) => end(id, false).catch(() => {})));
        if (!pg.closed) await pg.close();
        return undefined;
    }
  };

  port.on('message', (/** @type {Request} */ req) => {
    handle(req).then(
      (value) => port.postMessage({ id: req.id, ok: true, value }),
      (err) => port.postMessage({ id: req.id, ok: false, error: toWireError(err) }),
    );
  });
  port.postMessage({ ready: true });
}

void main();
