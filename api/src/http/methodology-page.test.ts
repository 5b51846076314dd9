import { loadCatalog } from '@lowrouter/data';
import { METHODOLOGY } from '@lowrouter/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalog } from '../db/seed';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import {
  type MethodologyFacts,
  escapeHtml,
  loadMethodologyFacts,
  renderMethodologyPage,
} from './methodology-page';
import { CONTENT_SECURITY_POLICY, createSite } from './static';

const facts: MethodologyFacts = {
  providerPue: [
    { id: 'x', name: 'X <script>alert(1)</script>', pueMin: 1.1, pueMax: 1.2, pueSource: 'a & b' },
  ],
  regionPue: [{ id: 'x:eu', name: 'EU "one"', providerId: 'x', pueMin: 1.05, pueMax: 1.05 }],
  gridSources: [{ source: 'Ember 2024 <yearly>', year: 2024, basis: 'lifecycle', regions: 3 }],
};

describe('renderMethodologyPage', () => {
  const page = renderMethodologyPage(facts, ['/assets/style-abc.css']);

  it('has no script at all and links the shared stylesheet', () => {
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/ on[a-z]+=/i);
    expect(page).not.toMatch(/style=/i);
    expect(page).toContain('<link rel="stylesheet" href="/assets/style-abc.css">');
  });

  it('escapes every text it prints', () => {
    expect(page).toContain('X &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('a &amp; b');
    expect(page).toContain('EU &quot;one&quot;');
    expect(page).toContain('Ember 2024 &lt;yearly&gt;');
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('shows every step with its equation, every constant with unit and source, and every limit', () => {
    for (const s of METHODOLOGY.steps) {
      expect(page).toContain(`<li id="${s.id}"><h3>${escapeHtml(s.title)}</h3>`);
      expect(page).toContain(`<pre class="eq">${escapeHtml(s.equation)}</pre>`);
    }
    for (const c of METHODOLOGY.constants) {
      expect(page).toContain(`<code>${c.name}</code>, ${escapeHtml(c.source)}`);
      expect(page).toContain(`<td data-label="Unit">${escapeHtml(c.unit)}</td>`);
    }
    for (const l of METHODOLOGY.limits) expect(page).toContain(escapeHtml(l.text));
    for (const c of METHODOLOGY.confidence) expect(page).toContain(`<code>${c.level}</code>`);
    expect(page).toContain('<td data-label="PUE" class="nowrap">1.1–1.2</td>');
    expect(page).toContain('<td data-label="Year">2024</td>');
  });

  it('prints constants at full precision', () => {
    expect(page).toContain('<td data-label="Value" class="nowrap">1.1665273170451914e-6</td>');
    expect(page).toContain('<td data-label="Value" class="nowrap">94608000</td>');
  });
});

describe.each(testDrivers())('methodology page on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(driver);
    await seedCatalog(t.handle.db, loadCatalog());
  });
  afterAll(() => t.cleanup());

  it('reads provider PUEs and grid sources from the catalog', async () => {
    const catalog = loadCatalog();
    const f = await loadMethodologyFacts(t.handle.db);
    expect(f.providerPue.map((p) => p.id).sort()).toEqual(catalog.providers.map((p) => p.id).sort());
    expect(f.gridSources.reduce((n, g) => n + g.regions, 0)).toBe(catalog.regions.length);
    expect(f.regionPue.length).toBe(catalog.regions.filter((r) => r.pue).length);
  });

  it('moved to /docs/sustainable-ai/methodology: /methodology answers a permanent redirect there', async () => {
    const site = createSite({ db: t.handle.db, distDir: '/nonexistent' });
    const res = (await site.fetch(new Request('http://test/methodology')))!;
    expect(res.status).toBe(301);
    expect(res.headers.get('location')).toBe('/docs/sustainable-ai/methodology');
  });

  it('is served at /docs/sustainable-ai/methodology as HTML under the CSP, without JavaScript', async () => {
    const site = createSite({ db: t.handle.db, distDir: '/nonexistent' });
    const res = (await site.fetch(new Request('http://test/docs/sustainable-ai/methodology')))!;
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('cache-control')).toBe('no-cache');
    const body = await res.text();
    expect(body).not.toMatch(/<script/i);
    expect(body).toContain('<h2 id="limits">What is not measured, and why</h2>');
  });
});
