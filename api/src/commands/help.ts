/**
 * Every command's help, kept apart from the commands so `--help` loads nothing that acts: no
 * configuration, no database, no server. The first line of each text is its usage line.
 */

const DATA = `Database: DATABASE_URL (PostgreSQL) when set, else the embedded one in LOWROUTER_DATA_DIR
(default .lowrouter), as \`lowrouter start\` resolves them.`;

const THROUGH_GATEWAY = `${DATA}
When a running gateway owns the embedded directory, the command goes through that gateway's GraphQL
API with the instance admin key in LOWROUTER_ADMIN_KEY (refused without it: one process owns an
embedded directory, and its data would fork).`;

export interface CommandHelp {
  summary: string;
  /** Text for \`lowrouter <command> --help\`; its first line is the usage line. */
  help: string;
  /** Subcommand name → its help text (first line: usage). */
  subcommands?: Record<string, string>;
}

export const COMMAND_HELP: Record<string, CommandHelp> = {
  start: {
    summary: 'migrate, import the catalog and serve the gateway',
    help: `usage: lowrouter start

Applies migrations, imports the catalog and serves the gateway (HTTP /v1, /graphql, the pages) until
SIGINT or SIGTERM. On the first start an instance admin key is generated and printed once (set
LOWROUTER_ADMIN_KEY to choose your own). Configuration comes from the environment (README, section
Configuration): PORT, HOST, DATABASE_URL, LOWROUTER_DATA_DIR, provider keys, …
${DATA}
An embedded directory is served by one process: a second start on it exits 1, naming the first.
`,
  },
  'build-web': {
    summary: 'build the pages (web/dist) when stale; part of `pnpm build`',
    help: `usage: lowrouter build-web

Builds the pages (web/dist) with Vite when they are missing or older than their sources. Exit 1 when
the build failed.
`,
  },
  migrate: {
    summary: 'apply database migrations and exit',
    help: `usage: lowrouter migrate

Applies the pending database migrations and exits.
${DATA}
Refused while a gateway serves the embedded directory (it migrated at its start).
`,
  },
  eco: {
    summary: 'read JSON lines of eco inputs on stdin, write estimates',
    help: '', // eco.ts keeps its own (long) help; see cli.ts
  },
  grid: {
    summary: 'grid import <file.csv>: load licensed grid factors',
    help: `usage: lowrouter grid import <file.csv>

Subcommands:
  import <file.csv>   load grid carbon-intensity factors you hold a licence for
`,
    subcommands: {
      import: `usage: lowrouter grid import <file.csv>

Loads grid carbon-intensity factors (gCO2e/kWh) you hold a licence for, per region or per country.
Columns: region_id or country, gco2e_per_kwh, year, source, basis (lifecycle|direct).
Every line is checked first; nothing is written unless the whole file is valid.
New requests use the new factors; past requests keep the ones they were estimated with.
${DATA}
Refused while a gateway serves the embedded directory: stop it, import, start it again.
`,
    },
  },
  audit: {
    summary: 'audit verify: check the audit trail hash chain, report the first broken entry',
    help: `usage: lowrouter audit verify [--json]

Subcommands:
  verify   check the audit trail's hash chain and report the first broken entry
`,
    subcommands: {
      verify: `usage: lowrouter audit verify [--json]

Checks the audit trail's hash chain (every entry's hash covers the previous entry's hash and the
entry's content) from the first entry to the last, and reports the first broken entry: its id,
time and what did not match.
  --json    print the result as one JSON object
Exit status: 0 the chain is intact, 1 it is broken, 2 bad usage.
Keep the head hash it prints somewhere else: removing the newest entries leaves a shorter chain
that still verifies, and only a head you kept shows it.
${DATA}
`,
    },
  },
  orgs: {
    summary: 'orgs create|list: organisations',
    help: `usage: lowrouter orgs <create|list> [options]

Subcommands:
  create --name <name>   create an organisation (audited)
  list [--json]          every organisation
`,
    subcommands: {
      create: `usage: lowrouter orgs create --name <name>

Creates an organisation and prints its id. Audited as organization.create.
${THROUGH_GATEWAY}
`,
      list: `usage: lowrouter orgs list [--json]

Lists every organisation: id, name, creation time (UTC).
${THROUGH_GATEWAY}
`,
    },
  },
  keys: {
    summary: 'keys create|list|revoke: API keys',
    help: `usage: lowrouter keys <create|list|revoke> [options]

Subcommands:
  create --org <id> --name <name> [--scopes inference,read,admin] [--rpm <n>] [--tpm <n>]
  list [--org <id>] [--all] [--json]
  revoke <key id>
`,
    subcommands: {
      create: `usage: lowrouter keys create --org <id> --name <name> [--scopes <list>] [--rpm <n>] [--tpm <n>]

Creates an API key and prints it ONCE: only its hash is stored, so store it now.
  --org <id>        the organisation (see \`lowrouter orgs list\`; the default one is org_default)
  --name <name>     a label, 1 to 100 characters
  --scopes <list>   comma-separated: inference, read, admin (default: inference)
  --rpm <n>         requests per minute for this key (default: no limit)
  --tpm <n>         tokens per minute for this key (default: no limit)
Audited as apiKey.create.
${THROUGH_GATEWAY}
`,
      list: `usage: lowrouter keys list [--org <id>] [--all] [--json]

Lists an organisation's keys, newest first: id, prefix, name, scopes, last use. Never the keys.
  --org <id>   the organisation (default: org_default)
  --all        include revoked keys
${THROUGH_GATEWAY}
`,
      revoke: `usage: lowrouter keys revoke <key id>

Revokes a key (its id is in \`lowrouter keys list\`): refused by every gateway within a second.
Audited as apiKey.revoke.
${THROUGH_GATEWAY}
`,
    },
  },
  credits: {
    summary: 'credits grant|balance: prepaid credit',
    help: `usage: lowrouter credits <grant|balance> [options]

Subcommands:
  grant --org <id> --usd <amount> [--note <text>]
  balance [--org <id>] [--json]
`,
    subcommands: {
      grant: `usage: lowrouter credits grant --org <id> --usd <amount> [--note <text>]

Adds prepaid credit to an organisation through the ledger, as the grantCredits mutation does, and
audits it. Amounts are US dollars with at most 6 decimals (kept as integer micro-USD): --usd 10,
--usd 0.25.
${THROUGH_GATEWAY}
`,
      balance: `usage: lowrouter credits balance [--org <id>] [--json]

Prints an organisation's balance, what requests in flight hold, and what is available, in USD.
  --org <id>   the organisation (default: org_default)
${THROUGH_GATEWAY}
`,
    },
  },
  usage: {
    summary: 'usage [--from D] [--to D] [--by day|model]: requests, tokens, cost, energy, gCO2e',
    help: `usage: lowrouter usage [--org <id>] [--from <YYYY-MM-DD>] [--to <YYYY-MM-DD>] [--by day|model] [--json]

A table of requests, tokens, cost (USD), energy (Wh) and carbon (gCO2e, usage phase) per UTC day or
per model, with a total. Energy and carbon are estimates, shown as min-max ranges.
  --org <id>    the organisation (default: org_default)
  --from <day>  first UTC day, inclusive (default: 29 days before --to)
  --to <day>    last UTC day, inclusive (default: today)
  --by <what>   day (default) or model
  --json        the buckets as JSON instead of a table
${THROUGH_GATEWAY}
`,
  },
};

/** \`lowrouter --help\`. */
export function topHelp(): string {
  const lines = Object.entries(COMMAND_HELP).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`);
  return `usage: lowrouter <command> [options]

Commands:
${lines.join('\n')}

\`lowrouter <command> --help\` describes a command; help never acts.
`;
}
