/**
 * The dashboard in Chromium, after real requests through the `openai` SDK to a gateway whose providers are
 * fake upstreams: it opens on the totals, charts them per day and by model, provider and region, exports
 * the range as CSV with the key, folds the ledger, says the estimate's limits once per section, shows
 * each request with the route and eco estimate the API answered it with, and explains itself with
 * JavaScript off.
 */
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cost, range, sig } from '../../web/src/format';
import { HAVE_CHROMIUM, type Harness, startHarness } from './harness';
import { type Sent, ask, grantOwnOrg, graphqlOf, sdk, sendSampleTraffic } from './traffic';

let h: Harness;
let sent: Sent[];

const row = (page: Page, s: Sent) => page.locator(`#requests tr[data-request="${s.requestId}"]`);
const cell = (page: Page, s: Sent, label: string) =>
  row(page, s).locator(`td[data-label="${label}"]`).textContent();
const byName = (name: string) => sent.find((s) => s.name === name)!;

describe.skipIf(!HAVE_CHROMIUM)('the dashboard in Chromium', () => {
  beforeAll(async () => {
    h = await startHarness({ fakes: true, demo: true });
    await grantOwnOrg(h, 20);
    sent = await sendSampleTraffic(h);
  }, 120_000);
  afterAll(() => h?.close());

  it('shows each request sent through the SDK with its route and eco estimate, as the API answered', async () => {
    const { page, problems } = await h.openSignedIn({ viewport: { width: 1280, height: 900 } });
    const graphql: string[] = [];
    page.on('request', (r) => {
      const op = graphqlOf(r);
      if (op) graphql.push(op.query);
    });
    await page.goto('/dashboard');
    // The first page of the suite: assets are compressed on first request, which can take a while.
    await page.locator('#requests tbody tr').first().waitFor();
    expect(await page.locator('#requests tbody tr').count()).toBe(sent.length);
    // One request per concern: the demo flag, the key check, then the whole dashboard at once.
    expect(graphql.map((q) => /query (\w+)/.exec(q)?.[1]).sort()).toEqual([
      'Dashboard',
      'Instance',
      'Viewer',
    ]);

    for (const s of sent.filter((x) => x.body)) {
      const { route, eco, usage } = s.body;
      expect(await cell(page, s, 'Route'), s.name).toContain(
        `${route.provider} · ${route.region} (${route.country})`,
      );
      expect(await cell(page, s, 'Cost'), s.name).toBe(cost(usage.cost));
      const ecoText = await cell(page, s, 'Energy and carbon');
      expect(ecoText, s.name).toContain(`${range(eco.energyWh)} Wh`);
      expect(ecoText, s.name).toContain(`${range(eco.gco2e)} gCO2e`);
      expect(ecoText, s.name).toContain(
        `grid ${sig(eco.gridIntensityGco2ePerKwh, 3)} gCO2e/kWh · ${eco.confidence}`,
      );
      expect(await cell(page, s, 'Status')).toBe('ok');
    }
    // Streamed requests are marked; lowrouter/auto shows the model it chose.
    expect(await row(page, byName('streamed')).locator('.tag').textContent()).toBe('stream');
    expect(await row(page, byName('auto')).locator('td').first().textContent()).toBe(
      `lowrouter/auto → ${byName('auto').body.route.model}`,
    );

    // The fallback: tagged, and its attempts open from the keyboard.
    const fallback = row(page, byName('fallback'));
    expect(byName('fallback').body.route.fallbackUsed).toBe(true);
    expect(await fallback.locator('.tag.warn').textContent()).toBe('fallback');
    const summary = fallback.locator('details.attempts summary');
    expect(await summary.textContent()).toBe('2 attempts');
    await summary.focus();
    await page.keyboard.press('Enter');
    expect(await fallback.locator('details.attempts li').allInnerTexts()).toEqual([
      expect.stringMatching(/^openai · openai:us: error \(upstream\), \d+ ms$/),
      expect.stringMatching(/^mistral · mistral:eu: ok, \d+ ms$/),
    ]);

    // The failure: no route served it, no estimate.
    const failed = byName('failed');
    expect(failed.status).toBe(502);
    expect(await row(page, failed).getAttribute('data-status')).toBe('error');
    expect(await cell(page, failed, 'Status')).toMatch(/^error \(/);
    expect(await cell(page, failed, 'Energy and carbon')).toBe('–');

    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('opens on the figures: the totals of the range above the fold at 1280×800', async () => {
    const { page, problems } = await h.openSignedIn({ viewport: { width: 1280, height: 800 } });
    await page.goto('/dashboard');
    await page.locator('#chart-model svg').waitFor();
    const tokens = sent
      .filter((s) => s.body?.usage)
      .reduce((t, s) => t + s.body.usage.prompt_tokens + s.body.usage.completion_tokens, 0);
    expect(await page.locator('#total-requests').textContent()).toBe(String(sent.length));
    expect(await page.locator('#total-tokens').textContent()).toBe(tokens.toLocaleString('en-US'));
    expect(await page.locator('#totals dd').first().textContent()).toBe(`${sent.length}1 error`);
    for (const id of ['#total-requests', '#total-tokens', '#total-cost', '#total-wh', '#total-gco2e']) {
      const box = (await page.locator(id).boundingBox())!;
      expect(box.y + box.height, `${id} is above the fold`).toBeLessThan(800);
    }
    expect(await page.locator('#total-gco2e').textContent()).toMatch(/^[\d.]+(–[\d.]+)? gCO2e$/);
    // The totals come before the ledger and the recent requests in the page.
    const order = await page.$$eval('#totals, #ledger, #requests', (els) => els.map((e) => e.id));
    expect(order).toEqual(['totals', 'ledger', 'requests']);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('charts one measure per day and by model, provider and region, labelled with what was served', async () => {
    const { page, problems } = await h.openSignedIn({ viewport: { width: 1280, height: 900 } });
    await page.goto('/dashboard');
    await page.locator('#chart-model svg').waitFor();
    const served = sent.filter((s) => s.body?.route);
    const labels = (id: string) => page.locator(`#${id} svg text.label`).allTextContents();
    const sorted = (xs: Iterable<string>) => [...new Set(xs)].sort();

    // Carbon by default: every served model, provider and region has a bar; the failure has no footprint.
    expect(await page.locator('#measure input:checked').getAttribute('value')).toBe('gco2e');
    expect(sorted(await labels('chart-model'))).toEqual(sorted(served.map((s) => s.body.route.model)));
    expect(sorted(await labels('chart-provider'))).toEqual(sorted(served.map((s) => s.body.route.provider)));
    expect(sorted(await labels('chart-region'))).toEqual(
      sorted(served.map((s) => `${s.body.route.region} (${s.body.route.country})`)),
    );
    expect(await page.locator('#chart-model figcaption').textContent()).toBe('gCO2e by model');
    expect(await page.locator('#chart-model svg').getAttribute('aria-label')).toBe('gCO2e by model');
    expect(await page.locator('#chart-region svg line.range').count()).toBeGreaterThan(0);

    // Day one: a week of days ending today, today's bar labelled with its value; not 29 empty bars.
    const today = new Date().toISOString().slice(0, 10);
    const dayBars = page.locator('#chart-day svg rect.bar');
    expect(await dayBars.count()).toBe(7);
    expect(Number(await dayBars.last().getAttribute('height'))).toBeGreaterThan(0);
    expect(await page.locator('#chart-day svg text[text-anchor=middle]').last().textContent()).toBe(
      today.slice(5),
    );
    expect(await page.locator('#chart-day svg text.value').count()).toBe(1);
    expect(await page.locator('#chart-day figcaption').textContent()).toContain('gCO2e per day');

    // Requests: the bars count requests, the failure included, and the choice is kept in the URL.
    await page.getByLabel('Requests', { exact: true }).check();
    await page.locator('#chart-model figcaption', { hasText: 'Requests by model' }).waitFor();
    const values = await page.$$eval('#chart-model svg g', (gs) =>
      Object.fromEntries(
        gs.map((g) => [
          g.querySelector('text.label')!.textContent,
          g.querySelector('text.value')!.textContent,
        ]),
      ),
    );
    expect(values).toMatchObject({
      'openai/gpt-4o-mini': '1',
      'mistral/mistral-small-2506': '2',
      'anthropic/claude-haiku-4-5': '1',
      '(none: failed before routing)': '1',
    });
    expect(new URL(page.url()).searchParams.get('measure')).toBe('requests');
    expect(await page.locator('#chart-day svg text.value').last().textContent()).toBe(String(sent.length));
    await page.reload();
    await page.locator('#chart-model svg').waitFor();
    expect(await page.locator('#chart-model figcaption').textContent()).toBe('Requests by model');

    // The same figures as tables, folded under the charts.
    expect(await page.locator('#usage-tables-details').getAttribute('open')).toBeNull();
    const models = await page.$$eval('#by-model tbody tr', (trs) =>
      Object.fromEntries(trs.map((tr) => [tr.getAttribute('data-key'), tr.children[1]!.textContent])),
    );
    expect(models).toMatchObject({
      'openai/gpt-4o-mini': '1',
      'mistral/mistral-small-2506': '2',
      'anthropic/claude-haiku-4-5': '1',
      '(none: failed before routing)': '1 (1 error)',
    });
    expect(await page.locator('#by-provider tr[data-key="mistral"] td').nth(1).textContent()).toBe('3');
    expect(await page.locator('#by-region tr[data-key="mistral:eu (EU)"]').count()).toBe(1);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('folds the ledger and says the limits of the estimate once per section', async () => {
    const { page, problems } = await h.openSignedIn({ viewport: { width: 1280, height: 900 } });
    await page.goto('/dashboard');
    await page.locator('#requests tbody tr').first().waitFor();
    expect(await page.locator('#balance').isVisible()).toBe(true);
    expect(await page.locator('#ledger').isVisible()).toBe(false);
    expect(await page.locator('#ledger-details summary').textContent()).toMatch(
      /^Ledger: the latest \d+ entr/,
    );
    await page.locator('#ledger-details summary').click();
    expect(await page.locator('#ledger').isVisible()).toBe(true);
    expect(await page.locator('#ledger tbody tr').last().textContent()).toContain('grant: browser test');

    const counts = await page.$$eval('#dashboard section', (sections) =>
      sections.map((s) => [s.id, s.querySelectorAll('.limits').length]),
    );
    expect(counts).toEqual([
      ['usage', 1],
      ['credits', 0],
      ['recent', 1],
    ]);
    for (const where of ['#usage', '#recent']) {
      const note = page.locator(`${where} .limits`);
      expect(await note.textContent(), where).toContain(
        'inference only, no embodied carbon, annual grid averages, embeddings not modelled',
      );
      expect(await note.locator('a').getAttribute('href'), where).toBe('/methodology#limits');
    }
    expect(await page.locator('#demo-banner').textContent()).toContain('Demo data');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('downloads the range shown as CSV with the key, never putting the key in the URL', async () => {
    const { page, problems } = await h.openSignedIn({ viewport: { width: 1280, height: 900 } });
    const exports: { url: string; auth: string | undefined }[] = [];
    page.on('request', (r) => {
      if (new URL(r.url()).pathname.startsWith('/export/'))
        exports.push({ url: r.url(), auth: r.headers().authorization });
    });
    const today = new Date().toISOString().slice(0, 10);
    const tomorrow = new Date(Date.parse(today) + 86_400_000).toISOString().slice(0, 10);
    await page.goto(`/dashboard?from=${today}&to=${today}`);
    await page.locator('#chart-model svg').waitFor();

    const download = async (button: string) => {
      const [file] = await Promise.all([page.waitForEvent('download'), page.click(button)]);
      return { name: file.suggestedFilename(), text: readFileSync((await file.path())!, 'utf8') };
    };
    const usage = await download('#export-usage');
    expect(usage.name).toBe(`lowrouter-usage-${today}_${today}.csv`);
    const [header, ...rows] = usage.text.trim().split('\n');
    expect(header!.startsWith('day,model,provider,region,requests,errors,')).toBe(true);
    const col = header!.split(',').indexOf('requests');
    expect(rows.reduce((t, r) => t + Number(r.split(',')[col]), 0)).toBe(sent.length);

    const requests = await download('#export-requests');
    expect(requests.name).toBe(`lowrouter-requests-${today}_${today}.csv`);
    for (const s of sent) expect(requests.text).toContain(s.requestId);
    await page.locator('#export-status', { hasText: /^Requests CSV downloaded\.$/ }).waitFor();

    // Footprint: the same range and key (the report itself is another part of the gateway).
    await page.click('#export-footprint');
    await expect.poll(() => exports.length, { timeout: 10_000 }).toBe(3);
    for (const e of exports) {
      expect(e.auth).toBe(`Bearer ${h.adminKey}`);
      expect(e.url).not.toContain(h.adminKey);
      const q = new URL(e.url).searchParams;
      expect([q.get('from'), q.get('to')]).toEqual([today, tomorrow]);
    }
    expect(new URL(exports[2]!.url).pathname).toBe('/export/footprint.csv');
    // Downloaded, or refused with the route's reason ("Footprint CSV: …") where it is not built.
    await page.locator('#export-status', { hasText: /^Footprint CSV/ }).waitFor();
    expect(problems.filter((p) => !p.includes('status of 404'))).toEqual([]);
    await page.context().close();
  });

  it('with JavaScript off, the dashboard and settings say what they are and where the public pages are', async () => {
    const { page, problems } = await h.open({
      javaScriptEnabled: false,
      viewport: { width: 360, height: 780 },
    });
    for (const [path, what] of [
      ['/dashboard', "The dashboard shows your organisation's usage"],
      ['/settings', 'Settings is where an organisation manages its API keys'],
    ] as const) {
      await page.goto(path);
      // biome-ignore lint/performance/useDomNodeTextContent: what is rendered with scripts off is the point
      const text = await page.locator('main').innerText();
      expect(text, path).toContain('This page needs JavaScript and an API key.');
      expect(text, path).toContain(what);
      expect(text, path).not.toContain('Loading');
      const links = await page.$$eval('#noscript a', (as) => as.map((a) => a.getAttribute('href')));
      expect(links, path).toEqual(['/', '/docs', '/methodology', '/footprint']);
      expect(await page.locator('#noscript').isVisible(), path).toBe(true);
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('reads another date range into the URL, and shows a new request on Refresh', async () => {
    const { page, problems } = await h.openSignedIn({ viewport: { width: 360, height: 780 } });
    await page.goto('/dashboard');
    await page.locator('#total-requests').waitFor();
    await page.fill('#from', '2020-01-01');
    await page.fill('#to', '2020-01-31');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.locator('#dashboard-status', { hasText: '2020-01-01 to 2020-01-31' }).waitFor();
    expect(await page.locator('#total-requests').textContent()).toBe('0');
    expect(new URL(page.url()).search).toBe('?from=2020-01-01&to=2020-01-31');
    // No usage: a sentence, not a month of empty bars.
    expect(await page.locator('#chart-day .empty').textContent()).toBe(
      'No requests from 2020-01-01 to 2020-01-31.',
    );
    expect(await page.locator('#chart-day rect.bar').count()).toBe(0);
    expect(await page.locator('#chart-model .empty').textContent()).toBe('No requests in this range.');
    // Recent requests do not depend on the range.
    expect(await page.locator('#requests tbody tr').count()).toBe(sent.length);

    await page.reload();
    await page.locator('#total-requests').waitFor();
    expect(await page.inputValue('#from')).toBe('2020-01-01');

    const more = await ask(sdk(h), 'one more', {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'One more' }],
    });
    await page.getByRole('button', { name: 'Refresh' }).click();
    await row(page, more).waitFor();
    expect(await page.locator('#requests tbody tr').first().getAttribute('data-request')).toBe(
      more.requestId,
    );
    expect(problems).toEqual([]);
    await page.context().close();
  });
  it('counts response-cache hits in the totals, with what they saved and the gCO2e they avoided', async () => {
    const { page, problems } = await h.openSignedIn({ viewport: { width: 1280, height: 900 } });
    await page.goto('/dashboard');
    await page.locator('#total-requests').waitFor();
    // No hit yet: the totals say nothing about a cache nobody uses.
    expect(await page.locator('#total-cache').count()).toBe(0);
    const body = {
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Cache me' }],
      temperature: 0,
      cache: { ttlSeconds: 600 },
    };
    const first = await ask(sdk(h), 'cached miss', body);
    const hit = await ask(sdk(h), 'cached hit', body);
    expect(hit.body.route.cache.hit).toBe(true);
    await page.getByRole('button', { name: 'Refresh' }).click();
    await page.locator('#total-cache').waitFor();
    expect(await page.locator('#total-cache').textContent()).toBe('1');
    const detail = await page.locator('#total-cache + small').textContent();
    expect(detail).toBe(`${cost(first.body.usage.cost)} saved, ${range(first.body.eco.gco2e)} gCO2e avoided`);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('counts embeddings apart in the totals, without a footprint', async () => {
    const res = await sdk(h)
      .embeddings.create({ model: 'openai/text-embedding-3-small', input: 'dashboard' })
      .withResponse();
    const id = res.response.headers.get('x-lowrouter-request-id')!;
    const { page, problems } = await h.openSignedIn({ viewport: { width: 1280, height: 900 } });
    await page.goto('/dashboard');
    await expect.poll(() => page.locator('#total-embeddings').textContent()).toBe('1');
    await page.locator(`#requests tr[data-request="${id}"]`).waitFor();
    expect(
      await page
        .locator(`#requests tr[data-request="${id}"] td[data-label="Energy and carbon"]`)
        .textContent(),
    ).toBe('–');
    const shots = process.env.LOWROUTER_SCREENSHOTS;
    if (shots) {
      await page.locator('dl.totals').screenshot({ path: `${shots}/totals-1280.png` });
      await page.setViewportSize({ width: 360, height: 780 });
      await page.locator('dl.totals').screenshot({ path: `${shots}/totals-360.png` });
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
