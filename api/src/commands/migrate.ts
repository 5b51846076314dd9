import { loadConfig } from '../config';
import { configuredDb, openDb } from '../db/client';
import { runMigrations } from '../db/migrate';
import { parseCommandArgs } from './args';

/** `lowrouter migrate`: apply pending migrations and exit (refused while a gateway owns the data dir). */
export async function run(args: string[]): Promise<number> {
  parseCommandArgs(args, {});
  const config = loadConfig();
  const db = await openDb({
    ...configuredDb(config),
  });
  try {
    await runMigrations(db);
    process.stdout.write(`migrations applied (${db.driver})\n`);
    return 0;
  } finally {
    await db.close();
  }
}
