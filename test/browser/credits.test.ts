/**
 * Credits in Chromium: the instance admin grants credit from Settings and the balance the dashboard shows
 * changes by exactly that; an organisation admin does not see the form (and the API refuses it anyway).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, type Harness, startHarness } from './harness';
import { grantOwnOrg } from './traffic';

let h: Harness;
let orgId: string;

describe.skipIf(!HAVE_CHROMIUM)('credits in Chromium', () => {
  beforeAll(async () => {
    h = await startHarness();
    orgId = await grantOwnOrg(h, 10);
  }, 120_000);
  afterAll(() => h?.close());

  it('the instance admin grants credits and the balance shown changes', async () => {
    const { page, problems } = await h.openSignedIn({ viewport: { width: 1280, height: 900 } });
    await page.goto('/dashboard');
    expect(await page.locator('#balance').textContent()).toBe('$10.00');
    expect(await page.locator('#ledger tbody tr').first().textContent()).toContain('grant: browser test');

    await page.goto('/settings');
    await page.locator('#grant-org option').first().waitFor({ state: 'attached' });
    expect(await page.inputValue('#grant-org')).toBe(orgId);
    await expect.poll(() => page.locator('#grant-balance').textContent()).toBe('Balance: $10.00');
    await page.fill('#grant-amount', '12.5');
    await page.fill('#grant-note', 'welcome credit');
    await page.getByRole('button', { name: 'Grant' }).click();
    await expect
      .poll(() => page.locator('#grant-result').textContent())
      .toMatch(/^Granted \$12\.50 to .+\. Balance now \$22\.50\.$/);
    expect(await page.locator('#grant-balance').textContent()).toBe('Balance: $22.50');

    await page.goto('/dashboard');
    expect(await page.locator('#balance').textContent()).toBe('$22.50');
    const latest = page.locator('#ledger tbody tr').first();
    expect(await latest.locator('td').first().textContent()).toBe('grant: welcome credit');
    expect(await latest.locator('td[data-label=Amount]').textContent()).toBe('+$12.50');
    const { credits } = await h.gql('{ credits { balanceUsd } }', {}, h.adminKey);
    expect(credits.balanceUsd).toBe(22.5);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('refuses a bad amount with the reason', async () => {
    const { page, problems } = await h.openSignedIn();
    await page.goto('/settings');
    await page.locator('#grant-org option').first().waitFor({ state: 'attached' });
    await page.fill('#grant-amount', '0.0000001');
    await page.getByRole('button', { name: 'Grant' }).click();
    await expect.poll(() => page.locator('#grant-result').textContent()).toMatch(/6 decimals|µUSD|decimal/i);
    expect(await page.locator('#grant-result').getAttribute('class')).toBe('error');
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('an organisation admin who is not the instance admin does not see the form', async () => {
    const created = await h.gql(
      'mutation { createApiKey(name: "org admin", scopes: [READ, ADMIN]) { ... on CreateApiKeySuccess { key } } }',
      {},
      h.adminKey,
    );
    const key: string = created.createApiKey.key;
    const { viewer } = await h.gql('{ viewer { apiKey { instanceAdmin } } }', {}, key);
    expect(viewer.apiKey.instanceAdmin).toBe(false);
    const { page, problems } = await h.openSignedIn({}, key);
    await page.goto('/settings');
    await page.locator('#keys tbody tr').first().waitFor();
    expect(await page.locator('#grant').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Grant' }).count()).toBe(0);
    const refused = await h.gql(
      'mutation($org: ID!) { grantCredits(orgId: $org, amountUsd: 5) { __typename } }',
      { org: orgId },
      key,
    );
    expect(refused.grantCredits.__typename).toBe('Forbidden');
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
