/**
 * Prints the schema to api/schema.graphql. With `--check`, exits 1 when the committed file is stale
 * (CI runs this so the schema users see never drifts from the code).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { schema } from './index';

const file = fileURLToPath(new URL('../../schema.graphql', import.meta.url));
const printed = `${printSchema(schema)}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {}
  if (current !== printed) {
    process.stderr.write('api/schema.graphql is stale: run `pnpm schema:print` and commit it.\n');
    process.exit(1);
  }
  process.stdout.write('api/schema.graphql is up to date.\n');
} else {
  writeFileSync(file, printed);
  process.stdout.write(`wrote ${file}\n`);
}
