/**
 * The production build (`pnpm build`): api/src, with shared/ and data/ bundled in, becomes plain
 * JavaScript in api/dist/ for Node 20 (esbuild), and web/ becomes web/dist/ (Vite). Packages from
 * node_modules stay external, so PGlite loads its wasm from its own package as it does from source.
 *
 * Plain JavaScript because it runs before anything is compiled: `pnpm start` (run.mjs) calls
 * `ensureApiBuilt()`, which costs a walk of mtimes when the output is fresh and loads esbuild only
 * when it is stale.
 */
import { existsSync, readFileSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const API = fileURLToPath(new URL('..', import.meta.url));
const ROOT = join(API, '..');
export const DIST = join(API, 'dist');
/** Written last by a build, so its mtime says when the output was complete. */
const STAMP = join(DIST, 'cli.js');

/** Everything whose change makes api/dist stale (tests and recorded fixtures are not bundled). */
const INPUTS = [
  join(API, 'src'),
  join(API, 'package.json'),
  join(API, 'scripts', 'build.mjs'),
  join(ROOT, 'shared', 'src'),
  join(ROOT, 'data', 'src'),
  // The server-rendered pages format figures with the browser pages' own module.
  join(ROOT, 'web', 'src', 'format.ts'),
  join(ROOT, 'data', 'providers.json'),
  join(ROOT, 'data', 'regions.json'),
  join(ROOT, 'data', 'models.json'),
  join(ROOT, 'data', 'endpoints.json'),
  join(ROOT, 'data', 'embeddings.json'),
  join(ROOT, 'pnpm-lock.yaml'),
];

/**
 * Newest mtime (ms) under `path`, skipping tests and fixtures; 0 when missing.
 * @param {string} path
 * @returns {number}
 */
function newest(path) {
  let s;
  try {
    s = statSync(path);
  } catch {
    return 0;
  }
  if (!s.isDirectory()) return path.endsWith('.test.ts') ? 0 : s.mtimeMs;
  let max = 0;
  for (const name of readdirSync(path)) {
    if (name === '__fixtures__' || name === 'node_modules') continue;
    max = Math.max(max, newest(join(path, name)));
  }
  return max;
}

/** Whether api/dist is missing or older than any of its inputs. */
export function apiStale() {
  let built;
  try {
    built = statSync(STAMP).mtimeMs;
  } catch {
    return true;
  }
  return INPUTS.some((p) => newest(p) > built);
}

/**
 * esbuild keeps `import.meta.url` as the URL of the output file, so `new URL('../../drizzle',
 * import.meta.url)` would point elsewhere once bundled. Each workspace module's `import.meta.url`
 * becomes its source file's URL, computed relative to the output (every output sits in api/dist/,
 * so the checkout stays relocatable).
 */
/** @type {import('esbuild').Plugin} */
const sourceUrlPlugin = {
  name: 'source-import-meta-url',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, (args) => {
      if (args.path.includes(`${sep}node_modules${sep}`)) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
      const rel = relative(DIST, args.path).split(sep).join('/');
      const url = `new URL(${JSON.stringify(rel)}, import.meta.url).href`;
      return { contents: text.replaceAll('import.meta.url', url), loader: 'ts' };
    });
  },
};

/** Packages stay external (resolved from api/node_modules at run time); workspace packages are TS
 * sources and are bundled. */
/** @type {import('esbuild').Plugin} */
const externalPackagesPlugin = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('@lowrouter/') || args.path.startsWith('node:')) return undefined;
      return { path: args.path, external: true };
    });
  },
};

/** Bundles api/src into api/dist/, built aside and swapped in so a running start never sees half. */
export async function buildApi() {
  const { build } = await import('esbuild');
  const out = `${DIST}.tmp-${process.pid}`;
  rmSync(out, { recursive: true, force: true });
  await build({
    absWorkingDir: API,
    entryPoints: {
      cli: 'src/cli.ts',
      'build-web': 'src/commands/build-web.ts',
    },
    outdir: out,
    // Flat output: every file in api/dist/, which sourceUrlPlugin relies on.
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    logLevel: 'warning',
    define: { __LOWROUTER_BUNDLED__: 'true' },
    // src/db/pglite-worker.mjs is loaded by URL from its source location, not bundled.
    plugins: [externalPackagesPlugin, sourceUrlPlugin],
  });
  const old = `${DIST}.old-${process.pid}`;
  try {
    if (existsSync(DIST)) renameSync(DIST, old);
    renameSync(out, DIST);
  } catch (err) {
    // Another start built at the same moment and swapped its output in first: keep that one.
    rmSync(out, { recursive: true, force: true });
    if (apiStale()) throw err;
  } finally {
    rmSync(old, { recursive: true, force: true });
  }
}

/**
 * Builds api/dist when stale; returns whether it built.
 * @param {(line: string) => void} log
 */
export async function ensureApiBuilt(log = (line) => process.stderr.write(`${line}\n`)) {
  if (!apiStale()) return false;
  const t0 = performance.now();
  await buildApi();
  log(`built api/dist in ${Math.round(performance.now() - t0)} ms`);
  return true;
}

/** Builds the pages (web/dist) when stale, through the compiled `build-web` command. */
export async function ensureWebBuilt() {
  const { run } = await import(pathToFileURL(join(DIST, 'build-web.js')).href);
  return run([]);
}

// `node api/scripts/build.mjs`: build both now (`--if-stale`: only what is stale).
if (process.argv[1] && pathToFileURL(process.argv[1]).href === import.meta.url) {
  const ifStale = process.argv.includes('--if-stale');
  if (ifStale) await ensureApiBuilt();
  else {
    const t0 = performance.now();
    await buildApi();
    process.stderr.write(`built api/dist in ${Math.round(performance.now() - t0)} ms\n`);
  }
  process.exitCode = await ensureWebBuilt();
}
