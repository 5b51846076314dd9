/**
 * The model browser with JavaScript ON: the server-rendered page (see public-pages.test.ts for scripts
 * off) enhanced by web/src/views/browser-enhance.ts — the filter applies as you type with no reload and
 * no GraphQL request, the URL keeps the view, and the calculator answers in place with what the
 * `ecoEstimate` query returns.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { range as fmtRange, costRange } from '../../web/src/format';
import { HAVE_CHROMIUM, type Harness, startHarness } from './harness';

let h: Harness;
let page: Page;
let problems: string[];
let graphqlRequests = 0;
let total = 0;

const visible = () => page.locator('#models tbody.model:not([hidden])');
const data = (name: string) =>
  visible().evaluateAll((bs, n) => bs.map((b) => (b as HTMLElement).dataset[n] ?? ''), name);
/** Marks the document; `sameDocument` then says whether no reload happened since (replaceState is fine). */
const mark = () => page.evaluate(() => Object.assign(window, { __lowrouterMark: true }));
const sameDocument = () => page.evaluate(() => '__lowrouterMark' in window);
const nonDecreasing = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! <= x);

describe.skipIf(!HAVE_CHROMIUM)('the public model browser in Chromium', () => {
  beforeAll(async () => {
    // Fakes give openai, anthropic, mistral and google credentials: their endpoints are usable here.
    h = await startHarness({ fakes: true });
    ({ page, problems } = await h.open({ viewport: { width: 1280, height: 900 } }));
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/graphql') graphqlRequests++;
    });
    const { models } = await h.gql<{ models: { id: string }[] }>('{ models(limit: 500) { id } }');
    total = models.length;
    await page.goto('/', { waitUntil: 'networkidle' });
  }, 120_000);
  afterAll(() => h?.close());

  it('shows every model from the server with no GraphQL request, CSP violation or error', async () => {
    expect(total).toBeGreaterThan(10);
    expect(await visible().count()).toBe(total);
    expect(await page.locator('#count').textContent()).toBe(`Showing ${total} of ${total} models.`);
    expect(graphqlRequests).toBe(0);
    // With the script the Apply button is gone: the form applies as you type.
    expect(await page.getByRole('button', { name: 'Apply' }).isVisible()).toBe(false);
    expect(problems).toEqual([]);
  });

  it('filters by provider, tier, usability and open weights without a reload, keeping the URL', async () => {
    await mark();
    await page.selectOption('select[name=provider]', 'mistral');
    await expect.poll(() => page.url()).toContain('provider=mistral');
    const providers = await data('providers');
    expect(providers.length).toBeGreaterThan(0);
    expect(providers.length).toBeLessThan(total);
    expect(providers.every((p) => p.split(' ').includes('mistral'))).toBe(true);
    expect(await page.locator('#count').textContent()).toBe(
      `Showing ${providers.length} of ${total} models.`,
    );

    await page.selectOption('select[name=provider]', '');
    await page.selectOption('select[name=tier]', 'small');
    expect(new Set(await data('tier'))).toEqual(new Set(['small']));
    await page.check('input[name=open]');
    const open = await data('open');
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((o) => o === '1')).toBe(true);
    await page.uncheck('input[name=open]');
    await page.selectOption('select[name=tier]', '');

    await page.check('input[name=usable]');
    const usable = (await data('usable')).map(Number);
    expect(usable.length).toBeGreaterThan(0);
    expect(usable.length).toBeLessThan(total);
    expect(usable.every((u) => u > 0)).toBe(true);
    await page.uncheck('input[name=usable]');
    expect(await visible().count()).toBe(total);
    expect(await sameDocument()).toBe(true);
  });

  it('sorts by price and by footprint, models usable here always first', async () => {
    for (const [sort, key] of [
      ['price', 'price'],
      ['carbon', 'carbon'],
      ['energy', 'energy'],
    ] as const) {
      await page.selectOption('select[name=sort]', sort);
      const usable = (await data('usable')).map(Number);
      const values = (await data(key)).map(Number);
      const split = usable.indexOf(0);
      expect(split, sort).toBeGreaterThan(0);
      expect(usable.slice(split).every((u) => u === 0)).toBe(true);
      expect(nonDecreasing(values.slice(0, split)), sort).toBe(true);
      expect(nonDecreasing(values.slice(split)), sort).toBe(true);
    }
    expect(page.url()).toContain('sort=energy');
    await page.selectOption('select[name=sort]', 'price');
  });

  it('restores the view from the URL (the server applies it)', async () => {
    const { page: p2 } = await h.open();
    await p2.goto('/?provider=mistral&sort=carbon');
    expect(await p2.inputValue('select[name=provider]')).toBe('mistral');
    expect(await p2.inputValue('select[name=sort]')).toBe('carbon');
    const providers = await p2
      .locator('#models tbody.model:not([hidden])')
      .evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.providers ?? ''));
    expect(providers.every((p) => p.split(' ').includes('mistral'))).toBe(true);
    await p2.context().close();
  });

  it('is usable from the keyboard', async () => {
    const { page: p2 } = await h.open();
    await p2.goto('/', { waitUntil: 'networkidle' });
    await p2.keyboard.press('Tab');
    expect(await p2.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await p2.focus('select[name=tier]');
    await p2.keyboard.press('ArrowDown'); // Any tier → small
    await expect.poll(() => p2.inputValue('select[name=tier]')).toBe('small');
    const tiers = await p2
      .locator('#models tbody.model:not([hidden])')
      .evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.tier));
    expect(new Set(tiers)).toEqual(new Set(['small']));
    await p2.context().close();
  });

  it('the calculator shows, in place, what ecoEstimate returns for the same input', async () => {
    await mark();
    const endpointId = (
      await page.$$eval('#calc-endpoint option', (os) => os.map((o) => (o as HTMLOptionElement).value))
    )[3]!;
    await page.selectOption('#calc-endpoint', endpointId);
    await page.fill('#calc-tokens', '2500');
    await page.getByRole('button', { name: 'Estimate' }).click();
    await page.locator('#calc-wh').waitFor();
    expect(await sameDocument()).toBe(true);

    const { ecoEstimate } = await h.gql(
      `query($input: EcoEstimateInput!) { ecoEstimate(input: $input) {
        ... on QueryEcoEstimateSuccess { data { energyWh { min max } gco2e { min max } costUsd { min max } } } } }`,
      { input: { endpointId, outputTokens: 2500 } },
    );
    const d = ecoEstimate.data;
    const shown = async (id: string) => {
      const span = page.locator(`#${id} [data-min]`);
      return {
        min: Number(await span.getAttribute('data-min')),
        max: Number(await span.getAttribute('data-max')),
        text: await span.textContent(),
      };
    };
    expect(await shown('calc-wh')).toEqual({ ...d.energyWh, text: `${fmtRange(d.energyWh)} Wh` });
    expect(await shown('calc-gco2e')).toEqual({ ...d.gco2e, text: `${fmtRange(d.gco2e)} gCO2e` });
    expect(await shown('calc-cost')).toEqual({ ...d.costUsd, text: costRange(d.costUsd) });
    expect(await page.locator('#calc-gco2e a').getAttribute('href')).toBe('/methodology#limits');

    // The server's answer to the same form (scripts off) is the same figures.
    const res = await fetch(`${h.url}/?endpoint=${encodeURIComponent(endpointId)}&tokens=2500`);
    const html = await res.text();
    expect(html).toContain(
      `<dd id="calc-wh"><span data-min="${d.energyWh.min}" data-max="${d.energyWh.max}">`,
    );
  });

  it('the calculator shows the InvalidInput answer', async () => {
    await page.evaluate(() => document.getElementById('calc-tokens')!.removeAttribute('max'));
    await page.fill('#calc-tokens', '20000000');
    await page.getByRole('button', { name: 'Estimate' }).click();
    await expect
      .poll(() => page.locator('#calculator output').textContent())
      .toBe('outputTokens: outputTokens must be a whole number from 0 to 10,000,000');
    expect(problems).toEqual([]);
  });
});
