/**
 * The budget: the first load of each page, data included, under 100 KB on the wire (aim: half). Every
 * response of the load is summed: encoded (compressed) body bytes plus response headers.
 */
import { brotliCompressSync, constants } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, type Harness, startHarness } from './harness';

const BUDGET = 100_000;
let h: Harness;

interface Load {
  body: number;
  headers: number;
  lines: string[];
}

async function firstLoad(path: string, ready: string): Promise<Load> {
  const { page } = await h.open();
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
    h = await startHarness();
  }, 120_000);
  afterAll(() => h?.close());

  it.each([
    ['/', '#endpoints tbody tr'],
    ['/methodology', '#limits'],
    ['/dashboard', 'main h1'],
    ['/settings', 'main h1'],
  ])('%s stays under 100 KB', async (path, ready) => {
    const load = await firstLoad(path, ready);
    const total = load.body + load.headers;
    process.stdout.write(
      `first load of ${path}: ${total} B on the wire (${load.body} B bodies + ${load.headers} B headers)\n${load.lines.join('\n')}\n`,
    );
    expect(total).toBeLessThan(BUDGET);
  });
});
