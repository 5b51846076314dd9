/**
 * `pnpm start`: runs the compiled gateway (api/dist/cli.js), building it first when api/dist or
 * web/dist is older than its sources. One Node process: the build check costs a walk of mtimes, and
 * esbuild and Vite load only when something is stale. Arguments pass through: `run.mjs start`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setFlagsFromString } from 'node:v8';

// LOWROUTER_HEAP_GROWING_PERCENT (api/src/runtime/heap.ts), applied before anything else loads: set
// later (once the gateway's modules and catalog are in), V8 keeps most of the heap it already sized
// (measured: 213 MB peak RSS at concurrency 16 instead of 166). A value out of range is left for the
// configuration check, which refuses it before anything is served.
const heapPercent = process.env.LOWROUTER_HEAP_GROWING_PERCENT ?? '50';
if (
  /^\d+$/.test(heapPercent) &&
  Number(heapPercent) > 0 &&
  !process.execArgv.some((a) => a.startsWith('--heap-growing-percent'))
)
  setFlagsFromString(`--heap-growing-percent=${heapPercent}`);

// The embedded database is PostgreSQL compiled to WebAssembly (PGlite, in a worker thread). V8 first
// compiles it with its baseline compiler and recompiles hot functions optimised in the background; on
// a busy core that background work waits, and both copies of the code stay in memory. Compiled
// optimised once at start instead: 65-100 MB less RSS (356 MB at start instead of 420, 475-505 MB
// under `pnpm bench load` instead of 568-618) for about one more second of start-up. PostgreSQL
// deployments load no WebAssembly, so this is left alone there.
if (!process.env.DATABASE_URL && !process.execArgv.includes('--liftoff')) setFlagsFromString('--no-liftoff');

const { DIST, ensureApiBuilt, ensureWebBuilt } = await import('./build.mjs');
process.setSourceMapsEnabled(true);
// A help request builds only what prints it, never the pages (help never acts).
const help = process.argv.slice(2).some((a) => a === '--help' || a === '-h');
// A cluster worker re-runs this file: the primary has already built everything.
if (!process.env.NODE_UNIQUE_ID) {
  await ensureApiBuilt();
  // The gateway starts without its pages rather than not at all (it then answers them with a 503);
  // a configuration error is reported by the command itself, below.
  if (!help) {
    await ensureWebBuilt().catch((err) =>
      process.stderr.write(`web pages not built: ${err?.message ?? err}\n`),
    );
  }
}
await import(pathToFileURL(join(DIST, 'cli.js')).href);
