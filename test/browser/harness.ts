/**
 * Browser tests' harness: builds web/ if stale, starts the real gateway in-process (startGateway, port 0,
 * a temp PGlite dir) and launches Debian's Chromium through playwright-core. Nothing is downloaded:
 * without a Chromium binary the suites are skipped locally and fail in CI.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '@lowrouter/api/auth/keys';
import { loadConfig } from '@lowrouter/api/config';
import { ensureWebAssets } from '@lowrouter/api/http/static';
import { createLogger } from '@lowrouter/api/log';
import { type Gateway, startGateway } from '@lowrouter/api/main';
import { type Browser, type BrowserContextOptions, type Page, chromium } from 'playwright-core';
import { ROOT } from '../helpers/spawn-gateway';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Whether the browser suites can run here; in CI a missing Chromium is a failure, not a skip. */
export const HAVE_CHROMIUM = existsSync(CHROMIUM) || !!process.env.CI;
if (!existsSync(CHROMIUM)) {
  process.stderr.write(
    `browser tests: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)\n`,
  );
}

export const SCREENSHOTS = join(ROOT, 'test-artifacts', 'screenshots');

export interface Harness {
  url: string;
  adminKey: string;
  browser: Browser;
  gateway: Gateway;
  /** A fresh context (empty cache) and page; CSP violations and page errors are collected. */
  open(options?: BrowserContextOptions): Promise<{ page: Page; problems: string[] }>;
  /** POSTs a GraphQL query to the gateway from Node, as the page would. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<T>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const built = await ensureWebAssets({ log: createLogger('warn') });
  if (built === 'failed' || built === 'unavailable') throw new Error(`web assets: ${built}`);
  const dir = mkdtempSync(join(tmpdir(), 'lowrouter-browser-'));
  const adminKey = generateApiKey();
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOWROUTER_DATA_DIR: dir,
    LOWROUTER_ADMIN_KEY: adminKey,
    LOWROUTER_LOG_LEVEL: 'silent',
  });
  const gateway = await startGateway(config, { log: createLogger('warn') });
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const url = gateway.url.replace('localhost', '127.0.0.1');
  return {
    url,
    adminKey,
    browser,
    gateway,
    async open(options = {}) {
      const context = await browser.newContext({ baseURL: url, ...options });
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text());
      });
      page.on('pageerror', (e) => problems.push(String(e)));
      return { page, problems };
    },
    async gql(query, variables, key) {
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await res.json()) as { data: any; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
    async close() {
      await browser.close();
      await gateway.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}
