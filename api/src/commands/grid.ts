import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { loadConfig } from '../config';
import { openDb } from '../db/client';
import { runMigrations } from '../db/migrate';
import { seedCatalog } from '../db/seed';
import { applyGridImport, knownRegions, parseGridCsv } from '../eco/grid-import';
import { loadCatalog } from '@lowrouter/data';

const HELP = `usage: lowrouter grid import <file.csv>

Loads grid carbon-intensity factors (gCO2e/kWh) you hold a licence for, per region or per country.
Columns: region_id or country, gco2e_per_kwh, year, source, basis (lifecycle|direct).
Every line is checked first; nothing is written unless the whole file is valid.
New requests use the new factors; past requests keep the ones they were estimated with.
`;

export async function run(args: string[]): Promise<number> {
  const [sub, file] = args;
  if (sub !== 'import' || !file) {
    process.stderr.write(HELP);
    return sub === '--help' ? 0 : 2;
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    process.stderr.write(`lowrouter grid import: cannot read ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  const config = loadConfig();
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
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
