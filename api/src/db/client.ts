/**
 * The only module that knows PGlite from postgres.js. Everything else targets `Db`.
 * PGlite (embedded, data in a directory) when no DATABASE_URL is given; postgres.js otherwise.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { type DataDirLock, lockDataDir } from './data-dir-lock';
import { RemotePglite } from './pglite-remote';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle, usable wherever a Db is. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/** Rows of `db.execute(sql…)`: postgres.js returns an array, PGlite an object with `rows`. */
export function resultRows<T = Record<string, unknown>>(result: unknown): T[] {
  return (Array.isArray(result) ? result : (result as { rows: T[] }).rows) as T[];
}

export interface DbHandle {
  /** The primary: every write, and every read that must see the latest write. */
  db: Db;
  /**
   * For reads that may lag the primary by the replica's replay delay: usage and request listings,
   * footprint reports, exports, the public /footprint totals (see README, "Reads off the primary").
   * A PostgreSQL standby when DATABASE_READ_URL is set (sessions are read-only); otherwise, and
   * always on PGlite, the same `db`.
   */
  readDb: Db;
  /** Whether `readDb` is a connection of its own (DATABASE_READ_URL), not `db`. */
  separateReads: boolean;
  /**
   * For writes whose durability a later synchronous commit provides (credit reservations): on
   * PostgreSQL a small pool with `synchronous_commit = off`, so they do not wait for their own WAL
   * flush. Locks and visibility are unchanged; if the server crashes first, the reservation vanishes
   * with its balance change, and no answer was sent. On PGlite, the same `db`.
   */
  asyncCommitDb: Db;
  driver: 'pglite' | 'postgres';
  /** Runs `fn` over one dedicated session (migrations, advisory locks), then releases it. */
  withDedicatedConnection<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** Raw SQL for the few places drizzle cannot express (partition DDL); parameters as $1… */
  exec(sqlText: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  /**
   * Marks this process alive as `nodeId` until close: on Postgres a session advisory lock held on a
   * reserved connection (released by the server the moment the process dies); on PGlite nothing, as
   * one data directory serves one process.
   */
  holdNodeLease(nodeId: string): Promise<void>;
  /** Whether the node holding `nodeId` is gone. */
  isNodeGone(nodeId: string): Promise<boolean>;
  /** PGlite on a directory: this process's exclusive hold on it (data-dir-lock.ts), until close. */
  dataDirLock?: DataDirLock;
  close(): Promise<void>;
}

/**
 * postgres.js sends an unprepared query as Parse/Describe, waits, then Bind/Execute: two round trips.
 * Drizzle only prepares named statements, so without this every query pays twice. This wraps the
 * client (and the clients of its transactions and reserved connections) so queries are prepared and
 * cached per connection by their text: one round trip after the first use.
 */
function preparing<T extends object>(client: T): T {
  return new Proxy(client, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (prop === 'unsafe' && typeof value === 'function') {
        return (query: string, params?: unknown[], opts?: Record<string, unknown>) =>
          value.call(target, query, params, { ...opts, prepare: true });
      }
      if (prop === 'begin' && typeof value === 'function') {
        return (...args: unknown[]) => {
          const fn = args.at(-1) as (sql: object) => unknown;
          return value.call(target, ...args.slice(0, -1), (sql: object) => fn(preparing(sql)));
        };
      }
      if (prop === 'savepoint' && typeof value === 'function') {
        return (...args: unknown[]) => {
          const fn = args.at(-1) as (sql: object) => unknown;
          return value.call(target, ...args.slice(0, -1), (sql: object) => fn(preparing(sql)));
        };
      }
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export interface OpenDbOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** Every statement sent, for tests that count queries. */
  onQuery?: (sql: string) => void;
  /** postgres.js pool size. */
  maxConnections?: number;
  /** Prepare statements (default true). Turn off behind PgBouncer in transaction pooling mode. */
  prepare?: boolean;
  /** A PostgreSQL replica for `readDb` (DATABASE_READ_URL); ignored on PGlite. */
  readDatabaseUrl?: string;
}

export async function openDb(opts: OpenDbOptions): Promise<DbHandle> {
  const logger = opts.onQuery ? { logQuery: (q: string) => opts.onQuery?.(q) } : undefined;
  if (opts.databaseUrl) {
    const url = opts.databaseUrl;
    const client = postgres(url, {
      max: opts.maxConnections ?? 10,
      onnotice: () => {},
      connection: { application_name: 'lowrouter' },
    });
    const db = drizzlePostgres(opts.prepare === false ? client : preparing(client), {
      schema,
      logger,
    }) as unknown as Db;
    const asyncClient = postgres(url, {
      max: 4,
      onnotice: () => {},
      connection: { application_name: 'lowrouter-reserve', synchronous_commit: 'off' },
    });
    const asyncCommitDb = drizzlePostgres(opts.prepare === false ? asyncClient : preparing(asyncClient), {
      schema,
      logger,
    }) as unknown as Db;
    // Reads that may lag: their own pool on the replica, every session read-only so the handle can
    // never write, even when the URL names a primary.
    const readClient = opts.readDatabaseUrl
      ? postgres(opts.readDatabaseUrl, {
          max: opts.maxConnections ?? 10,
          onnotice: () => {},
          connection: { application_name: 'lowrouter-read', default_transaction_read_only: true },
        })
      : undefined;
    const readDb = readClient
      ? (drizzlePostgres(opts.prepare === false ? readClient : preparing(readClient), {
          schema,
          logger,
        }) as unknown as Db)
      : db;
    let lease: Awaited<ReturnType<typeof client.reserve>> | undefined;
    const lockKey = (nodeId: string) => `lowrouter-node:${nodeId}`;
    return {
      db,
      readDb,
      separateReads: readClient !== undefined,
      asyncCommitDb,
      driver: 'postgres',
      async holdNodeLease(nodeId) {
        lease = await client.reserve();
        await lease`select pg_advisory_lock(hashtext(${lockKey(nodeId)}))`;
      },
      async isNodeGone(nodeId) {
        const probe = await client.reserve();
        try {
          const [row] = await probe`select pg_try_advisory_lock(hashtext(${lockKey(nodeId)})) as free`;
          if (row?.free) await probe`select pg_advisory_unlock(hashtext(${lockKey(nodeId)}))`;
          return Boolean(row?.free);
        } finally {
          probe.release();
        }
      },
      async withDedicatedConnection(fn) {
        const one = postgres(url, { max: 1, onnotice: () => {} });
        try {
          return await fn(drizzlePostgres(one, { schema }) as unknown as Db);
        } finally {
          await one.end({ timeout: 5 });
        }
      },
      async exec(sqlText, params = []) {
        return (await client.unsafe(sqlText, params as never[])) as unknown as Record<string, unknown>[];
      },
      async close() {
        lease?.release();
        await Promise.all([
          client.end({ timeout: 5 }),
          asyncClient.end({ timeout: 5 }),
          readClient?.end({ timeout: 5 }),
        ]);
      },
    };
  }
  // PGlite runs in a worker thread (pglite-worker.ts): statements never block this event loop.
  const dir = opts.dataDir ?? '.lowrouter';
  // One process per directory: a second one is refused here, before PGlite reads a single file.
  const lock = dir === 'memory://' ? undefined : await lockDataDir(dir);
  const pg = new RemotePglite({ dataDir: dir === 'memory://' ? undefined : dir });
  try {
    await pg.ready;
  } catch (err) {
    await pg.close().catch(() => {});
    await lock?.release();
    throw err;
  }
  const db = drizzlePglite(pg as unknown as PGlite, { schema, logger }) as unknown as Db;
  let closed = false;
  let self: string | undefined;
  return {
    db,
    readDb: db,
    separateReads: false,
    asyncCommitDb: db,
    driver: 'pglite',
    dataDirLock: lock,
    async holdNodeLease(nodeId) {
      self = nodeId;
    },
    async isNodeGone(nodeId) {
      return nodeId !== self;
    },
    // PGlite is a single session already: the dedicated connection is the same one.
    withDedicatedConnection: (fn) => fn(db),
    async exec(sqlText, params = []) {
      const res = await pg.query<Record<string, unknown>>(sqlText, params);
      return res.rows;
    },
    async close() {
      if (closed) return;
      closed = true;
      try {
        await pg.close();
      } finally {
        await lock?.release();
      }
    },
  };
}
