/**
 * Prepares a database before a gateway process starts on it: schema, catalog, bootstrap key and
 * credit. For tests and benchmarks that run the gateway as a separate process.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBootstrap, ensureKeySecret } from '@lowrouter/api/auth/bootstrap';
import { generateApiKey } from '@lowrouter/api/auth/keys';
import { grantCredit } from '@lowrouter/api/billing/ledger';
import { openDb } from '@lowrouter/api/db/client';
import { runMigrations } from '@lowrouter/api/db/migrate';
import { seedCatalog } from '@lowrouter/api/db/seed';
import { type Driver, createTestDatabase } from '@lowrouter/api/db/testing';
import { loadCatalog } from '@lowrouter/data';

export interface PreparedDb {
  adminKey: string;
  /** DATABASE_URL or LOWROUTER_DATA_DIR for the gateway process. */
  env: Record<string, string>;
  open: () => ReturnType<typeof openDb>;
  drop: () => Promise<void>;
}

export async function prepareDb(driver: Driver, creditMicro: number): Promise<PreparedDb> {
  const env: Record<string, string> = {};
  let drop = async () => {};
  if (driver === 'postgres') {
    const created = await createTestDatabase();
    env.DATABASE_URL = created.url;
    drop = created.drop;
  } else {
    const dir = mkdtempSync(join(tmpdir(), 'lowrouter-db-'));
    env.LOWROUTER_DATA_DIR = dir;
    drop = async () => rmSync(dir, { recursive: true, force: true });
  }
  const open = () => openDb({ databaseUrl: env.DATABASE_URL, dataDir: env.LOWROUTER_DATA_DIR });
  const adminKey = generateApiKey();
  const db = await open();
  try {
    await runMigrations(db);
    await seedCatalog(db.db, loadCatalog());
    await ensureBootstrap(db.db, await ensureKeySecret(db.db, { keySecret: undefined }), { adminKey });
    await grantCredit(db.db, {
      orgId: 'org_default',
      amountMicro: creditMicro,
      kind: 'grant',
      note: 'prepared',
      actorKeyId: null,
    });
  } finally {
    await db.close();
  }
  return { adminKey, env: { ...env, LOWROUTER_ADMIN_KEY: adminKey }, open, drop };
}
