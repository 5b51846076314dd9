/**
 * The dashboard's request list says how the serving region's location is known, as the API's route
 * block did: "location documented" for Mistral's EU regional endpoint (the provider's page says where
 * it processes data), "location assumed" for OpenAI's default endpoint. At 1280 and 360 px.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, type Harness, screenshotPath, startHarness } from './harness';
import { ask, grantOwnOrg, type Sent, sdk } from './traffic';

let h: Harness;
let documented: Sent;
let assumed: Sent;

describe.skipIf(!HAVE_CHROMIUM)('location basis in the dashboard', () => {
  beforeAll(async () => {
    h = await startHarness({ fakes: true });
    await grantOwnOrg(h, 5);
    const client = sdk(h);
    const hi = [{ role: 'user', content: 'hi' }];
    documented = await ask(client, 'eu', {
      model: 'mistral/mistral-small-2506',
      messages: hi,
      route: { regions: ['EU'] },
    });
    assumed = await ask(client, 'us', {
      model: 'openai/gpt-4o-mini',
      messages: hi,
      route: { regions: ['US'], residency: 'lenient' },
    });
  }, 120_000);
  afterAll(() => h?.close());

  it.each([1280, 360])(
    'shows documented and assumed locations as the route block said, at %i px',
    async (width) => {
      expect(documented.body.route.locationBasis).toBe('documented');
      expect(assumed.body.route.locationBasis).toBe('assumed');
      const { page, problems } = await h.openSignedIn({ viewport: { width, height: 900 } });
      await page.goto('/dashboard');
      const location = (s: Sent) => page.locator(`#requests tr[data-request="${s.requestId}"] .location`);
      await location(assumed).waitFor();
      expect(await location(documented).textContent()).toBe('location documented');
      expect(await location(assumed).textContent()).toBe('location assumed');
      expect(await location(assumed).getAttribute('title')).toBe(
        'The provider does not document where this region processes data; its location is assumed',
      );
      await page.locator('#requests').screenshot({ path: screenshotPath(`location-basis-${width}`) });
      expect(problems).toEqual([]);
    },
  );
});
