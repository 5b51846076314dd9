/**
 * `pnpm lowrouter <command>`: the operator's command line. Each command lives in commands/<name>.ts
 * and is loaded only when called, so `lowrouter eco` starts without touching the database.
 */
type Command = { summary: string; load: () => Promise<{ run: (args: string[]) => Promise<number> }> };

const commands: Record<string, Command> = {
  start: {
    summary: 'migrate, import the catalog and serve the gateway',
    load: () => import('./commands/start'),
  },
  'build-web': {
    summary: 'build the pages (web/dist) when stale; part of `pnpm build`',
    load: () => import('./commands/build-web'),
  },
  migrate: { summary: 'apply database migrations and exit', load: () => import('./commands/migrate') },
  eco: {
    summary: 'read JSON lines of eco inputs on stdin, write estimates',
    load: () => import('./commands/eco'),
  },
  grid: {
    summary: 'grid import <file.csv>: load licensed grid factors',
    load: () => import('./commands/grid'),
  },
  audit: {
    summary: 'audit verify: check the audit trail hash chain, report the first broken entry',
    load: () => import('./commands/audit'),
  },
};

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  const command = name ? commands[name] : undefined;
  if (!command) {
    const lines = Object.entries(commands).map(([n, c]) => `  ${n.padEnd(10)} ${c.summary}`);
    process.stderr.write(`usage: lowrouter <command>\n\ncommands:\n${lines.join('\n')}\n`);
    return name ? 2 : 0;
  }
  const mod = await command.load();
  return mod.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`lowrouter: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
