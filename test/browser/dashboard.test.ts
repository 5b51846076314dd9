/**
 * The dashboard in Chromium, after real requests through the `openai` SDK to a gateway whose providers are
 * fake upstreams: every request shows with the route and eco estimate the API answered it with, the usage
 * tables and charts count them, every carbon figure carries its limits, and the demo banner is up.
 */
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
    await expect.poll(() => page.locator('#requests tbody tr').count()).toBe(sent.length);
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

  it('counts them in the totals, the charts and the tables by model, provider and region', async () => {
    const { page, problems } = await h.openSignedIn({ viewport: { width: 1280, height: 900 } });
    await page.goto('/dashboard');
    await page.locator('#by-model tbody tr').first().waitFor();
    expect(await page.locator('#total-requests').textContent()).toBe(String(sent.length));
    expect(await page.locator('#total-errors').textContent()).toBe('1');
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

    // The default range is the last 30 UTC days: one bar per day, today's not empty.
    const bars = page.locator('#chart-requests svg[role=img] rect.bar');
    expect(await bars.count()).toBe(30);
    expect(Number(await bars.last().getAttribute('height'))).toBeGreaterThan(0);
    expect(await page.locator('#chart-carbon svg line.range').count()).toBeGreaterThan(0);

    // Every carbon chart and table carries the limits, linked to the methodology.
    for (const where of [
      '#chart-energy',
      '#chart-carbon',
      '#by-model',
      '#by-provider',
      '#by-region',
      '#requests',
    ]) {
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

  it('reads another date range into the URL, and shows a new request on Refresh', async () => {
    const { page, problems } = await h.openSignedIn({ viewport: { width: 360, height: 780 } });
    await page.goto('/dashboard');
    await page.locator('#total-requests').waitFor();
    await page.fill('#from', '2020-01-01');
    await page.fill('#to', '2020-01-31');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => page.locator('#total-requests').textContent()).toBe('0');
    expect(new URL(page.url()).search).toBe('?from=2020-01-01&to=2020-01-31');
    expect(await page.locator('#chart-cost rect.bar').count()).toBe(31);
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
