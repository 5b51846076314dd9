import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import {
  CONTENT_SECURITY_POLICY,
  compressResponse,
  createSite,
  negotiateEncoding,
  webAssetsStale,
} from './static';

const JS = `export const x = ${JSON.stringify('lowrouter '.repeat(200))};\n`;
let web: string;
let site: ReturnType<typeof createSite>;

/** A web/ with a built dist, as Vite lays it out. */
function fixtureWeb(): string {
  const dir = mkdtempSync(join(tmpdir(), 'lowrouter-web-'));
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>src</title>');
  writeFileSync(join(dir, 'src', 'main.ts'), 'export {};');
  const dist = join(dir, 'dist');
  mkdirSync(join(dist, '.vite'), { recursive: true });
  mkdirSync(join(dist, 'assets'));
  writeFileSync(
    join(dist, '.vite', 'manifest.json'),
    JSON.stringify({
      'index.html': { file: 'assets/index-abc.js', imports: ['_shared.js'] },
      '_shared.js': { file: 'assets/shared-123.js', css: ['assets/style-def.css'], imports: ['index.html'] },
    }),
  );
  writeFileSync(
    join(dist, 'index.html'),
    '<!doctype html><title>Models</title><script type="module" src="/assets/index-abc.js"></script>',
  );
  writeFileSync(join(dist, 'dashboard.html'), '<!doctype html><title>Dashboard</title>');
  writeFileSync(join(dist, 'assets', 'index-abc.js'), JS);
  writeFileSync(join(dist, 'assets', 'style-def.css'), 'body{margin:0}');
  writeFileSync(join(dist, 'robots.txt'), 'User-agent: *\n');
  return dir;
}

const get = (path: string, headers: Record<string, string> = {}, method = 'GET') =>
  site.fetch(new Request(`http://test${path}`, { method, headers }));

beforeAll(() => {
  web = fixtureWeb();
  site = createSite({ db: {} as Db, distDir: join(web, 'dist') });
});
afterAll(() => rmSync(web, { recursive: true, force: true }));

describe('static site', () => {
  it('serves the page entries as HTML with the CSP and no-cache', async () => {
    const res = (await get('/'))!;
    expect(res.status).toBe(200);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'content-type': 'text/html; charset=utf-8',
      'cache-control': 'no-cache',
      'content-security-policy': CONTENT_SECURITY_POLICY,
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'no-referrer',
    });
    expect(await res.text()).toContain('<title>Models</title>');
    expect(await (await get('/dashboard'))!.text()).toContain('Dashboard');
    expect((await get('/dashboard/'))!.status).toBe(200);
  });

  it('serves hashed assets immutable, brotli or gzip as the client accepts', async () => {
    const br = (await get('/assets/index-abc.js', { 'accept-encoding': 'gzip, deflate, br' }))!;
    expect(br.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(br.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('accept-encoding');
    const brBody = Buffer.from(await br.arrayBuffer());
    expect(Number(br.headers.get('content-length'))).toBe(brBody.length);
    expect(brBody.length).toBeLessThan(JS.length / 4);
    expect(brotliDecompressSync(brBody).toString()).toBe(JS);

    const gz = (await get('/assets/index-abc.js', { 'accept-encoding': 'gzip' }))!;
    expect(gz.headers.get('content-encoding')).toBe('gzip');
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(JS);

    const plain = (await get('/assets/index-abc.js'))!;
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(await plain.text()).toBe(JS);
  });

  it('leaves small files uncompressed and unhashed files revalidated', async () => {
    const res = (await get('/robots.txt', { 'accept-encoding': 'br' }))!;
    expect(res.headers.get('content-encoding')).toBeNull();
    expect(res.headers.get('cache-control')).toBe('no-cache');
  });

  it('answers 304 when the ETag matches, and HEAD without a body', async () => {
    const first = (await get('/assets/style-def.css'))!;
    const etag = first.headers.get('etag')!;
    expect(etag).toMatch(/^".+"$/);
    const again = (await get('/assets/style-def.css', { 'if-none-match': etag }))!;
    expect(again.status).toBe(304);
    const head = (await get('/', {}, 'HEAD'))!;
    expect(head.status).toBe(200);
    expect(head.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await head.text()).toBe('');
  });

  it('answers unknown paths with an HTML 404 page linking the stylesheet', async () => {
    const res = (await get('/nowhere/<b>'))!;
    expect(res.status).toBe(404);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    const body = await res.text();
    expect(body).toContain('<link rel="stylesheet" href="/assets/style-def.css">');
    expect(body).toContain('<code>/nowhere/%3Cb%3E</code>');
    expect(body).not.toContain('<script');
    expect((await get('/.vite/manifest.json'))!.status).toBe(404);
  });

  it('leaves API paths and other methods to the app', async () => {
    for (const p of ['/graphql', '/graphql/stream', '/v1/models', '/v1/nope', '/healthz', '/readyz']) {
      expect(await get(p)).toBeNull();
    }
    expect(await get('/', {}, 'POST')).toBeNull();
  });

  it('answers 503 for the pages while web/dist is missing', async () => {
    const bare = createSite({ db: {} as Db, distDir: join(web, 'missing') });
    const res = (await bare.fetch(new Request('http://test/')))!;
    expect(res.status).toBe(503);
    expect(await res.text()).toContain('pnpm start');
    expect((await bare.fetch(new Request('http://test/x')))!.status).toBe(404);
  });
});

describe('negotiateEncoding', () => {
  it('prefers brotli, falls back to gzip, honours q=0', () => {
    expect(negotiateEncoding('gzip, deflate, br, zstd')).toBe('br');
    expect(negotiateEncoding('gzip')).toBe('gzip');
    expect(negotiateEncoding('br;q=0, gzip;q=0.5')).toBe('gzip');
    expect(negotiateEncoding('*')).toBe('br');
    expect(negotiateEncoding('identity')).toBeNull();
    expect(negotiateEncoding(null)).toBeNull();
  });
});

describe('compressResponse', () => {
  const json = JSON.stringify({ data: { models: Array.from({ length: 200 }, (_, i) => ({ id: `m${i}` })) } });
  const req = (enc?: string) =>
    new Request('http://test/graphql', { headers: enc ? { 'accept-encoding': enc } : {} });
  const res = (body: string, type = 'application/json') =>
    new Response(body, { status: 200, headers: { 'content-type': type } });

  it('compresses buffered JSON per Accept-Encoding', async () => {
    const br = await compressResponse(req('gzip, br'), res(json));
    expect(br.headers.get('content-encoding')).toBe('br');
    expect(br.headers.get('vary')).toBe('accept-encoding');
    expect(brotliDecompressSync(Buffer.from(await br.arrayBuffer())).toString()).toBe(json);
    const gz = await compressResponse(
      req('gzip'),
      res(json, 'application/graphql-response+json; charset=utf-8'),
    );
    expect(gunzipSync(Buffer.from(await gz.arrayBuffer())).toString()).toBe(json);
  });

  it('passes streams, small bodies and clients without compression through', async () => {
    expect(
      (await compressResponse(req('br'), res(json, 'text/event-stream'))).headers.get('content-encoding'),
    ).toBeNull();
    expect((await compressResponse(req(), res(json))).headers.get('content-encoding')).toBeNull();
    const small = await compressResponse(req('br'), res('{"data":{}}'));
    expect(small.headers.get('content-encoding')).toBeNull();
    expect(await small.text()).toBe('{"data":{}}');
  });
});

describe('webAssetsStale', () => {
  it('is stale when dist is missing or older than a source, fresh otherwise', () => {
    const dir = fixtureWeb();
    try {
      const manifest = join(dir, 'dist', '.vite', 'manifest.json');
      const src = join(dir, 'src', 'main.ts');
      const t = Date.now() / 1000;
      utimesSync(src, t - 100, t - 100);
      utimesSync(join(dir, 'index.html'), t - 100, t - 100);
      utimesSync(manifest, t - 50, t - 50);
      expect(webAssetsStale(dir)).toBe(false);
      utimesSync(src, t, t);
      expect(webAssetsStale(dir)).toBe(true);
      rmSync(join(dir, 'dist'), { recursive: true });
      expect(webAssetsStale(dir)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
