/**
 * The budget: the first load of each page, data included, under 100 KB on the wire (aim: half). Every
 * response of the load is summed: encoded (compressed) body bytes plus response headers. The dashboard and
 * settings count twice: at the sign-in form, and signed in with data (requests through the `openai` SDK
 * to fake upstreams, a routing policy), until their data is drawn.
 */
import { brotliCompressSync, constants } from 'node:zlib';
import { DOCS } from '@lowrouter/api/http/docs/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, type Harness, startHarness } from './harness';
import { grantOwnOrg, sendSampleTraffic } from './traffic';

const BUDGET = 100_000;
const DOCS_AIM = 30_000;
let h: Harness;

interface Load {
  body: number;
  headers: number;
  lines: string[];
}

async function firstLoad(path: string, ready: string, signedIn: boolean): Promise<Load> {
  const { page } = signedIn ? await h.openSignedIn() : await h.open();
  const lines: string[] = [];
  const sizes: Promise<void>[] = [];
  let body = 0;
  let headers = 0;
  page.on('requestfinished', (req) =>
    sizes.push(
      req.sizes().then(async (s) => {
        body += s.responseBodySize;
        headers += s.responseHeadersSize;
        const res = await req.response();
        const encoding = await res?.headerValue('content-encoding');
        // What an uncompressed response would weigh with brotli, to show where the bytes could go.
        const couldBe =
          res && !encoding && s.responseBodySize > 1024
            ? ` (brotli would be ${brotliCompressSync(await res.body(), { params: { [constants.BROTLI_PARAM_QUALITY]: 5 } }).length} B)`
            : '';
        lines.push(
          `  ${String(s.responseBodySize).padStart(7)} B body ${String(s.responseHeadersSize).padStart(5)} B headers  ${res?.status()} ${encoding ?? 'identity'} ${new URL(req.url()).pathname}${couldBe}`,
        );
      }),
    ),
  );
  await page.goto(path, { waitUntil: 'networkidle' });
  await page.locator(ready).first().waitFor();
  await page.waitForLoadState('networkidle');
  await Promise.all(sizes);
  await page.context().close();
  return { body, headers, lines };
}

describe.skipIf(!HAVE_CHROMIUM)('page weight, first load', () => {
  beforeAll(async () => {
    h = await startHarness({ fakes: true, demo: true });
    await grantOwnOrg(h, 20);
    // Enough traffic to fill the recent requests (20) and every usage table.
    for (let i = 0; i < 4; i++) await sendSampleTraffic(h);
    await h.gql(
      'mutation($input: RoutingPolicyInput!) { createRoutingPolicy(input: $input, makeDefault: true) { __typename } }',
      { input: { name: 'EU first', kind: 'prefer-region', preferRegions: ['EU'] } },
      h.adminKey,
    );
  }, 120_000);
  afterAll(() => h?.close());

  it.each<[string, string, boolean]>([
    ['/', '#models tbody.model', false],
    ['/models/openai/gpt-4o-mini', '#parameters', false],
    ['/footprint', '#by-model', false],
    ['/methodology', '#limits', false],
    ['/dashboard', '#api-key', false],
    ['/settings', '#api-key', false],
    ['/dashboard', '#requests tbody tr', true],
    ['/settings', '#candidates li', true],
    ...DOCS.map((d): [string, string, boolean] => [d.path, 'nav.docs-nav', false]),
  ])('%s (ready: %s) stays under 100 KB', async (path, ready, signedIn) => {
    const load = await firstLoad(path, ready, signedIn);
    const total = load.body + load.headers;
    process.stdout.write(
      `first load of ${path}${signedIn ? ' signed in' : ''}: ${total} B on the wire (${load.body} B bodies + ${load.headers} B headers)\n${load.lines.join('\n')}\n`,
    );
    expect(total).toBeLessThan(BUDGET);
    // The docs keep the aim as well: no script, one stylesheet, each page under 30 KB.
    if (path.startsWith('/docs')) expect(total).toBeLessThan(DOCS_AIM);
  });
});
