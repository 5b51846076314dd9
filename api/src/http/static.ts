/**
 * The pages, served by the gateway itself on the API's port: web/dist (built by Vite) for `/`,
 * `/dashboard`, `/settings` and `/assets/*`, the server-rendered docs under `/docs` (`/methodology` redirects there), and an HTML 404.
 * Files are read once into memory and compressed on first request per encoding (brotli, else gzip, per
 * Accept-Encoding), then kept. Hashed assets are immutable for a year; HTML is `no-cache` (revalidated
 * by ETag) and carries a strict Content-Security-Policy: no inline script or style anywhere.
 *
 * `ensureWebAssets` builds web/dist when it is missing or older than its sources (`pnpm start`).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { readFile, readdir, rename, rm, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlibConstants, gzip } from 'node:zlib';
import { type Config, loadConfig } from '../config';
import type { Db } from '../db/client';
import type { Logger } from '../log';
import { createDocs } from './docs/index';
import type { RoutingTables } from '../routing/routing-tables';
import { createFootprintCache, loadFootprint, renderFootprintPage } from './pages/footprint';
import { createGraphiqlAssets } from './pages/graphiql';
import { HTML_HEADERS, html, renderPage } from './pages/layout';
import {
  type BrowserModel,
  browserModels,
  calculate,
  renderBrowserPage,
  renderModelPage,
  viewFromQuery,
} from './pages/model-browser';

/** web/ in this checkout. */
export const WEB_DIR = fileURLToPath(new URL('../../../web/', import.meta.url));

export { CONTENT_SECURITY_POLICY } from './pages/layout';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
const COMPRESSIBLE = new Set(['.html', '.js', '.css', '.svg', '.json', '.map', '.webmanifest', '.txt']);
/** Below this many bytes compression does not pay for its header. */
const MIN_COMPRESS_BYTES = 512;

export type Encoding = 'br' | 'gzip';

/** The encoding to answer with: brotli when accepted, else gzip, else none. q=0 refuses. */
export function negotiateEncoding(acceptEncoding: string | null): Encoding | null {
  if (!acceptEncoding) return null;
  const q = new Map<string, number>();
  for (const item of acceptEncoding.toLowerCase().split(',')) {
    const [name, ...params] = item.trim().split(';');
    const qv = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    q.set(name!.trim(), qv ? Number(qv.slice(2)) || 0 : 1);
  }
  const ok = (e: string) => (q.get(e) ?? (q.has('*') ? q.get('*')! : 0)) > 0;
  if (ok('br')) return 'br';
  if (ok('gzip')) return 'gzip';
  return null;
}

const brotli = promisify(brotliCompress);
const gz = promisify(gzip);

export function compress(body: Uint8Array, encoding: Encoding, fast = false): Promise<Buffer> {
  return encoding === 'br'
    ? brotli(body, {
        params: {
          [zlibConstants.BROTLI_PARAM_QUALITY]: fast ? 5 : 11,
          [zlibConstants.BROTLI_PARAM_SIZE_HINT]: body.byteLength,
        },
      })
    : gz(body, { level: fast ? 6 : 9 });
}

const DYNAMIC_TYPES = /^(application\/(json|graphql-response\+json)|text\/(html|plain|css|javascript))\b/;

/**
 * Compresses a dynamic, fully buffered response (JSON from /graphql, say) per Accept-Encoding: brotli
 * at a fast quality, else gzip. Streams (SSE, multipart), small or already encoded bodies pass as is.
 * The catalog query of the model browser is ~63 KB of JSON and ~7 KB compressed.
 */
export async function compressResponse(request: Request, response: Response): Promise<Response> {
  const type = response.headers.get('content-type') ?? '';
  if (!response.body || response.headers.has('content-encoding') || !DYNAMIC_TYPES.test(type))
    return response;
  const enc = negotiateEncoding(request.headers.get('accept-encoding'));
  if (!enc) return response;
  const bytes = new Uint8Array(await response.arrayBuffer());
  const headers = new Headers(response.headers);
  headers.append('vary', 'accept-encoding');
  let body: Uint8Array<ArrayBuffer> = bytes;
  if (bytes.byteLength >= 1024) {
    body = new Uint8Array(
      enc === 'br'
        ? await brotli(bytes, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5 } })
        : await gz(bytes, { level: 6 }),
    );
    headers.set('content-encoding', enc);
  }
  headers.set('content-length', String(body.byteLength));
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

/** A body with its compressed variants, computed once on first request and then kept in memory. */
class Body {
  readonly etag: string;
  private readonly variants = new Map<Encoding, Promise<Buffer>>();
  constructor(
    readonly bytes: Buffer,
    readonly compressible: boolean,
    /** Compress at a fast level: for pages rendered per request (a query string), not kept. */
    readonly fast = false,
  ) {
    this.etag = `"${createHash('sha256').update(bytes).digest('base64url').slice(0, 22)}"`;
  }

  /** The response for `request`: 304 on a matching ETag, compressed when accepted and worth it. */
  async respond(request: Request, status: number, headers: Record<string, string>): Promise<Response> {
    const h = new Headers(headers);
    h.set('etag', this.etag);
    const canCompress = this.compressible && this.bytes.byteLength >= MIN_COMPRESS_BYTES;
    if (canCompress) h.set('vary', 'accept-encoding');
    if (status === 200 && request.headers.get('if-none-match') === this.etag) {
      return new Response(null, { status: 304, headers: h });
    }
    const enc = canCompress ? negotiateEncoding(request.headers.get('accept-encoding')) : null;
    let body: Buffer = this.bytes;
    if (enc) {
      let v = this.variants.get(enc);
      if (!v) {
        v = compress(this.bytes, enc, this.fast);
        this.variants.set(enc, v);
      }
      body = await v;
      h.set('content-encoding', enc);
    }
    h.set('content-length', String(body.byteLength));
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status, headers: h });
  }
}

interface Dist {
  files: Map<string, { body: Body; type: string; immutable: boolean }>;
  /** The stylesheets of the model browser, for the pages the server renders. */
  stylesheets: string[];
  /** The model browser's enhancing script (the index.html entry) and the chunks it imports. */
  browserScripts: string[];
  browserPreloads: string[];
}

/** Reads every file of web/dist into memory (it is small), keyed by URL path. */
export async function loadDist(dir: string): Promise<Dist> {
  const manifest = JSON.parse(await readFile(join(dir, '.vite', 'manifest.json'), 'utf8')) as Record<
    string,
    { css?: string[]; imports?: string[] }
  >;
  const files: Dist['files'] = new Map();
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    const rel = relative(dir, full).split(sep).join('/');
    if (rel.startsWith('.')) continue;
    const ext = extname(rel);
    files.set(`/${rel}`, {
      body: new Body(await readFile(full), COMPRESSIBLE.has(ext)),
      type: TYPES[ext] ?? 'application/octet-stream',
      immutable: rel.startsWith('assets/'),
    });
  }
  // The model browser's stylesheets: its entry's CSS and that of every chunk it imports.
  const css = new Set<string>();
  const seen = new Set<string>();
  const collect = (key: string) => {
    const chunk = manifest[key];
    if (!chunk || seen.has(key)) return;
    seen.add(key);
    for (const f of chunk.css ?? []) css.add(`/${f}`);
    for (const i of chunk.imports ?? []) collect(i);
  };
  collect('index.html');
  const entry = (manifest['index.html'] as { file?: string } | undefined)?.file;
  const preloads = [...seen]
    .filter((k) => k !== 'index.html')
    .flatMap((k) =>
      (manifest[k] as { file?: string }).file ? [`/${(manifest[k] as { file: string }).file}`] : [],
    );
  return {
    files,
    stylesheets: [...css],
    browserScripts: entry ? [`/${entry}`] : [],
    browserPreloads: preloads,
  };
}

/** Pretty paths of the pages web/ builds (`/` is rendered here when routing tables are given). */
const PAGES: Record<string, string> = {
  '/': '/index.html',
  '/dashboard': '/dashboard.html',
  '/settings': '/settings.html',
};

/** Paths that belong to the API: the site never answers them (the app's JSON 404 does). */
const API_PREFIXES = ['/v1/', '/graphql', '/healthz', '/readyz'];

export interface SiteOptions {
  db: Db;
  /** For the public /footprint totals (DbHandle.readDb); `db` when absent. */
  readDb?: Db;
  /** web/dist; defaults to this checkout's. */
  distDir?: string;
  log?: Logger;
  /** The running configuration, for the figures the docs quote; defaults when absent. */
  config?: Config;
  /** The routing tables (catalog, credentials): with them `/` and `/models/<id>` are rendered here. */
  tables?: () => Promise<RoutingTables>;
  /** Serve /footprint (LOWROUTER_PUBLIC_FOOTPRINT); default true. */
  publicFootprint?: boolean;
  /** How long the /footprint aggregate is kept, ms (default 60 s). */
  footprintTtlMs?: number;
}

export interface Site {
  /** The page or asset for a GET/HEAD request, or null when the path is not the site's. */
  fetch(request: Request): Promise<Response | null>;
  /** The stylesheets of the built pages (none while web/ is not built), for other server pages. */
  stylesheets(): Promise<string[]>;
}

export function createSite(opts: SiteOptions): Site {
  const distDir = opts.distDir ?? join(WEB_DIR, 'dist');
  let dist: Promise<Dist> | undefined;
  let warned = false;
  /** The built pages, or null while web/dist is missing (checked again on the next request). */
  const getDist = async (): Promise<Dist | null> => {
    dist ??= loadDist(distDir);
    try {
      return await dist;
    } catch (err) {
      dist = undefined;
      if (!warned) {
        warned = true;
        opts.log?.warn('web pages not built: run `pnpm start` or `pnpm --filter @lowrouter/web build`', {
          distDir,
          error: String((err as Error).message ?? err),
        });
      }
      return null;
    }
  };

  const docs = createDocs({ db: opts.db, config: opts.config ?? loadConfig({}) });
  const graphiql = createGraphiqlAssets();
  const footprint = createFootprintCache(() => loadFootprint(opts.readDb ?? opts.db), {
    ttlMs: opts.footprintTtlMs ?? 60_000,
  });
  /** The browser's models, computed once per routing-tables version. */
  let models: { version: RoutingTables; list: BrowserModel[] } | undefined;
  const browser = async () => {
    const tables = await opts.tables!();
    if (models?.version !== tables) models = { version: tables, list: browserModels(tables) };
    return { tables, list: models.list };
  };

  /** Server-rendered HTML, kept by content so repeated pages are compressed once. */
  const rendered = new Map<string, Body>();
  const htmlBody = (text: string) => {
    let b = rendered.get(text);
    if (!b) {
      if (rendered.size > 16) rendered.clear();
      b = new Body(Buffer.from(text), true);
      rendered.set(text, b);
    }
    return b;
  };

  const notFound = async (request: Request, d: Dist | null) => {
    const path = new URL(request.url).pathname;
    const page = renderPage({
      title: 'Page not found',
      stylesheets: d?.stylesheets ?? [],
      main: html`<h1>Page not found</h1>
<p>There is no page at <code>${path}</code>.</p>
<p>Try the <a href="/">model browser</a> or the <a href="/docs">documentation</a>. The API is at <code>/graphql</code> and <code>/v1</code>.</p>`,
    });
    return htmlBody(page).respond(request, 404, HTML_HEADERS);
  };

  return {
    stylesheets: async () => (await getDist())?.stylesheets ?? [],
    async fetch(request) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return null;
      const path = new URL(request.url).pathname;
      if (API_PREFIXES.some((p) => path === p.replace(/\/$/, '') || path.startsWith(p))) return null;
      const d = await getDist();

      if (path.startsWith('/graphiql/')) {
        const asset = await graphiql.fetch(request);
        if (asset) return asset;
        return notFound(request, d);
      }

      if (path === '/footprint' || path === '/footprint/') {
        if (opts.publicFootprint === false) return notFound(request, d);
        const data = await footprint.get();
        const t = opts.tables ? await opts.tables() : null;
        const nameOf = <T extends { id: string; name: string }>(list: Iterable<T> | undefined) => {
          const m = new Map([...(list ?? [])].map((x) => [x.id, x.name]));
          return (id: string) => m.get(id) ?? id;
        };
        const page = renderFootprintPage(
          data,
          {
            provider: nameOf(t?.providers),
            region: nameOf(t?.regions),
            model: nameOf(t?.models.values()),
          },
          d?.stylesheets ?? [],
        );
        return htmlBody(page).respond(request, 200, HTML_HEADERS);
      }

      if (opts.tables && (path === '/' || path === '/index.html')) {
        const { tables, list } = await browser();
        const q = new URL(request.url).searchParams;
        const calc = q.has('endpoint')
          ? { endpointId: q.get('endpoint') ?? '', outputTokens: q.get('tokens') ?? '' }
          : null;
        const result = calc ? calculate(tables, calc) : null;
        const page = renderBrowserPage({
          models: list,
          view: viewFromQuery(q),
          calculator: calc,
          result,
          stylesheets: d?.stylesheets ?? [],
          scripts: d?.browserScripts ?? [],
        });
        const status = result && !result.ok ? 400 : 200;
        // The default page is kept compressed; a query string's page is compressed fast and not kept.
        const body = q.size ? new Body(Buffer.from(page), true, true) : htmlBody(page);
        return body.respond(request, status, HTML_HEADERS);
      }

      if (opts.tables && path.startsWith('/models/')) {
        let id: string;
        try {
          id = decodeURIComponent(path.slice('/models/'.length).replace(/\/$/, ''));
        } catch {
          return notFound(request, d);
        }
        const { list } = await browser();
        const model = list.find((m) => m.id === id);
        if (!model) return notFound(request, d);
        return htmlBody(renderModelPage(model, d?.stylesheets ?? [])).respond(request, 200, HTML_HEADERS);
      }

      // The methodology moved into the docs; old links keep working.
      if (path === '/methodology' || path === '/methodology/') {
        return new Response(null, { status: 301, headers: { location: '/docs/sustainable-ai/methodology' } });
      }
      const doc = await docs.render(path, d?.stylesheets ?? []);
      if (doc) return htmlBody(doc).respond(request, 200, HTML_HEADERS);

      const page = PAGES[path.length > 1 ? path.replace(/\/$/, '') : path];
      if (page) {
        const file = d?.files.get(page);
        if (file) return file.body.respond(request, 200, HTML_HEADERS);
        const body = renderPage({
          title: 'Pages not built',
          stylesheets: [],
          main: html`<h1>The pages are not built yet</h1>
<p>Run <code>pnpm start</code> (it builds them) or <code>pnpm --filter @lowrouter/web build</code>. The API works meanwhile: <a href="/docs">documentation</a>, <code>/graphql</code>, <code>/v1</code>.</p>`,
        });
        return htmlBody(body).respond(request, 503, { ...HTML_HEADERS, 'retry-after': '10' });
      }

      const file = d?.files.get(path);
      if (file && !file.type.startsWith('text/html')) {
        return file.body.respond(request, 200, {
          'content-type': file.type,
          'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
          'x-content-type-options': 'nosniff',
          'referrer-policy': 'no-referrer',
        });
      }
      return notFound(request, d);
    },
  };
}

// ------------------------------------------------------------------ building web/dist

/** Sources whose change makes web/dist stale (relative to web/). */
const SOURCES = [
  'index.html',
  'dashboard.html',
  'settings.html',
  'vite.config.ts',
  'package.json',
  'src',
  'public',
];

/** Newest modification time (ms) under `paths`, 0 when none exist. */
function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    let s: ReturnType<typeof statSync>;
    try {
      s = statSync(p);
    } catch {
      return;
    }
    if (s.isDirectory()) {
      for (const name of readdirSyncSafe(p)) visit(join(p, name));
    } else if (!p.endsWith('.test.ts')) newest = Math.max(newest, s.mtimeMs);
  };
  for (const p of paths) visit(p);
  return newest;
}

function readdirSyncSafe(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Whether web/dist is missing or older than any of its sources. */
export function webAssetsStale(webDir = WEB_DIR): boolean {
  let built: number;
  try {
    built = statSync(join(webDir, 'dist', '.vite', 'manifest.json')).mtimeMs;
  } catch {
    return true;
  }
  return newestMtime(SOURCES.map((s) => join(webDir, s))) > built;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Builds web/dist with Vite when it is missing or stale. Safe when several processes start at once (a
 * lock directory serialises builds; each builds aside and swaps the result in by rename). Without Vite
 * installed (a production install), an existing dist is used as is. A failed build is logged, not
 * thrown: the API must start regardless.
 */
export async function ensureWebAssets(
  opts: { webDir?: string; log?: Logger; timeoutMs?: number } = {},
): Promise<'fresh' | 'built' | 'unavailable' | 'failed'> {
  const webDir = opts.webDir ?? WEB_DIR;
  if (!webAssetsStale(webDir)) return 'fresh';
  let viteBin: string;
  try {
    const webRequire = createRequire(join(webDir, 'package.json'));
    const pkgPath = webRequire.resolve('vite/package.json');
    const bin = (JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin: Record<string, string> }).bin.vite!;
    viteBin = join(dirname(pkgPath), bin);
  } catch {
    opts.log?.warn('web pages are stale or missing and Vite is not installed: serving what is there', {
      webDir,
    });
    return 'unavailable';
  }
  const cache = join(webDir, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const lock = join(cache, 'lowrouter-web-build.lock');
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // Another process is building; a lock older than the timeout is left over from a crash.
      const age = Date.now() - (await stat(lock).catch(() => ({ mtimeMs: Date.now() }))).mtimeMs;
      if (age > (opts.timeoutMs ?? 120_000)) rmSync(lock, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Error(`timed out waiting for another web build (${lock})`);
      await sleep(100);
    }
  }
  try {
    if (!webAssetsStale(webDir)) return 'fresh';
    const t0 = performance.now();
    const out = join(cache, `lowrouter-web-dist-${process.pid}`);
    await rm(out, { recursive: true, force: true });
    const stderr = await new Promise<string | Error>((resolve) => {
      const child = spawn(
        process.execPath,
        [viteBin, 'build', '--outDir', out, '--emptyOutDir', '--logLevel', 'warn'],
        { cwd: webDir, stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let err = '';
      child.stderr.on('data', (d) => {
        err += d;
      });
      child.on('error', resolve);
      child.on('exit', (code) =>
        resolve(code === 0 ? err : new Error(`vite build failed (exit ${code}):\n${err}`)),
      );
    });
    if (stderr instanceof Error) {
      // The API still starts; the pages answer 503 (or the previous build) until a build succeeds.
      opts.log?.error('web pages could not be built', { error: stderr.message });
      await rm(out, { recursive: true, force: true });
      return 'failed';
    }
    const dist = join(webDir, 'dist');
    const old = join(cache, `lowrouter-web-dist-old-${process.pid}`);
    if (existsSync(dist)) await rename(dist, old);
    await rename(out, dist);
    await rm(old, { recursive: true, force: true });
    opts.log?.info('web pages built', {
      ms: Math.round(performance.now() - t0),
      warnings: stderr.trim() || undefined,
    });
    return 'built';
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
