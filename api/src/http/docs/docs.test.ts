import { loadCatalog } from '@lowrouter/data';
import { METHODOLOGY } from '@lowrouter/shared';
import { Kind, parse, validate } from 'graphql/index.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMAND_HELP } from '../../commands/help';
import { loadConfig } from '../../config';
import { seedCatalog } from '../../db/seed';
import { type TestDb, openTestDb } from '../../db/testing';
import { schema } from '../../graphql/index';
import { PolicyKind, RouteOverride } from '../../routing/policy';
import { MAX_EMBEDDING_INPUTS } from '../embeddings';
import { escapeHtml } from '../pages/layout';
import { NO_STORAGE } from '../responses-wire';
import { referenceTypes } from './graphql-reference';
import { DOCS, createDocs, loadDocsContext, renderDoc, renderedPaths } from './index';
import type { DocsContext } from './context';

let t: TestDb;
let ctx: DocsContext;
const pages = new Map<string, string>();

/** Unescaped text of every <pre class="code"> block of a page. */
const codeBlocks = (page: string) =>
  [...page.matchAll(/<pre class="code"[^>]*><code>([\s\S]*?)<\/code><\/pre>/g)].map((m) =>
    m[1]!
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&'),
  );

beforeAll(async () => {
  t = await openTestDb('pglite');
  await seedCatalog(t.handle.db, loadCatalog());
  ctx = await loadDocsContext({ db: t.handle.db, config: loadConfig({}) });
  for (const d of DOCS) pages.set(d.path, renderDoc(d, ctx, ['/assets/style-x.css']));
}, 60_000);
afterAll(() => t?.cleanup());

describe('the docs pages', () => {
  it('every page in the sidebar has a renderer', () => {
    expect(renderedPaths()).toEqual(DOCS.map((d) => d.path));
  });

  it.each(DOCS.map((d) => [d.path]))(
    '%s is plain HTML: no script, no inline style or handler, the shared stylesheet',
    (path) => {
      const page = pages.get(path)!;
      expect(page).not.toMatch(/<script/i);
      expect(page).not.toMatch(/ on[a-z]+=/i);
      expect(page).not.toMatch(/ style=/i);
      expect(page).toContain('<link rel="stylesheet" href="/assets/style-x.css">');
      expect(page.match(/<h1[ >]/g)).toHaveLength(1);
    },
  );

  it('every page has the sidebar with itself marked, and previous/next links in reading order', () => {
    DOCS.forEach((d, i) => {
      const page = pages.get(d.path)!;
      const nav = page.slice(page.indexOf('<nav class="docs-nav"'));
      for (const other of DOCS) expect(nav).toContain(`href="${other.path}"`);
      expect(nav).toContain(`<a href="${d.path}" aria-current="page">`);
      expect(nav.match(/aria-current="page"/g)).toHaveLength(1);
      const prev = DOCS[i - 1];
      const next = DOCS[i + 1];
      if (prev) expect(page).toContain(`<a rel="prev" href="${prev.path}">`);
      else expect(page).not.toContain('rel="prev"');
      if (next) expect(page).toContain(`<a rel="next" href="${next.path}">`);
      else expect(page).not.toContain('rel="next"');
    });
  });

  it('quotes catalog counts from the database', () => {
    const catalog = loadCatalog();
    const index = pages.get('/docs')!;
    expect(index).toContain(`${catalog.providers.length} providers in ${catalog.regions.length} regions`);
    expect(ctx.facts.endpoints).toBe(catalog.endpoints.length);
  });

  it('lists every limit of the estimate from the methodology in code', () => {
    const page = pages.get('/docs/sustainable-ai/sustainability-first')!;
    for (const l of METHODOLOGY.limits) expect(page).toContain(escapeHtml(l.text));
  });

  it('documents every policy kind and every field of the route override the code accepts', () => {
    const page = pages.get('/docs/models/routing')!;
    for (const k of PolicyKind.options)
      expect(page).toContain(`<td data-label="Kind"><code>${k}</code></td>`);
    for (const f of Object.keys(RouteOverride.shape))
      expect(page).toContain(`<td data-label="Field"><code>${f}</code></td>`);
  });

  it('works the methodology example through the real estimator and names the grid provenance plainly', () => {
    const page = pages.get('/docs/sustainable-ai/methodology')!;
    const e = ctx.facts.ecoExample!;
    expect(e.paramsConfidence).toBe('disclosed');
    const eco = JSON.parse(codeBlocks(page).find((c) => c.includes('"gco2ePer1kOutputTokens"'))!);
    // gCO2e = Wh × grid intensity / 1000, as the page says.
    expect(eco.gco2e.mid).toBeCloseTo((eco.energyWh.mid * e.gridGco2ePerKwh) / 1000, 12);
    expect(eco.region).toBe(e.regionId);
    expect(page).toContain('International Energy Agency');
    expect(page).toContain('licensed');
    expect(page).toContain('<code>lowrouter grid import</code>');
  });

  it('every GraphQL and JSON example in the docs is valid against the schema', () => {
    let graphql = 0;
    for (const [path, page] of pages) {
      for (const block of codeBlocks(page)) {
        if (/^(query|mutation) \{/.test(block)) {
          graphql++;
          const errors = validate(schema, parse(block));
          expect(errors.map((e) => `${path}: ${e.message}`)).toEqual([]);
        }
        if (block.startsWith('{\n')) expect(() => JSON.parse(block), `${path}: ${block}`).not.toThrow();
      }
    }
    expect(graphql).toBeGreaterThanOrEqual(3);
  });
});

describe('the GraphQL reference', () => {
  const page = () => pages.get('/docs/api/graphql')!;

  it('is generated from the schema: every type, field, argument and enum value, each linkable', () => {
    const p = page();
    for (const type of referenceTypes(schema)) {
      expect(p).toContain(`id="${type.name}"`);
      if (type.description) expect(p).toContain(escapeHtml(type.description));
      const fields = 'getFields' in type ? Object.values(type.getFields()) : [];
      for (const f of fields) {
        expect(p).toContain(`id="${type.name}.${f.name}"`);
        if (f.description) expect(p).toContain(escapeHtml(f.description));
        for (const a of 'args' in f ? f.args : []) expect(p).toContain(`<code>${a.name}: `);
      }
      if ('getValues' in type)
        for (const v of type.getValues()) expect(p).toContain(`id="${type.name}.${v.name}"`);
    }
  });

  it('links every type it names to its own section', () => {
    const p = page();
    const ids = new Set([...p.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]));
    for (const m of p.matchAll(/href="#([^"]+)"/g)) expect(ids, m[1]).toContain(m[1]);
    // Root operations come first.
    expect(schema.getQueryType()!.getFields().models).toBeDefined();
    expect(p.indexOf('id="Query"')).toBeLessThan(p.indexOf('id="Model"'));
    expect(parse('{ __typename }').definitions[0]!.kind).toBe(Kind.OPERATION_DEFINITION);
  });
});

describe('figures read from the running configuration', () => {
  it('the fee and the high-intensity threshold follow the configuration the site is given', async () => {
    const a = createDocs({ db: t.handle.db, config: loadConfig({}) });
    const b = createDocs({
      db: t.handle.db,
      config: loadConfig({ LOWROUTER_FEE_PERCENT: '7.5', LOWROUTER_HIGH_INTENSITY_THRESHOLD: '321' }),
    });
    const credits = (await a.render('/docs/guides/credits-and-billing', []))!;
    const credits2 = (await b.render('/docs/guides/credits-and-billing', []))!;
    expect(credits).toContain('This instance charges <strong>5%</strong>');
    expect(credits2).toContain('This instance charges <strong>7.5%</strong>');
    // The hold example is priced with the configured fee, so it changes too.
    const held = (p: string) => /"max_tokens": 500<\/code><\/td><td class="num">([^<]+)</.exec(p)![1];
    expect(held(credits2)).not.toBe(held(credits));

    const routing = (await a.render('/docs/models/routing', []))!;
    const routing2 = (await b.render('/docs/models/routing', []))!;
    expect(routing).toContain('above <strong>500 gCO2e/kWh</strong>');
    expect(routing2).toContain('above <strong>321 gCO2e/kWh</strong>');
    const above = (threshold: number) =>
      loadCatalog().regions.filter((r) => r.gridIntensity.gco2ePerKwh > threshold).length;
    expect(routing2).toContain(`${above(321)} of ${loadCatalog().regions.length} catalog regions`);
  });

  it('the response cache, /metrics and the embeddings limit follow the configuration and the code', async () => {
    const b = createDocs({
      db: t.handle.db,
      config: loadConfig({
        LOWROUTER_CACHE_HIT_PRICE: '0.25',
        LOWROUTER_CACHE_MAX_TTL_SECONDS: '3600',
        LOWROUTER_METRICS_PUBLIC: 'true',
      }),
    });
    const rest = pages.get('/docs/api/rest')!;
    const rest2 = (await b.render('/docs/api/rest', []))!;
    expect(rest).toContain('A hit costs 0% of the original charge');
    expect(rest2).toContain('A hit costs 25% of the original charge');
    expect(rest2).toContain(`at most ${(3600).toLocaleString('en-GB')} s`);
    expect(rest).toContain(`at most ${MAX_EMBEDDING_INPUTS.toLocaleString('en-GB')} non-empty strings`);
    expect(rest).toContain(escapeHtml(NO_STORAGE));
    const credits2 = (await b.render('/docs/guides/credits-and-billing', []))!;
    expect(credits2).toContain('charged <strong>25%</strong> of the original answer’s charge');
    const hosting = pages.get('/docs/guides/self-hosting')!;
    const hosting2 = (await b.render('/docs/guides/self-hosting', []))!;
    expect(hosting).toContain('(this instance: key required)');
    expect(hosting2).toContain('(this instance: public)');
    for (const name of ['orgs', 'keys', 'credits', 'usage', 'audit'])
      expect(hosting).toContain(`<td>${escapeHtml(COMMAND_HELP[name]!.summary)}</td>`);
  });

  it('answers null for paths that are not docs pages', async () => {
    const d = createDocs({ db: t.handle.db, config: loadConfig({}) });
    expect(await d.render('/docsx', [])).toBeNull();
    expect(await d.render('/docs/nope', [])).toBeNull();
    expect(await d.render('/docs/why/', [])).toContain('<h1>Why LowRouter</h1>');
  });
});
