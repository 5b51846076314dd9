import { range as fmtRange, costRange } from '../../web/src/format';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, type Harness, startHarness } from './harness';

let h: Harness;
let page: Page;
let problems: string[];
let graphqlRequests = 0;
let total = 0;

const rows = () => page.locator('#endpoints tbody tr');
/** The text of one column (by data-label) in every visible row. */
const column = (label: string) =>
  page.$$eval(`#endpoints tbody td[data-label="${label}"]`, (tds) => tds.map((td) => td.textContent ?? ''));
const attr = (label: string, name: string) =>
  page.$$eval(
    `#endpoints tbody td[data-label="${label}"]`,
    (tds, n) => tds.map((td) => Number(td.getAttribute(n))),
    name,
  );
const firstEndpoint = () => rows().first().getAttribute('data-endpoint');
const nonDecreasing = (xs: number[]) => xs.every((x, i) => i === 0 || xs[i - 1]! <= x);

describe.skipIf(!HAVE_CHROMIUM)('the public model browser in Chromium', () => {
  beforeAll(async () => {
    h = await startHarness();
    ({ page, problems } = await h.open({ viewport: { width: 1280, height: 900 } }));
    page.on('request', (r) => {
      if (new URL(r.url()).pathname === '/graphql') graphqlRequests++;
    });
    const data = await h.gql<{ endpoints: { id: string }[] }>('{ endpoints(limit: 500) { id } }');
    total = data.endpoints.length;
    await page.goto('/');
    await rows().first().waitFor();
  }, 120_000);
  afterAll(() => h?.close());

  it('loads every endpoint with one GraphQL request and no CSP violation or error', async () => {
    expect(total).toBeGreaterThan(10);
    await expect.poll(() => rows().count()).toBe(total);
    expect(await page.locator('[role=status]').textContent()).toBe(`Showing ${total} of ${total} endpoints.`);
    expect(graphqlRequests).toBe(1);
    expect(problems).toEqual([]);
  });

  it('links every carbon figure to the methodology', async () => {
    const links = await page.$$eval('#endpoints tbody td[data-label="gCO2e / 1k out"] a', (as) =>
      as.map((a) => [a.getAttribute('href'), a.getAttribute('title')]),
    );
    expect(links).toHaveLength(total);
    expect(new Set(links.map((l) => l.join(' | ')))).toEqual(
      new Set(['/methodology#limits | estimate: inference only, no embodied carbon, annual grid averages']),
    );
  });

  it('filters by provider, region, country, tier and open weights', async () => {
    const { endpoints: mistral } = await h.gql(
      '{ endpoints(filter: { provider: "mistral" }, limit: 500) { id } }',
    );
    await page.selectOption('select[name=provider]', 'mistral');
    await expect.poll(() => rows().count()).toBe(mistral.length);
    expect(new Set(await column('Provider')).size).toBe(1);
    expect(page.url()).toContain('?provider=mistral');

    // Regions narrow to the provider's; picking one keeps only its endpoints.
    const regionValues = await page.$$eval('select[name=region] option', (os) =>
      os.map((o) => (o as HTMLOptionElement).value).filter(Boolean),
    );
    expect(regionValues.every((v) => v.startsWith('mistral:'))).toBe(true);
    await page.selectOption('select[name=region]', regionValues[0]!);
    const { endpoints: inRegion } = await h.gql(
      `{ endpoints(filter: { region: "${regionValues[0]}" }, limit: 500) { id } }`,
    );
    await expect.poll(() => rows().count()).toBe(inRegion.length);

    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => rows().count()).toBe(total);

    const { endpoints: fr } = await h.gql('{ endpoints(filter: { country: "FR" }, limit: 500) { id } }');
    await page.selectOption('select[name=country]', 'FR');
    await expect.poll(() => rows().count()).toBe(fr.length);
    expect(new Set(await column('Country'))).toEqual(new Set(['FR']));
    await page.selectOption('select[name=country]', '');

    const { endpoints: small } = await h.gql('{ endpoints(filter: { tier: small }, limit: 500) { id } }');
    await page.selectOption('select[name=tier]', 'small');
    await expect.poll(() => rows().count()).toBe(small.length);
    await page.check('input[name=openWeights]');
    const open = await page.$$eval('#endpoints tbody tr', (trs) =>
      trs.map((tr) => tr.querySelector('td')!.textContent!.includes('open weights')),
    );
    expect(open.length).toBeGreaterThan(0);
    expect(open.length).toBeLessThan(small.length);
    expect(open.every(Boolean)).toBe(true);
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => rows().count()).toBe(total);
  });

  it('sorts by price and by footprint', async () => {
    await page.selectOption('select[name=sort]', 'price');
    const byPrice = await firstEndpoint();
    expect(nonDecreasing(await attr('Output $/1M', 'data-value'))).toBe(true);

    await page.selectOption('select[name=sort]', 'carbon');
    await expect.poll(firstEndpoint).not.toBe(byPrice);
    const [mins, maxs] = [await attr('gCO2e / 1k out', 'data-min'), await attr('gCO2e / 1k out', 'data-max')];
    expect(nonDecreasing(mins.map((m, i) => m + maxs[i]!))).toBe(true);
    expect(nonDecreasing(await attr('Output $/1M', 'data-value'))).toBe(false);
    expect(page.url()).toContain('sort=carbon');

    await page.selectOption('select[name=sort]', 'energy');
    const wh = [await attr('Wh / 1k out', 'data-min'), await attr('Wh / 1k out', 'data-max')];
    expect(nonDecreasing(wh[0]!.map((m, i) => m + wh[1]![i]!))).toBe(true);
    await page.selectOption('select[name=sort]', 'price');
  });

  it('restores the view from the URL', async () => {
    const { page: p2 } = await h.open();
    await p2.goto('/?country=FR&sort=carbon');
    await p2.locator('#endpoints tbody tr').first().waitFor();
    expect(await p2.inputValue('select[name=country]')).toBe('FR');
    expect(await p2.inputValue('select[name=sort]')).toBe('carbon');
    await p2.context().close();
  });

  it('is usable from the keyboard', async () => {
    const { page: p2 } = await h.open();
    await p2.goto('/');
    await p2.locator('#endpoints tbody tr').first().waitFor();
    await p2.keyboard.press('Tab');
    expect(await p2.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await p2.focus('select[name=tier]');
    await p2.keyboard.press('ArrowDown'); // Any tier → small
    await expect.poll(() => p2.inputValue('select[name=tier]')).toBe('small');
    const tiers = await p2.$$eval('#endpoints tbody tr td:first-child .tag:first-of-type', (t) =>
      t.map((x) => x.textContent),
    );
    expect(new Set(tiers)).toEqual(new Set(['small']));
    await p2.context().close();
  });

  it('the calculator shows what ecoEstimate returns for the same input', async () => {
    const endpointId = (
      await page.$$eval('#calc-endpoint option', (os) => os.map((o) => (o as HTMLOptionElement).value))
    )[3]!;
    await page.selectOption('#calc-endpoint', endpointId);
    await page.fill('#calc-tokens', '2500');
    await page.getByRole('button', { name: 'Estimate' }).click();
    await page.locator('#calc-wh').waitFor();

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
