import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, type Harness, startHarness } from './harness';

let h: Harness;

/** Every Authorization header and URL the page sends to /graphql. */
function watchGraphql(page: Page) {
  const seen: { auth: string | undefined; url: string }[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/graphql')
      seen.push({ auth: r.headers().authorization, url: r.url() });
  });
  return seen;
}

async function signIn(page: Page, key: string) {
  await page.fill('#api-key', key);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe.skipIf(!HAVE_CHROMIUM)('dashboard and settings in Chromium', () => {
  beforeAll(async () => {
    h = await startHarness();
  }, 120_000);
  afterAll(() => h?.close());

  it('signs in with a key kept in sessionStorage and sent only as a Bearer header', async () => {
    const { page, problems } = await h.open();
    const seen = watchGraphql(page);
    await page.goto('/dashboard');
    await signIn(page, `lr_${'x'.repeat(43)}`);
    await expect
      .poll(() => page.locator('[role=alert]').textContent())
      .toBe('That key is not valid (or was revoked).');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);

    await signIn(page, h.adminKey);
    await page.locator('#signed-in').waitFor();
    expect(await page.locator('#signed-in strong').textContent()).toBeTruthy();
    // No traffic yet: a zero balance, and how to send a first request.
    await page.locator('#no-requests').waitFor();
    expect(await page.locator('#balance').textContent()).toBe('$0');
    expect(await page.evaluate(() => Object.values(sessionStorage))).toEqual([h.adminKey]);
    expect(await page.evaluate(() => localStorage.length)).toBe(0);
    expect(await page.context().cookies()).toEqual([]);
    expect(seen.at(-1)!.auth).toBe(`Bearer ${h.adminKey}`);
    expect(seen.every((s) => !s.url.includes('lr_'))).toBe(true);
    expect(page.url()).not.toContain('lr_');

    // Same tab, another page: still signed in. Sign out forgets the key.
    await page.goto('/settings');
    await page.locator('#keys tbody tr').first().waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.locator('#api-key').waitFor();
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    // The 401 of the invalid key is the only console error.
    expect(problems.filter((p) => !p.includes('401'))).toEqual([]);
    await page.context().close();
  });

  it('creates a key (shown once) and revokes it', async () => {
    const { page, problems } = await h.open();
    page.on('dialog', (d) => d.accept());
    await page.goto('/settings');
    await signIn(page, h.adminKey);
    await page.locator('#keys tbody tr').first().waitFor();
    const before = await page.locator('#keys tbody tr').count();

    // Settings also holds the routing-policy editor: stay within the keys section.
    const keys = page.locator('#api-keys');
    await keys.locator('input[name=name]').fill('browser test key');
    await keys.locator('input[name=scope][value=READ]').check();
    await keys.getByRole('button', { name: 'Create', exact: true }).click();
    const key = (await page.locator('#new-key').textContent())!;
    expect(key).toMatch(/^lr_[0-9A-Za-z]{43,}$/);
    await expect.poll(() => page.locator('#keys tbody tr').count()).toBe(before + 1);
    const row = page.locator('#keys tbody tr', { hasText: 'browser test key' });
    expect(await row.locator('td[data-label=Scopes]').textContent()).toBe('inference, read');
    const viewer = await h.gql('{ viewer { apiKey { scopes } } }', {}, key);
    expect(viewer.viewer.apiKey.scopes).toEqual(['INFERENCE', 'READ']);

    await row.getByRole('button', { name: 'Revoke' }).click();
    await expect.poll(() => page.locator('#keys tbody tr').count()).toBe(before);
    const res = await fetch(`${h.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ query: '{ viewer { organization { id } } }' }),
    });
    expect(res.status).toBe(401);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
