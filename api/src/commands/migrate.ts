import { loadConfig } from '../config';
import { openDb } from '../db/client';
import { runMigrations } from '../db/migrate';

/** `lowrouter migrate`: apply pending migrations and exit. */
export async function run(_args: string[]): Promise<number> {
  const config = loadConfig();
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  try {
    await runMigrations(db);
    process.stdout.write(`migrations applied (${db.driver})\n`);
    return 0;
  } finally {
    await db.close();
  }
}
