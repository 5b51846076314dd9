import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomRequests, recordAll } from '../../api/src/analytics/test-helpers';
import { HAVE_CHROMIUM, type Harness, screenshotPath, startHarness } from './harness';

const ME = `{ viewer { organization { id } apiKey { id } } }`;

describe.skipIf(!HAVE_CHROMIUM)('footprint report page in Chromium', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
    const me = await h.gql(ME, {}, h.adminKey);
    const rows = randomRequests({
      orgId: me.viewer.organization.id,
      apiKeyIds: [me.viewer.apiKey.id],
      count: 40,
      start: new Date('2026-03-01T00:00:00Z'),
      days: 30,
      seed: 3,
    }).map((r) => ({ ...r, gridSource: r.gridSource ? 'Ember (2024)' : null, gridYear: 2024 }));
    await recordAll(h.gateway.db.db, rows);
  }, 240_000);
  afterAll(() => h?.close());

  for (const width of [1280, 360]) {
    it(`a key pasted in the form gives a printable report (${width} px), the key nowhere in the address`, async () => {
      const { page, problems } = await h.open({ viewport: { width, height: 900 } });
      await page.goto('/reports/footprint');
      await page.fill('input[name="key"]', h.adminKey);
      await page.selectOption('select[name="period"]', 'month');
      await page.fill('input[name="start"]', '2026-03');
      await Promise.all([page.waitForURL('**/reports/footprint'), page.click('button[type="submit"]')]);
      expect(await page.locator('h1').textContent()).toMatch(/^Footprint report: 2026-03 · /);
      expect(page.url()).not.toContain(h.adminKey);
      expect(await page.locator('.citation').textContent()).toMatch(
        /^Estimated with LowRouter methodology .*, grid factors Ember \(2024\), \d{4}-\d\d-\d\d$/,
      );
      await page.screenshot({ path: screenshotPath(`footprint-report-${width}`), fullPage: true });
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('header.site').isVisible()).toBe(false);
      expect(problems).toEqual([]);
    }, 60_000);
  }

  it('settings shows the audit trail to an admin, filtered by action', async () => {
    const { page, problems } = await h.openSignedIn({ viewport: { width: 1280, height: 900 } });
    await page.goto('/settings');
    await page.waitForSelector('#audit tbody tr');
    await page.fill('input[name="action"]', 'credits.*');
    await page.click('#audit-trail button[type="submit"]');
    // The filter clears the table and reloads it: wait for rows again, all of the filtered action
    // (on an empty table `every` is vacuously true, which raced the reload).
    await page.waitForFunction(() => {
      const cells = [...document.querySelectorAll('#audit tbody tr td[data-label="Action"]')];
      return cells.length > 0 && cells.every((td) => td.textContent === 'credits.grant');
    });
    const actions = await page.locator('#audit tbody td[data-label="Action"]').allTextContents();
    expect(actions.length).toBeGreaterThan(0);
    expect(new Set(actions)).toEqual(new Set(['credits.grant']));
    await page.locator('#audit-trail').screenshot({ path: screenshotPath('settings-audit-1280') });
    expect(problems).toEqual([]);
  }, 60_000);
});
