import { verifyAuditChain } from '../audit';
import { loadConfig } from '../config';
import { configuredDb, openDb } from '../db/client';
import { runMigrations } from '../db/migrate';

const HELP = `usage: lowrouter audit verify [--json]

Checks the audit trail's hash chain (every entry's hash covers the previous entry's hash and the
entry's content) from the first entry to the last, and reports the first broken entry: its id,
time and what did not match. Reads DATABASE_URL / LOWROUTER_DATA_DIR like \`lowrouter start\`.

  --json    print the result as one JSON object

Exit status: 0 the chain is intact, 1 it is broken, 2 bad usage.
Keep the head hash it prints somewhere else: removing the newest entries leaves a shorter chain
that still verifies, and only a head you kept shows it.
`;

export async function run(args: string[]): Promise<number> {
  const [sub, ...flags] = args;
  if (
    sub === '--help' ||
    sub === '-h' ||
    (sub === 'verify' && flags.some((f) => f === '--help' || f === '-h'))
  ) {
    process.stdout.write(HELP);
    return 0;
  }
  const unknown = flags.filter((f) => f !== '--json');
  if (sub !== 'verify' || unknown.length) {
    process.stderr.write(
      `${sub !== 'verify' ? `unknown audit command ${JSON.stringify(sub ?? '')}` : `unknown option ${unknown[0]}`}\n\n${HELP}`,
    );
    return 2;
  }
  const json = flags.includes('--json');
  const config = loadConfig();
  const db = await openDb({
    ...configuredDb(config),
  });
  try {
    await runMigrations(db);
    const r = await verifyAuditChain(db.db);
    if (json) {
      process.stdout.write(`${JSON.stringify(r)}\n`);
    } else if (r.ok) {
      process.stdout.write(
        `audit chain intact: ${r.checked} entr${r.checked === 1 ? 'y' : 'ies'} verified${
          r.unchained
            ? `, ${r.unchained} older entr${r.unchained === 1 ? 'y' : 'ies'} written before the chain existed (not covered)`
            : ''
        }\nhead ${r.head ?? '(empty)'}\n`,
      );
    } else {
      const b = r.firstBroken!;
      process.stdout.write(
        `audit chain BROKEN at entry ${b.id} (${b.createdAt.toISOString()}): ${b.problem}\n${r.checked} entr${r.checked === 1 ? 'y' : 'ies'} before it verified\n`,
      );
    }
    return r.ok ? 0 : 1;
  } finally {
    await db.close();
  }
}
