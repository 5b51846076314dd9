/**
 * `pnpm bench <name>`: benchmarks live here, not in timed tests. Each prints its figures and the
 * machine it ran on, so a note can quote them with the command that produced them.
 */
import { cpus, totalmem } from 'node:os';

const benches: Record<string, () => Promise<{ run: (args: string[]) => Promise<void> }>> = {
  startup: () => import('./startup'),
  overhead: () => import('./overhead'),
  analytics: () => import('./analytics'),
  'pglite-thread': () => import('./pglite-thread'),
  load: () => import('./load'),
  concurrency: () => import('./concurrency'),
  cache: () => import('./cache'),
  nodes: () => import('./nodes'),
};

const [name, ...args] = process.argv.slice(2);
if (name === '--help' || name === '-h') {
  process.stdout.write(
    `usage: pnpm bench [name] [options]\n\nBenchmarks: ${Object.keys(benches).join(', ')} (none named: all of them).\nREADME, section Commands, lists each one's options.\n`,
  );
  process.exit(0);
}
const names = name ? [name] : Object.keys(benches);
const unknown = names.filter((n) => !benches[n]);
if (unknown.length) {
  process.stderr.write(`unknown benchmark ${unknown.join(', ')}; have: ${Object.keys(benches).join(', ')}\n`);
  process.exit(2);
}
process.stdout.write(
  `# node ${process.version}, ${cpus().length} cores (${cpus()[0]?.model}), ${Math.round(totalmem() / 2 ** 30)} GiB\n`,
);
for (const n of names) {
  process.stdout.write(`\n## ${n}\n`);
  await (await benches[n]!()).run(args);
}
