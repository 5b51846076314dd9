/**
 * The docs through the real gateway: every internal link reachable from /docs answers 2xx or 3xx (the
 * crawl follows links on every page it reaches, and redirects), every #fragment into a docs page names
 * an element that exists, and figures that live in configuration follow the configuration the gateway
 * runs with (a non-default fee and high-intensity threshold show up on the pages).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '@lowrouter/api/auth/keys';
import { loadConfig } from '@lowrouter/api/config';
import { DOCS } from '@lowrouter/api/http/docs/index';
import { ensureWebAssets } from '@lowrouter/api/http/static';
import { createLogger } from '@lowrouter/api/log';
import { type Gateway, startGateway } from '@lowrouter/api/main';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let dir: string;
let gateway: Gateway;
let base: string;

beforeAll(async () => {
  const built = await ensureWebAssets({ log: createLogger('warn') });
  if (built === 'failed' || built === 'unavailable') throw new Error(`web assets: ${built}`);
  dir = mkdtempSync(join(tmpdir(), 'lowrouter-docs-links-'));
  gateway = await startGateway(
    loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOWROUTER_DATA_DIR: dir,
      LOWROUTER_ADMIN_KEY: generateApiKey(),
      LOWROUTER_LOG_LEVEL: 'silent',
      LOWROUTER_FEE_PERCENT: '7.5',
      LOWROUTER_HIGH_INTENSITY_THRESHOLD: '321',
    }),
    { log: createLogger('silent') },
  );
  base = gateway.url.replace('localhost', '127.0.0.1');
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const MAX_PAGES = 400;

/** href/src values of a page, decoded from HTML attribute escaping. */
const links = (page: string) =>
  [...page.matchAll(/\s(?:href|src)="([^"]*)"/g)].map((m) =>
    m[1]!
      .replace(/&amp;/g, '&')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'"),
  );

describe('docs links through the real gateway', () => {
  it('every internal link reachable from /docs answers 2xx or 3xx, and every #fragment into the docs exists', async () => {
    const origin = new URL(base).origin;
    const status = new Map<string, number>();
    const bodies = new Map<string, string>();
    const fragments: { from: string; to: string; id: string }[] = [];
    const queue = ['/docs'];
    while (queue.length && status.size < MAX_PAGES) {
      const path = queue.shift()!;
      if (status.has(path)) continue;
      const res = await fetch(origin + path, { redirect: 'manual' });
      status.set(path, res.status);
      if (res.status >= 300 && res.status < 400) {
        const to = new URL(res.headers.get('location')!, origin + path);
        if (to.origin === origin) queue.push(to.pathname + to.search);
        await res.body?.cancel();
        continue;
      }
      if (!(res.headers.get('content-type') ?? '').startsWith('text/html')) {
        await res.body?.cancel();
        continue;
      }
      const page = await res.text();
      bodies.set(path, page);
      for (const href of links(page)) {
        if (href.startsWith('data:') || href.startsWith('mailto:')) continue;
        const url = new URL(href, origin + path);
        if (url.origin !== origin) continue;
        const target = url.pathname + url.search;
        if (url.hash && url.pathname.startsWith('/docs'))
          fragments.push({ from: path, to: target, id: decodeURIComponent(url.hash.slice(1)) });
        if (!status.has(target)) queue.push(target);
      }
    }
    expect(
      queue.filter((p) => !status.has(p)),
      'crawl bound reached',
    ).toEqual([]);
    const broken = [...status].filter(([, s]) => s < 200 || s >= 400).map(([p, s]) => `${s} ${p}`);
    expect(broken).toEqual([]);
    // Every docs page was reached from /docs.
    for (const d of DOCS) expect(status.get(d.path), d.path).toBe(200);
    // The old methodology address is a permanent redirect into the docs.
    expect(status.get('/docs/sustainable-ai/methodology')).toBe(200);
    const missing = fragments.filter(({ to, id }) => !bodies.get(to)?.includes(` id="${id}"`));
    expect(missing.map((f) => `${f.from} → ${f.to}#${f.id}`)).toEqual([]);
    expect(fragments.length).toBeGreaterThan(DOCS.length);
  }, 120_000);

  it('/methodology is a permanent redirect to the docs', async () => {
    const res = await fetch(`${base}/methodology`, { redirect: 'manual' });
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/docs/sustainable-ai/methodology');
  });

  it('shows the fee and the high-intensity threshold this gateway was started with', async () => {
    const credits = await (await fetch(`${base}/docs/guides/credits-and-billing`)).text();
    expect(credits).toContain('This instance charges <strong>7.5%</strong>');
    expect(credits).toContain('default 5%');
    const routing = await (await fetch(`${base}/docs/models/routing`)).text();
    expect(routing).toContain('above <strong>321 gCO2e/kWh</strong>');
    const why = await (await fetch(`${base}/docs/why`)).text();
    expect(why).toContain('above 321 gCO2e/kWh');
    expect(why).toContain('(7.5% here)');
  });
});
