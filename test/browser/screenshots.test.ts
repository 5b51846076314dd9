/**
 * Screenshots of every page, desktop and 360 px wide, light and dark, into test-artifacts/screenshots/
 * (gitignored) for a human to look at. Also checks nothing overflows sideways at 360 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, type Harness, screenshotPath, startHarness } from './harness';

let h: Harness;

const PAGES = [
  ['models', '/', '#endpoints tbody tr'],
  ['models-filtered', '/?provider=mistral&sort=carbon', '#endpoints tbody tr'],
  ['methodology', '/methodology', '#limits'],
  ['dashboard', '/dashboard', '#api-key'],
  ['settings', '/settings', '#api-key'],
  ['dashboard-signed-in', '/dashboard', '#coming-soon'],
  ['settings-signed-in', '/settings', '#keys tbody tr'],
  ['not-found', '/nope', 'main h1'],
] as const;
const VIEWPORTS = [
  ['desktop', { width: 1280, height: 900 }],
  ['360', { width: 360, height: 780 }],
] as const;

describe.skipIf(!HAVE_CHROMIUM)('screenshots', () => {
  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(() => h?.close());

  for (const scheme of ['light', 'dark'] as const) {
    for (const [vpName, viewport] of VIEWPORTS) {
      it(`${vpName} ${scheme}`, async () => {
        const { page } = await h.open({ viewport, colorScheme: scheme });
        for (const [name, path, ready] of PAGES) {
          // The full catalog as 360 px cards is very long: the filtered view stands for it there.
          if (name === 'models' && vpName === '360') continue;
          const signedIn = name.endsWith('signed-in');
          await page.goto(path);
          await page.evaluate(
            (key) => (key ? sessionStorage.setItem('lowrouter.apiKey', key) : sessionStorage.clear()),
            signedIn ? h.adminKey : '',
          );
          await page.reload();
          await page.locator(ready).first().waitFor();
          if (name.startsWith('models')) {
            await page.fill('#calc-tokens', '1000');
            await page.getByRole('button', { name: 'Estimate' }).click();
            await page.locator('#calc-wh').waitFor();
          }
          await page.screenshot({ path: screenshotPath(`${name}-${vpName}-${scheme}`), fullPage: true });
          await page.screenshot({ path: screenshotPath(`${name}-${vpName}-${scheme}-top`) });
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(overflow, `${path} overflows ${viewport.width} px by ${overflow} px`).toBeLessThanOrEqual(0);
        }
        await page.context().close();
      }, 60_000);
    }
  }
});
