/**
 * The only module that knows PGlite from postgres.js. Everything else targets `Db`.
 * PGlite (embedded, data in a directory) when no DATABASE_URL is given; postgres.js otherwise.
 */
import type { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import type { Config } from '../config';
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

/** Callbacks of `DbHandle.listen`; times in ms. */
export interface ListenHandlers {
  /** A notification's payload on the channel. */
  onMessage(payload: string): void;
  /** LISTEN is in place (first time or after a reconnect; anything sent in between was lost). */
  onConnect(): void;
  /** The connection was found gone; reconnection is under way. */
  onDisconnect(error: unknown): void;
  /** Wait between reconnection attempts (default 1 000 ms). */
  retryMs?: number;
  /** Interval of the `select 1` that finds a connection dead without a close (default 5 000 ms). */
  heartbeatMs?: number;
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
  /**
   * Where the group commit writes request records (billing/group-commit.ts runs one batch at a time):
   * on PostgreSQL a connection of its own, so every batch meets the same, warm server process; from
   * the shared pool each batch went to the next idle connection, whose process had been asleep since
   * its last turn (at concurrency 1 the record's round trip took about twice its server time). On
   * PGlite, the same `db`.
   */
  recordDb: Db;
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
  /**
   * PostgreSQL only (undefined on PGlite, whose single process needs no cross-process bus): LISTEN on
   * `channel` over a connection of its own on the direct URL, kept open and re-established after a
   * loss (retried every `retryMs`, default 1 000 ms). `onConnect` runs after every successful LISTEN
   * (the first and each reconnect: notifications sent meanwhile are lost), `onDisconnect` when the
   * connection is found gone (a failed heartbeat every `heartbeatMs`, default 5 000 ms, or a close).
   */
  listen?(channel: string, handlers: ListenHandlers): Promise<{ close(): Promise<void> }>;
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

/**
 * One LISTEN connection (max 1, never recycled) on `url`, with its own reconnect: postgres.js's own
 * `listen` re-listens once after a close and gives up silently if that fails, so a restarted server
 * would leave a node deaf for good. A heartbeat (`select 1`) finds a connection that died quietly,
 * including one that hangs without an error.
 */
async function listenDirect(
  url: string,
  channel: string,
  h: ListenHandlers,
): Promise<{ close(): Promise<void> }> {
  const retryMs = h.retryMs ?? 1_000;
  const heartbeatMs = h.heartbeatMs ?? 5_000;
  let closed = false;
  let up = false;
  let connecting: Promise<void> | undefined;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const down = (err: unknown) => {
    if (closed) return;
    if (up) {
      up = false;
      h.onDisconnect(err);
    }
    if (!retry && !connecting) {
      retry = setTimeout(() => {
        retry = undefined;
        connect();
      }, retryMs);
      retry.unref();
    }
  };
  const sql = postgres(url, {
    max: 1,
    idle_timeout: 0,
    max_lifetime: null,
    fetch_types: false,
    onnotice: () => {},
    connection: { application_name: 'lowrouter-listen' },
    onnotify: (c: string, payload: string) => {
      if (c === channel) h.onMessage(payload);
    },
    onclose: () => down(new Error('listen connection closed')),
  } as postgres.Options<Record<string, never>>);
  const connect = () => {
    connecting ??= sql
      .unsafe(`listen ${JSON.stringify(channel)}`)
      .then(() => {
        connecting = undefined;
        if (closed) return;
        up = true;
        h.onConnect();
      })
      .catch((err) => {
        connecting = undefined;
        down(err);
      });
    return connecting;
  };
  // A connection cut without a close (a dropped route, a frozen peer) does not fail a query: it hangs
  // until TCP gives up, minutes later. So a heartbeat unanswered within heartbeatMs counts as down at
  // once (caches fall back to their short TTLs); the reconnect waits behind it until the socket fails
  // or the answer comes late, and its LISTEN then resets every cache.
  let beating = false;
  const beat = setInterval(() => {
    if (!up || closed || beating) return;
    beating = true;
    const late = setTimeout(
      () => down(new Error(`listen connection silent for ${heartbeatMs} ms`)),
      heartbeatMs,
    );
    late.unref();
    sql`select 1`.then(
      () => {
        beating = false;
        clearTimeout(late);
      },
      (err: unknown) => {
        beating = false;
        clearTimeout(late);
        down(err);
      },
    );
  }, heartbeatMs);
  beat.unref();
  await connect();
  return {
    async close() {
      closed = true;
      clearInterval(beat);
      if (retry) clearTimeout(retry);
      await sql.end({ timeout: 1 });
    },
  };
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
  /**
   * A direct PostgreSQL connection (not through PgBouncer) for what needs a session: the node lease
   * and its probe (session advisory locks), LISTEN, migrations (`withDedicatedConnection`) and the
   * async-commit pool (a `synchronous_commit` startup parameter PgBouncer would refuse). Default:
   * `databaseUrl`.
   */
  directUrl?: string;
}

/**
 * Where and how to connect, as configured: the database (or PGlite directory), the direct session URL
 * and the prepare setting. Every process that opens the database starts from this, so none of them
 * forgets one of the settings (PgBouncer needs both `directUrl` and `prepare`).
 */
export function configuredDb(
  config: Pick<Config, 'databaseUrl' | 'databaseDirectUrl' | 'dataDir' | 'pgPrepare'>,
): OpenDbOptions {
  return {
    databaseUrl: config.databaseUrl,
    directUrl: config.databaseDirectUrl,
    dataDir: config.dataDir,
    prepare: config.pgPrepare,
  };
}

export async function openDb(opts: OpenDbOptions): Promise<DbHandle> {
  const logger = opts.onQuery ? { logQuery: (q: string) => opts.onQuery?.(q) } : undefined;
  if (opts.databaseUrl) {
    const url = opts.databaseUrl;
    /**
     * A postgres.js pool and its drizzle handle. `ownPrepares`: whether postgres.js may prepare its own
     * tagged statements (`commit`, `savepoint`, the type fetch) under a name it then reuses on the
     * connection; behind a transaction-mode pooler the next transaction may run on a server connection
     * that never saw it ("prepared statement … does not exist"), so pools through DATABASE_URL follow
     * LOWROUTER_PG_PREPARE.
     */
    const pool = (
      poolUrl: string,
      max: number,
      connection: Record<string, string | boolean>,
      ownPrepares = true,
    ) => {
      const sql = postgres(poolUrl, { max, onnotice: () => {}, connection, prepare: ownPrepares });
      const handle = drizzlePostgres(opts.prepare === false ? sql : preparing(sql), {
        schema,
        logger,
      }) as unknown as Db;
      return { sql, db: handle };
    };
    const { sql: client, db } = pool(
      url,
      opts.maxConnections ?? 10,
      { application_name: 'lowrouter' },
      opts.prepare !== false,
    );
    const directUrl = opts.directUrl ?? url;
    const behindPooler = directUrl !== url;
    // Session state must stay on one server connection: a pooler in transaction mode hands each
    // transaction to any server connection, so session advisory locks would be taken on one and
    // probed or released on another. These go direct.
    const direct = postgres(directUrl, {
      max: 2,
      onnotice: () => {},
      connection: { application_name: 'lowrouter-session' },
    });
    // synchronous_commit is a session setting sent at startup, which PgBouncer 1.18 refuses as an
    // unknown startup parameter; behind a pooler this small pool connects direct instead.
    const { sql: asyncClient, db: asyncCommitDb } = pool(behindPooler ? directUrl : url, 4, {
      application_name: 'lowrouter-reserve',
      synchronous_commit: 'off',
    });
    const { sql: recordClient, db: recordDb } = pool(
      url,
      1,
      { application_name: 'lowrouter-record' },
      opts.prepare !== false,
    );
    // Reads that may lag: their own pool on the replica, every session read-only so the handle can
    // never write, even when the URL names a primary.
    const reads = opts.readDatabaseUrl
      ? pool(opts.readDatabaseUrl, opts.maxConnections ?? 10, {
          application_name: 'lowrouter-read',
          default_transaction_read_only: true,
        })
      : undefined;
    const readClient = reads?.sql;
    const readDb = reads?.db ?? db;
    let lease: Awaited<ReturnType<typeof direct.reserve>> | undefined;
    const lockKey = (nodeId: string) => `lowrouter-node:${nodeId}`;
    const listeners = new Set<{ close(): Promise<void> }>();
    return {
      db,
      readDb,
      separateReads: readClient !== undefined,
      asyncCommitDb,
      recordDb,
      driver: 'postgres',
      async holdNodeLease(nodeId) {
        lease = await direct.reserve();
        await lease`select pg_advisory_lock(hashtext(${lockKey(nodeId)}))`;
      },
      async isNodeGone(nodeId) {
        const probe = await direct.reserve();
        try {
          const [row] = await probe`select pg_try_advisory_lock(hashtext(${lockKey(nodeId)})) as free`;
          if (row?.free) await probe`select pg_advisory_unlock(hashtext(${lockKey(nodeId)}))`;
          return Boolean(row?.free);
        } finally {
          probe.release();
        }
      },
      async withDedicatedConnection(fn) {
        const one = postgres(directUrl, { max: 1, onnotice: () => {} });
        try {
          return await fn(drizzlePostgres(one, { schema }) as unknown as Db);
        } finally {
          await one.end({ timeout: 5 });
        }
      },
      async listen(channel, handlers) {
        const l = await listenDirect(directUrl, channel, handlers);
        listeners.add(l);
        return {
          async close() {
            listeners.delete(l);
            await l.close();
          },
        };
      },
      async exec(sqlText, params = []) {
        return (await client.unsafe(sqlText, params as never[])) as unknown as Record<string, unknown>[];
      },
      async close() {
        lease?.release();
        await Promise.all([...listeners].map((l) => l.close()));
        await Promise.all([
          client.end({ timeout: 5 }),
          asyncClient.end({ timeout: 5 }),
          recordClient.end({ timeout: 5 }),
          direct.end({ timeout: 5 }),
          readClient?.end({ timeout: 5 }),
        ]);
      },
    };
  }
  // PGlite runs in a worker thread (pglite-worker.mjs): statements never block this event loop.
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
    recordDb: db,
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
