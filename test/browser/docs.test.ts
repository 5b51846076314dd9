/**
 * The docs in Chromium with JavaScript disabled: every /docs page opens, shows its main content, its
 * sidebar and previous/next links, runs no script, and nothing overflows sideways at 360 px. Screenshots
 * of every page at 1280 and 360 px, light and dark, go to test-artifacts/screenshots/docs-*.png for a
 * human to look at.
 */
import { DOCS } from '@lowrouter/api/http/docs/index';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, type Harness, screenshotPath, startHarness } from './harness';

let h: Harness;

const VIEWPORTS = [
  ['1280', { width: 1280, height: 900 }],
  ['360', { width: 360, height: 780 }],
] as const;

const slug = (path: string) => path.replace(/^\/docs\/?/, '').replace(/\//g, '-') || 'index';

describe.skipIf(!HAVE_CHROMIUM)('docs without JavaScript', () => {
  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(() => h?.close());

  for (const scheme of ['light', 'dark'] as const) {
    for (const [vpName, viewport] of VIEWPORTS) {
      it(`every docs page at ${vpName} px, ${scheme}: main content, sidebar, previous/next, no script`, async () => {
        const { page, problems } = await h.open({ viewport, colorScheme: scheme, javaScriptEnabled: false });
        for (const [i, d] of DOCS.entries()) {
          const res = (await page.goto(d.path))!;
          expect(res.status(), d.path).toBe(200);
          expect(await page.locator('script').count(), d.path).toBe(0);
          expect(await page.locator('main h1').textContent(), d.path).toBeTruthy();
          expect(await page.locator('main article p').count(), d.path).toBeGreaterThan(0);
          await expect
            .poll(() => page.locator('nav.docs-nav a[aria-current="page"]').textContent())
            .toBe(d.title);
          if (i > 0) expect(await page.locator('a[rel="prev"]').getAttribute('href')).toBe(DOCS[i - 1]!.path);
          if (i < DOCS.length - 1)
            expect(await page.locator('a[rel="next"]').getAttribute('href')).toBe(DOCS[i + 1]!.path);
          // The shared stylesheet applies (the sidebar is beside the article only on wide screens).
          const side = await page.evaluate(() => {
            const nav = document.querySelector('nav.docs-nav')!.getBoundingClientRect();
            const body = document.querySelector('article.docs-body')!.getBoundingClientRect();
            return { navLeftOfBody: nav.right <= body.left, navBelowBody: nav.top >= body.bottom };
          });
          if (viewport.width >= 1000) expect(side.navLeftOfBody, d.path).toBe(true);
          else expect(side.navBelowBody, d.path).toBe(true);
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(overflow, `${d.path} overflows sideways by ${overflow} px`).toBeLessThanOrEqual(0);
          await page.screenshot({
            path: screenshotPath(`docs-${slug(d.path)}-${vpName}-${scheme}`),
            fullPage: false,
          });
        }
        expect(problems).toEqual([]);
        await page.context().close();
      }, 120_000);
    }
  }
});
