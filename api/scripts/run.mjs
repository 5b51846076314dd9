/**
 * `pnpm start`: runs the compiled gateway (api/dist/cli.js), building it first when api/dist or
 * web/dist is older than its sources. One Node process: the build check costs a walk of mtimes, and
 * esbuild and Vite load only when something is stale. Arguments pass through: `run.mjs start`.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DIST, ensureApiBuilt, ensureWebBuilt } from './build.mjs';

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
