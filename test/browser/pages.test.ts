import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '@lowrouter/api/http/static';
import { HAVE_CHROMIUM, type Harness, startHarness } from './harness';

let h: Harness;

describe.skipIf(!HAVE_CHROMIUM)('server-rendered pages in Chromium', () => {
  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(() => h?.close());

  it('the methodology page has no script, works without JavaScript and shows the limits', async () => {
    const { page, problems } = await h.open({ javaScriptEnabled: false });
    const res = (await page.goto('/methodology'))!;
    expect(res.status()).toBe(200);
    expect(res.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(await res.text()).not.toMatch(/<script/i);
    expect(await page.locator('script').count()).toBe(0);
    await expect.poll(() => page.locator('h2#limits').textContent()).toBe('What is not measured, and why');
    const limits = await page.locator('h2#limits + p + ul li').allTextContents();
    expect(limits.some((t) => t.startsWith('Inference only'))).toBe(true);
    expect(limits.some((t) => t.startsWith('Embodied'))).toBe(true);
    expect(limits.some((t) => t.startsWith('Grid factors are annual averages'))).toBe(true);
    // The shared stylesheet applies (body margin 0 comes from it).
    expect(await page.evaluate(() => getComputedStyle(document.body).margin)).toBe('0px');
    expect(await page.locator('#pue tbody tr, h2#pue + p + .table-wrap tbody tr').count()).toBeGreaterThan(5);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('answers an unknown path with the 404 page', async () => {
    const { page } = await h.open();
    const res = (await page.goto('/no/such/page'))!;
    expect(res.status()).toBe(404);
    expect(await page.locator('h1').textContent()).toBe('Page not found');
    await page.context().close();
  });

  it('serves every page under the CSP without a violation', async () => {
    for (const path of [
      '/',
      '/models/openai/gpt-4o-mini',
      '/footprint',
      '/methodology',
      '/dashboard',
      '/settings',
    ]) {
      const { page, problems } = await h.open();
      const res = (await page.goto(path, { waitUntil: 'networkidle' }))!;
      expect(res.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
      expect(res.headers()['x-content-type-options']).toBe('nosniff');
      expect(res.headers()['referrer-policy']).toBe('no-referrer');
      expect(problems, path).toEqual([]);
      await page.context().close();
    }
  });
});
