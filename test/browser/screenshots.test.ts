/**
 * Screenshots of every page, desktop and 360 px wide, light and dark, into test-artifacts/screenshots/
 * (gitignored) for a human to look at. Also checks nothing overflows sideways at 360 px. The gateway runs
 * in demo mode with fake upstreams and a few requests sent through the `openai` SDK, so the signed-in
 * pages show data (and the "demo data" banner).
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, type Harness, screenshotPath, startHarness } from './harness';
import { grantOwnOrg, sendSampleTraffic } from './traffic';

let h: Harness;

type Setup = (page: Page) => Promise<void>;

/** Opens the policy that prefers EU regions in the editor, with its preview. */
const editPolicy: Setup = async (page) => {
  await page.locator('#policies tr', { hasText: 'EU first' }).getByRole('button', { name: 'Edit' }).click();
  await page.locator('#policy-prefer').waitFor();
  await page.locator('#preview-summary', { hasText: 'prefer-region' }).waitFor();
  await page.locator('#excluded summary').click();
};
/** Opens the attempts of the request that fell back. */
const openAttempts: Setup = async (page) => {
  await page.locator('#requests tr:has(.tag.warn) details.attempts summary').first().click();
};

const PAGES: readonly (readonly [string, string, string, boolean, Setup?])[] = [
  ['models', '/', '#models tbody.model', false],
  ['models-filtered', '/?provider=mistral&sort=carbon', '#models tbody.model', false],
  ['model', '/models/openai/gpt-4o-mini', '#parameters', false],
  ['footprint', '/footprint', '#by-model', false],
  ['methodology', '/methodology', '#limits', false],
  ['dashboard', '/dashboard', '#api-key', false],
  ['settings', '/settings', '#api-key', false],
  ['dashboard-signed-in', '/dashboard', '#requests tbody tr', true, openAttempts],
  ['settings-signed-in', '/settings', '#candidates li', true],
  ['settings-editing', '/settings', '#candidates li', true, editPolicy],
  ['not-found', '/nope', 'main h1', false],
];
const VIEWPORTS = [
  ['desktop', { width: 1280, height: 900 }],
  ['360', { width: 360, height: 780 }],
] as const;

describe.skipIf(!HAVE_CHROMIUM)('screenshots', () => {
  beforeAll(async () => {
    h = await startHarness({ fakes: true, demo: true });
    await grantOwnOrg(h, 25);
    await sendSampleTraffic(h);
    await h.gql(
      'mutation($input: RoutingPolicyInput!) { createRoutingPolicy(input: $input, makeDefault: true) { __typename } }',
      { input: { name: 'EU first', kind: 'prefer-region', preferRegions: ['EU'], maxGco2ePer1kTokens: 1 } },
      h.adminKey,
    );
  }, 120_000);
  afterAll(() => h?.close());

  for (const scheme of ['light', 'dark'] as const) {
    for (const [vpName, viewport] of VIEWPORTS) {
      it(`${vpName} ${scheme}`, async () => {
        const { page, problems } = await h.open({ viewport, colorScheme: scheme });
        for (const [name, path, ready, signedIn, setup] of PAGES) {
          // The full catalog as 360 px cards is very long: the filtered view stands for it there.
          if (name === 'models' && vpName === '360') continue;
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
          await setup?.(page);
          await page.screenshot({ path: screenshotPath(`${name}-${vpName}-${scheme}`), fullPage: true });
          await page.screenshot({ path: screenshotPath(`${name}-${vpName}-${scheme}-top`) });
          const overflow = await page.evaluate(
            () => document.documentElement.scrollWidth - window.innerWidth,
          );
          expect(overflow, `${path} overflows ${viewport.width} px by ${overflow} px`).toBeLessThanOrEqual(0);
        }
        // The 404 page answers 404 by design; anything else logged is a problem.
        expect(problems.filter((p) => !p.includes('status of 404'))).toEqual([]);
        await page.context().close();
      }, 90_000);
    }
  }
});
