/**
 * Browser tests' harness: builds web/ if stale, starts the real gateway in-process (startGateway, port 0,
 * a temp PGlite dir) and launches Debian's Chromium through playwright-core. Nothing is downloaded:
 * without a Chromium binary the suites are skipped locally and fail in CI.
 *
 * With `fakes`, the gateway's first-party providers point at loopback fake upstreams
 * (startGatewayWithFakes), so requests sent through the `openai` SDK get real routes, costs and
 * estimates; with `demo`, the instance also says it serves demo data (LOWROUTER_DEMO=1).
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
import type { FakeProtocol, FakeUpstream } from '../fake-upstream/server';
import { startGatewayWithFakes } from '../helpers/gateway-with-fakes';
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
  /** The fake upstreams, when started with `fakes`. */
  fakes?: Record<FakeProtocol, FakeUpstream>;
  /** A fresh context (empty cache) and page; CSP violations and page errors are collected. */
  open(options?: BrowserContextOptions): Promise<{ page: Page; problems: string[] }>;
  /** Like `open`, with `key` (default: the admin key) in the tab's sessionStorage before any page runs. */
  openSignedIn(options?: BrowserContextOptions, key?: string): Promise<{ page: Page; problems: string[] }>;
  /** POSTs a GraphQL query to the gateway from Node, as the page would. */
  gql<T = any>(query: string, variables?: Record<string, unknown>, key?: string): Promise<T>;
  close(): Promise<void>;
}

export interface HarnessOptions {
  /** Point the first-party providers at fake upstreams. */
  fakes?: boolean;
  /** LOWROUTER_DEMO=1: the pages show the "demo data" banner. */
  demo?: boolean;
}

export async function startHarness(opts: HarnessOptions = {}): Promise<Harness> {
  const built = await ensureWebAssets({ log: createLogger('warn') });
  if (built === 'failed' || built === 'unavailable') throw new Error(`web assets: ${built}`);
  const dir = mkdtempSync(join(tmpdir(), 'lowrouter-browser-'));
  const env: Record<string, string> = opts.demo ? { LOWROUTER_DEMO: '1' } : {};
  let adminKey: string;
  let gateway: Gateway;
  let fakes: Record<FakeProtocol, FakeUpstream> | undefined;
  let closeGateway: () => Promise<void>;
  if (opts.fakes) {
    const g = await startGatewayWithFakes('pglite', { dataDir: dir, env });
    // Synthetic answers speak the OpenAI and Mistral wire only: Anthropic and Gemini replay recordings.
    g.fakes.anthropic.setScenario({});
    g.fakes.gemini.setScenario({});
    ({ adminKey, gateway, fakes } = g);
    closeGateway = () => g.close();
  } else {
    adminKey = generateApiKey();
    const config = loadConfig({
      PORT: '0',
      HOST: '127.0.0.1',
      LOWROUTER_DATA_DIR: dir,
      LOWROUTER_ADMIN_KEY: adminKey,
      LOWROUTER_LOG_LEVEL: 'silent',
      ...env,
    });
    gateway = await startGateway(config, { log: createLogger('warn') });
    closeGateway = () => gateway.close();
  }
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
  const open = async (options: BrowserContextOptions = {}) => {
    const context = await browser.newContext({ baseURL: url, ...options });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    return { page, problems };
  };
  return {
    url,
    adminKey,
    browser,
    gateway,
    fakes,
    open,
    async openSignedIn(options = {}, key = adminKey) {
      const opened = await open(options);
      // An init script runs before the page's own scripts (and is not subject to its CSP).
      await opened.page.context().addInitScript((k) => sessionStorage.setItem('lowrouter.apiKey', k), key);
      return opened;
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
      await closeGateway();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}
