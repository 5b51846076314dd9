/**
 * Test-only helpers: run a suite on every database driver. PGlite (in memory) always; real Postgres
 * too when TEST_DATABASE_URL is set, each suite in a database of its own, dropped afterwards.
 * Never imported by production code.
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { type DbHandle, type OpenDbOptions, openDb } from './client';
import { runMigrations } from './migrate';

export type Driver = 'pglite' | 'postgres';

export function testDrivers(): Driver[] {
  return process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];
}

export interface TestDb {
  handle: DbHandle;
  /** Connection string of the throwaway database (postgres only), for child processes. */
  url?: string;
  cleanup(): Promise<void>;
}

/** A fresh, migrated database on `driver`. */
export async function openTestDb(
  driver: Driver,
  opts: Pick<OpenDbOptions, 'onQuery' | 'maxConnections'> & { dataDir?: string } = {},
): Promise<TestDb> {
  if (driver === 'pglite') {
    const handle = await openDb({ dataDir: opts.dataDir ?? 'memory://', onQuery: opts.onQuery });
    await runMigrations(handle);
    return { handle, cleanup: () => handle.close() };
  }
  const { url, drop } = await createTestDatabase();
  const handle = await openDb({
    databaseUrl: url,
    onQuery: opts.onQuery,
    maxConnections: opts.maxConnections,
  });
  await runMigrations(handle);
  return {
    handle,
    url,
    async cleanup() {
      await handle.close();
      await drop();
    },
  };
}

/** Creates an empty database next to TEST_DATABASE_URL; `drop` removes it. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const base = process.env.TEST_DATABASE_URL;
  if (!base) throw new Error('TEST_DATABASE_URL is not set');
  const name = `lowrouter_t_${randomBytes(6).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    url: u.toString(),
    async drop() {
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
