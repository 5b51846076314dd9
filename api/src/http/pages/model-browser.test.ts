import { loadCatalog } from '@lowrouter/data';
import { type Provider, REFERENCE_OUTPUT_TOKENS } from '@lowrouter/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalog } from '../../db/seed';
import { type TestDb, openTestDb } from '../../db/testing';
import { resolveCredentials } from '../../providers/credentials';
import { type RoutingTables, loadRoutingTables } from '../../routing/routing-tables';
import { createSite } from '../static';
import {
  FOOTPRINT_LABEL,
  applyView,
  browserModels,
  calculate,
  modelHref,
  renderBrowserPage,
  renderModelPage,
  viewFromQuery,
} from './model-browser';

let t: TestDb;
const catalog = loadCatalog();
const tablesWith = (env: Record<string, string>) =>
  loadRoutingTables(
    t.handle.db,
    resolveCredentials(
      env,
      catalog.providers.map((p) => p as Provider),
    ),
  );

/** The data-model values of the page's model rows, in page order. */
const modelOrder = (page: string) =>
  [...page.matchAll(/<tbody class="model[^"]*" data-model="([^"]+)"/g)].map((m) => m[1]);
const render = (tables: RoutingTables, query = '') =>
  renderBrowserPage({
    models: browserModels(tables),
    view: viewFromQuery(new URLSearchParams(query)),
    calculator: null,
    result: null,
    stylesheets: ['/assets/style-x.css'],
    scripts: ['/assets/index-x.js'],
  });

beforeAll(async () => {
  t = await openTestDb('pglite');
  await seedCatalog(t.handle.db, catalog);
});
afterAll(() => t.cleanup());

describe('the model browser page', () => {
  it('is one table row per model with its endpoints behind a <details>, and a chart', async () => {
    const page = render(await tablesWith({ OPENAI_API_KEY: 'sk-test' }));
    expect(modelOrder(page)).toHaveLength(catalog.models.length);
    expect(page.match(/<tr class="eps"><td colspan="6"><details>/g)).toHaveLength(catalog.models.length);
    expect(page.match(/<tr data-endpoint="/g)).toHaveLength(catalog.endpoints.length);
    expect(page).toContain('<svg class="chart scatter"');
    expect(page).toContain(
      `gCO2e per 1,000 output tokens, reference request of ${REFERENCE_OUTPUT_TOKENS} tokens`,
    );
    expect(page).toContain('<script type="module" src="/assets/index-x.js"></script>');
    expect(page).not.toMatch(/style="/);
  });

  it('marks what is usable here (credentials configured) and lists it first', async () => {
    const tables = await tablesWith({ OPENAI_API_KEY: 'sk-test' });
    const page = render(tables);
    const openai = catalog.endpoints.filter((e) => e.providerId === 'openai');
    expect(page.match(/<span class="usable yes">Usable here<\/span>/g)).toHaveLength(openai.length);
    expect(page.match(/<span class="usable no" title="[^"]+">Not usable here<\/span>/g)).toHaveLength(
      catalog.endpoints.length - openai.length,
    );
    const order = modelOrder(page);
    const withOpenai = new Set(openai.map((e) => e.modelId));
    expect(new Set(order.slice(0, withOpenai.size))).toEqual(withOpenai);
    // Within a model, usable endpoints first.
    const mini = page.slice(page.indexOf('data-model="openai/gpt-4o-mini"'));
    const rows = [
      ...mini
        .slice(0, mini.indexOf('</tbody>\n</table></div>\n</details>'))
        .matchAll(/<tr data-endpoint="[^"]+" data-provider="([^"]+)" data-usable="(\d)"/g),
    ];
    expect(rows[0]![1]).toBe('openai');
    expect(rows[0]![2]).toBe('1');
    expect(rows.slice(1).every((r) => r[2] === '0')).toBe(true);
    expect(page).toContain('no credentials configured for Azure OpenAI');
  });

  it('never lists an unconfigured self-hosted "Operator site" endpoint first', async () => {
    for (const env of [{}, { MISTRAL_API_KEY: 'x' }] as Record<string, string>[]) {
      const models = browserModels(await tablesWith(env));
      for (const sort of ['price', 'carbon', 'energy', 'name']) {
        const shown = applyView(models, viewFromQuery(new URLSearchParams({ sort })));
        const first = shown[0]!;
        expect(first.endpoints[0]!.country, `${sort} ${JSON.stringify(env)}`).not.toBe('ZZ');
        // In every model, placeholders come after every other endpoint.
        for (const m of shown) {
          const zz = m.endpoints.findIndex((e) => e.selfHosted);
          if (zz >= 0) expect(m.endpoints.slice(zz).every((e) => e.selfHosted)).toBe(true);
          if (m.endpoints.some((e) => !e.selfHosted)) expect(m.outputUsd.min).toBeGreaterThan(0);
        }
      }
    }
    const selfHostedModel = browserModels(await tablesWith({ MISTRAL_API_KEY: 'x' })).find(
      (m) => m.id === 'mistral/mistral-small-2506',
    )!;
    expect(selfHostedModel.endpoints.some((e) => e.selfHosted)).toBe(true);
    expect(selfHostedModel.endpoints[0]!.usable).toBe(true);
    expect(selfHostedModel.endpoints.at(-1)!.region).toMatch(/Operator site/);
  });

  it('applies the query string: provider, tier, usable only, sort', async () => {
    const tables = await tablesWith({ MISTRAL_API_KEY: 'x' });
    const models = browserModels(tables);
    const mistral = models.filter((m) => m.endpoints.some((e) => e.providerId === 'mistral'));
    expect(modelOrder(render(tables, 'provider=mistral'))).toHaveLength(mistral.length);
    const usable = modelOrder(render(tables, 'usable=1&sort=carbon'));
    expect(usable).toHaveLength(models.filter((m) => m.usableCount > 0).length);
    const carbon = usable.map((id) => models.find((m) => m.id === id)!.gco2e.min);
    expect(carbon).toEqual([...carbon].sort((a, b) => a - b));
    // Unknown values fall back to the defaults instead of failing.
    expect(viewFromQuery(new URLSearchParams('sort=<x>&tier=huge'))).toMatchObject({
      sort: 'price',
      tier: '',
    });
  });

  it('escapes every text from the catalog', async () => {
    const tables = await tablesWith({});
    const evil = '<img src=x onerror=alert(1)>"\'&';
    const info = [...tables.byEndpoint.values()][0]!;
    info.model.name = evil;
    info.provider.name = evil;
    info.region.name = evil;
    const models = browserModels(tables);
    const page = render(tables);
    const model = renderModelPage(models.find((m) => m.id === info.model.id)!, []);
    for (const p of [page, model]) {
      expect(p).not.toContain('<img src=x');
      expect(p).toContain('&lt;img src=x onerror=alert(1)&gt;&quot;&#39;&amp;');
    }
  });
});

describe('a model page', () => {
  it('shows endpoints, prices, footprint per region and parameters with their source', async () => {
    const models = browserModels(await tablesWith({ OPENAI_API_KEY: 'sk-test' }));
    const m = models.find((x) => x.id === 'openai/gpt-4o-mini')!;
    const page = renderModelPage(m, ['/assets/style-x.css']);
    const source = catalog.models.find((x) => x.id === m.id)!.paramsSource;
    expect(page).toContain('<h1>gpt-4o-mini <span class="tag">small</span></h1>');
    expect(page.match(/<tr data-endpoint="/g)).toHaveLength(m.endpoints.length);
    expect(page.match(/<g class="bar-row">/g)).toHaveLength(m.endpoints.length);
    expect(page).toContain(FOOTPRINT_LABEL);
    expect(page).toContain('<dt>Active parameters</dt>');
    expect(page).toContain(typeof source === 'string' ? source : source.source);
    expect(page).not.toMatch(/<script/);
  });

  it('is served at /models/<id> with the slashes of the id in the path; unknown ids are 404', async () => {
    const tables = await tablesWith({});
    const site = createSite({ db: t.handle.db, distDir: '/nonexistent', tables: async () => tables });
    expect(modelHref('openai/gpt-4o-mini')).toBe('/models/openai/gpt-4o-mini');
    const ok = (await site.fetch(new Request('http://test/models/openai/gpt-4o-mini')))!;
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('gpt-4o-mini');
    for (const bad of ['/models/openai/nope', '/models/%E0%A4%A', '/models/'])
      expect((await site.fetch(new Request(`http://test${bad}`)))!.status, bad).toBe(404);
  });
});

describe('the calculator without JavaScript', () => {
  it('answers the form on the server, and refuses bad input with 400 and what to fix', async () => {
    const tables = await tablesWith({});
    const site = createSite({ db: t.handle.db, distDir: '/nonexistent', tables: async () => tables });
    const id = 'openai/gpt-4o-mini@openai:default';
    const known = tables.byEndpoint.has(id) ? id : [...tables.byEndpoint.keys()][0]!;
    const result = calculate(tables, { endpointId: known, outputTokens: '2500' });
    expect(result.ok).toBe(true);
    const ok = (await site.fetch(
      new Request(`http://test/?endpoint=${encodeURIComponent(known)}&tokens=2500`),
    ))!;
    expect(ok.status).toBe(200);
    expect(await ok.text()).toContain('<dd id="calc-wh">');
    const bad = (await site.fetch(
      new Request(`http://test/?endpoint=${encodeURIComponent(known)}&tokens=lots`),
    ))!;
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain(
      'outputTokens: outputTokens must be a whole number from 0 to 10,000,000',
    );
    const unknown = (await site.fetch(new Request('http://test/?endpoint=nope&tokens=5')))!;
    expect(unknown.status).toBe(400);
    expect(await unknown.text()).toContain('endpoint: choose an endpoint from the list');
  });
});
