/**
 * Prints the schema to api/schema.graphql. With `--check`, exits 1 when the committed file is stale
 * (CI runs this so the schema users see never drifts from the code).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { printSchema } from 'graphql';
import { schema } from './index';

// Help never acts (it would rewrite the file); anything unknown is refused rather than ignored.
const args = process.argv.slice(2);
const help = args.some((a) => a === '--help' || a === '-h');
const unknown = args.filter((a) => a !== '--check' && a !== '--help' && a !== '-h');
if (help || unknown.length) {
  const usage =
    'usage: pnpm schema:print   (writes api/schema.graphql)\n       pnpm schema:check   (exit 1 when it is stale)\n';
  if (help) process.stdout.write(usage);
  else process.stderr.write(`unexpected argument ${unknown[0]}\n${usage}`);
  process.exit(help ? 0 : 2);
}
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
