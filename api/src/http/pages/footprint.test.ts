import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDb, openTestDb, testDrivers } from '../../db/testing';
import { usageDaily } from '../../db/schema';
import { createSite } from '../static';
import {
  DAYS,
  type FootprintData,
  TOP,
  createFootprintCache,
  loadFootprint,
  renderFootprintPage,
} from './footprint';

const NOW = Date.parse('2026-11-20T12:00:00Z');
const names = {
  provider: (id: string) => `P:${id}`,
  region: (id: string) => `R:${id}`,
  model: (id: string) => `M:${id}`,
};

const row = (o: Partial<typeof usageDaily.$inferInsert> & { orgId: string; day: string }) => ({
  apiKeyId: `key_of_${o.orgId}`,
  policyId: '',
  modelId: 'openai/gpt-4o-mini',
  providerId: 'openai',
  regionId: 'openai:us',
  country: 'US',
  requests: 1,
  outputTokens: 100,
  energyWhMin: 1,
  energyWhMax: 2,
  gco2eMin: 0.5,
  gco2eMax: 1,
  ...o,
});

describe.each(testDrivers())('the footprint aggregate on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(driver);
    await t.handle.db.insert(usageDaily).values([
      row({ orgId: 'org_acme_secret', day: '2026-11-20', requests: 3 }),
      row({
        orgId: 'org_globex_hidden',
        day: '2026-11-20',
        modelId: 'mistral/mistral-small-2506',
        providerId: 'mistral',
        regionId: 'mistral:eu',
        country: 'FR',
      }),
      row({ orgId: 'org_globex_hidden', day: '2026-11-02', requests: 2 }),
      // Before the window: in the all-time totals only.
      row({ orgId: 'org_acme_secret', day: '2026-01-01', requests: 10, gco2eMin: 5, gco2eMax: 6 }),
      // Refused before routing: no model, provider or region.
      row({
        orgId: 'org_acme_secret',
        day: '2026-11-19',
        modelId: '',
        providerId: '',
        regionId: '',
        country: '',
        errors: 1,
        outputTokens: 0,
        energyWhMin: 0,
        energyWhMax: 0,
        gco2eMin: 0,
        gco2eMax: 0,
      }),
    ]);
  });
  afterAll(() => t.cleanup());

  it('sums every organisation by day, provider, region and model', async () => {
    const d = await loadFootprint(t.handle.db, NOW);
    expect(d.allTime).toEqual({
      requests: 17,
      errors: 1,
      outputTokens: 400,
      energyWh: { min: 4, max: 8 },
      gco2e: { min: 6.5, max: 9 },
    });
    expect(d.window.requests).toBe(7);
    expect(d.byDay).toHaveLength(DAYS);
    expect(d.byDay.at(-1)).toMatchObject({ day: '2026-11-20', requests: 4 });
    expect(d.byDay[0]!.day).toBe(d.since);
    expect(d.byDay.find((x) => x.day === '2026-11-02')!.requests).toBe(2);
    expect(d.byProvider.map((s) => [s.key, s.requests])).toEqual([
      ['openai', 5],
      ['mistral', 1],
      ['', 1],
    ]);
    expect(d.byModel.find((s) => s.key === 'openai/gpt-4o-mini')!.gco2e).toEqual({ min: 1, max: 2 });
  });

  it('renders no organisation or key, only catalog names, with the limits beside every chart', async () => {
    const page = renderFootprintPage(await loadFootprint(t.handle.db, NOW), names, []);
    for (const secret of ['org_acme_secret', 'org_globex_hidden', 'key_of_'])
      expect(page).not.toContain(secret);
    expect(page).toContain('P:openai');
    expect(page).toContain('R:mistral:eu');
    expect(page).toContain('M:mistral/mistral-small-2506');
    expect(page).toContain('None (refused before routing)');
    expect(page.match(/<svg class="chart/g)).toHaveLength(4);
    expect(page.match(/<aside class="limits">/g)).toHaveLength(4);
    expect(page).not.toMatch(/<script|style="/);
  });

  it('is served at /footprint unless turned off', async () => {
    const on = createSite({ db: t.handle.db, distDir: '/nonexistent' });
    const res = (await on.fetch(new Request('http://test/footprint')))!;
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('The footprint of this instance');
    const off = createSite({ db: t.handle.db, distDir: '/nonexistent', publicFootprint: false });
    expect((await off.fetch(new Request('http://test/footprint')))!.status).toBe(404);
  });
});

describe('the footprint page', () => {
  it('escapes the names it prints and folds the tail of a long breakdown into "Other"', () => {
    const slice = (key: string, g: number) => ({
      key,
      requests: 1,
      errors: 0,
      outputTokens: 1,
      energyWh: { min: g, max: g },
      gco2e: { min: g, max: g },
    });
    const d: FootprintData = {
      asOf: '2026-11-20T12:00:00.000Z',
      since: '2026-10-22',
      allTime: slice('', 1),
      window: slice('', 1),
      byDay: [{ day: '2026-11-20', ...slice('', 1) }],
      byProvider: [slice('<b>evil</b>', 1)],
      byRegion: [],
      byModel: [...Array.from({ length: TOP - 1 }, (_, i) => slice(`m${i}`, 2)), slice('*', 3)],
    };
    const page = renderFootprintPage(d, { provider: (id) => id, region: (id) => id, model: (id) => id }, []);
    expect(page).toContain('&lt;b&gt;evil&lt;/b&gt;');
    expect(page).not.toContain('<b>evil</b>');
    expect(page).toContain('<td data-label="Model">Other</td>');
  });
});

describe('createFootprintCache', () => {
  it('computes at most once per TTL, shares a computation in flight, and does not keep a failure', async () => {
    let clock = 0;
    let calls = 0;
    let fail = false;
    const cache = createFootprintCache(
      async () => {
        calls++;
        if (fail) throw new Error('db down');
        return { asOf: String(calls) } as FootprintData;
      },
      { ttlMs: 60_000, now: () => clock },
    );
    const [a, b] = await Promise.all([cache.get(), cache.get()]);
    expect(a).toBe(b);
    clock = 59_999;
    await cache.get();
    expect(calls).toBe(1);
    clock = 60_000;
    fail = true;
    await expect(cache.get()).rejects.toThrow('db down');
    fail = false;
    expect((await cache.get()).asOf).toBe('3');
    expect(calls).toBe(3);
  });
});
