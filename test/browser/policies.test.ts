/**
 * Routing policies in Chromium: editing a policy changes the live preview as you type (debounced), and,
 * once saved, the route of the next request sent through the `openai` SDK, which goes where the preview
 * said it would. The providers are fake upstreams.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, type Harness, startHarness } from './harness';
import { ask, grantOwnOrg, graphqlOf, sdk } from './traffic';

let h: Harness;
const PROMPT = 'Translate "good morning" into French.';

const firstCandidate = (page: Page) => page.locator('#candidates li').first().getAttribute('data-endpoint');
/** Waits until the preview's first choice differs from `before`, and returns it. */
async function previewChangesFrom(page: Page, before: string | null): Promise<string> {
  await expect.poll(() => firstCandidate(page), { timeout: 10_000 }).not.toBe(before);
  return (await firstCandidate(page))!;
}
const nextRoute = async () =>
  (await ask(sdk(h), 'next', { model: 'lowrouter/auto', messages: [{ role: 'user', content: PROMPT }] })).body
    .route;

describe.skipIf(!HAVE_CHROMIUM)('routing policies in Chromium', () => {
  beforeAll(async () => {
    h = await startHarness({ fakes: true });
    await grantOwnOrg(h, 20);
  }, 120_000);
  afterAll(() => h?.close());

  it('the preview follows the edit, and the next request follows the saved policy', async () => {
    const { page, problems } = await h.openSignedIn({ viewport: { width: 1280, height: 900 } });
    const previews: unknown[] = [];
    page.on('request', (r) => {
      const op = graphqlOf(r);
      if (op && /query Preview/.test(op.query)) previews.push(op.variables);
    });
    await page.goto('/settings');
    await page.locator('#candidates li').first().waitFor();
    expect(await page.locator('#policies-status').textContent()).toBe(
      'No policies yet: requests use the built-in auto policy.',
    );
    await page.fill('#sample-prompt', PROMPT);
    const before = await nextRoute();
    // The preview of the built-in auto policy names the endpoint the request just went to.
    await expect.poll(() => firstCandidate(page)).toBe(before.endpointId);

    // Keep the data in the US: typed key by key, previewed once (debounced), a US endpoint first.
    // The fakes stand in for first-party providers whose US locations are only assumed: lenient.
    previews.length = 0;
    await page.fill('#policy-name', 'US only');
    await page.check('#policy-lenient');
    await page.locator('#policy-regions').pressSequentially('US', { delay: 40 });
    const usFirst = await previewChangesFrom(page, before.endpointId);
    expect(previews.length).toBeLessThanOrEqual(2);
    expect(previews.at(-1)).toMatchObject({
      policy: { name: 'US only', allowedRegions: ['US'], residency: 'lenient' },
    });
    expect(await page.locator('#excluded summary').textContent()).toMatch(/^\d+ endpoints excluded$/);
    await page.locator('#excluded summary').click();
    expect(await page.locator('#excluded li').allInnerTexts()).toContainEqual(
      expect.stringMatching(/outside .*US.*mistral/s),
    );
    // Unsaved, so requests still go where they went.
    expect((await nextRoute()).endpointId).toBe(before.endpointId);

    await page.check('#policy-default');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await expect.poll(() => page.locator('#policy-result').textContent()).toBe('Created “US only”.');
    await expect.poll(() => page.locator('#policies tbody tr').textContent()).toContain('default');
    const after = await nextRoute();
    expect(after.endpointId).toBe(usFirst);
    expect(after.country).toBe('US');
    expect(after.policy).toMatchObject({ name: 'US only', kind: 'auto' });

    // Edit it: OpenAI first (the cheapest-footprint US endpoint was not OpenAI's). The preview changes,
    // then, saved, the route does.
    expect(usFirst).not.toMatch(/@openai:/);
    await page.selectOption('#policy-kind', 'fixed-provider');
    await page.fill('#policy-fixed', 'openai');
    // Close the input's suggestions (provider ids) as a user would, so the next click is not swallowed.
    await page.keyboard.press('Escape');
    const openaiFirst = await previewChangesFrom(page, usFirst);
    expect(openaiFirst).toMatch(/@openai:us$/);
    await page.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.locator('#policy-result').textContent()).toBe('Saved “US only”.');
    const edited = await nextRoute();
    expect(edited.endpointId).toBe(openaiFirst);
    expect(edited.provider).toBe('openai');

    // An invalid edit says why instead of previewing.
    await page.fill('#policy-fixed', 'nowhere');
    await expect
      .poll(() => page.locator('#preview-status').textContent())
      .toMatch(/^This policy cannot be previewed yet: .*nowhere/);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('chooses the default and deletes from the list, and requests follow', async () => {
    const { page, problems } = await h.openSignedIn({ viewport: { width: 360, height: 780 } });
    page.on('dialog', (d) => d.accept());
    await page.goto('/settings');
    await page.locator('#candidates li').first().waitFor();
    // A second policy, not the default: the OpenAI one stays in charge.
    await page.fill('#policy-name', 'EU only');
    await page.fill('#policy-regions', 'EU');
    await page.getByRole('button', { name: 'Create policy' }).click();
    await expect.poll(() => page.locator('#policies tbody tr').count()).toBe(2);
    expect((await nextRoute()).provider).toBe('openai');

    const eu = page.locator('#policies tbody tr', { hasText: 'EU only' });
    // From the keyboard: the button goes away with the change, so focus moves to the list's status.
    await eu.getByRole('button', { name: 'Make default' }).focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => eu.locator('.tag').count()).toBe(1);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('policies-status');
    const route = await nextRoute();
    expect(route.policy.name).toBe('EU only');
    expect(route.country).not.toBe('US');

    await eu.getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.locator('#policies tbody tr').count()).toBe(1);
    // No default left: the built-in auto policy.
    expect((await nextRoute()).policy.name).toBe('built-in auto');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('shows policies read-only to a key without the admin scope, with the preview', async () => {
    const created = await h.gql(
      'mutation { createApiKey(name: "reader", scopes: [READ]) { ... on CreateApiKeySuccess { key } } }',
      {},
      h.adminKey,
    );
    const { page, problems } = await h.openSignedIn({}, created.createApiKey.key);
    await page.goto('/settings');
    await page.locator('#candidates li').first().waitFor();
    expect(await page.locator('#policy-save').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    expect(await page.locator('#grant').count()).toBe(0);
    expect(await page.locator('#policy-form').textContent()).toContain(
      'Saving needs a key with the admin scope',
    );
    // The keys list needs admin too: the page says so rather than failing.
    await expect.poll(() => page.locator('#api-keys [role=status]').textContent()).not.toBe('Loading keys…');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
