/**
 * The only module that knows PGlite from postgres.js. Everything else targets `Db`.
 * PGlite (embedded, data in a directory) when no DATABASE_URL is given; postgres.js otherwise.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import * as schema from './schema';

export type Schema = typeof schema;
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
/** A transaction handle, usable wherever a Db is. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface DbHandle {
  db: Db;
  driver: 'pglite' | 'postgres';
  /** Runs `fn` over one dedicated session (migrations, advisory locks), then releases it. */
  withDedicatedConnection<T>(fn: (db: Db) => Promise<T>): Promise<T>;
  /** Raw SQL for the few places drizzle cannot express (partition DDL); parameters as $1… */
  exec(sqlText: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface OpenDbOptions {
  databaseUrl?: string;
  dataDir?: string;
  /** Every statement sent, for tests that count queries. */
  onQuery?: (sql: string) => void;
  /** postgres.js pool size. */
  maxConnections?: number;
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
    const db = drizzlePostgres(client, { schema, logger }) as unknown as Db;
    return {
      db,
      driver: 'postgres',
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
      close: () => client.end({ timeout: 5 }),
    };
  }
  const dir = opts.dataDir ?? '.lowrouter';
  let pg: PGlite;
  if (dir === 'memory://') {
    pg = new PGlite();
  } else {
    mkdirSync(dir, { recursive: true });
    pg = new PGlite(`${dir.replace(/\/$/, '')}/pgdata`);
  }
  await pg.waitReady;
  const db = drizzlePglite(pg, { schema, logger }) as unknown as Db;
  let closed = false;
  return {
    db,
    driver: 'pglite',
    // PGlite is a single session already: the dedicated connection is the same one.
    withDedicatedConnection: (fn) => fn(db),
    async exec(sqlText, params = []) {
      const res = await pg.query<Record<string, unknown>>(sqlText, params);
      return res.rows;
    },
    async close() {
      if (closed) return;
      closed = true;
      await pg.close();
    },
  };
}
