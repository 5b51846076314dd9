import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadConfig } from '../config';
import { configuredDb, openDb } from '../db/client';
import { runMigrations } from '../db/migrate';
import { seedCatalog } from '../db/seed';
import { applyGridImport, knownRegions, parseGridCsv } from '../eco/grid-import';
import { loadCatalog } from '@lowrouter/data';
import { UsageError, parseCommandArgs } from './args';

/** `lowrouter grid import <file.csv>` (help: commands/help.ts). */
export async function run(args: string[]): Promise<number> {
  const [sub, ...rest] = args;
  if (sub !== 'import') throw new UsageError(`unknown subcommand ${sub}`);
  const { positionals } = parseCommandArgs(rest, {}, { min: 1, max: 1, names: 'the CSV file to import' });
  const file = positionals[0]!;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`lowrouter grid import: cannot read ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  const config = loadConfig();
  const db = await openDb({
    ...configuredDb(config),
  });
  try {
    await runMigrations(db);
    await seedCatalog(db.db, loadCatalog());
    const { lines, problems } = parseGridCsv(text, await knownRegions(db.db));
    if (problems.length) {
      for (const p of problems) process.stderr.write(`${file}:${p.line}: ${p.field}: ${p.message}\n`);
      process.stderr.write(`nothing imported: fix the ${problems.length} problem(s) above\n`);
      return 1;
    }
    const result = await applyGridImport(db.db, lines, { fileName: basename(file) });
    process.stdout.write(
      `imported ${lines.length} factor(s) as ${result.importId}; ${result.regionsUpdated} region(s) now use them\n`,
    );
    return 0;
  } finally {
    await db.close();
  }
}
