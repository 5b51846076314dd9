import { loadCatalog } from '@lowrouter/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { createTestApp } from '../test-helpers';

const catalog = loadCatalog();

describe.each(testDrivers())('GraphQL catalog on %s', (driver) => {
  let t: TestDb;
  const statements: string[] = [];
  let gql: (query: string, variables?: Record<string, unknown>) => Promise<{ data?: any; errors?: any[] }>;

  beforeAll(async () => {
    t = await openTestDb(driver, { onQuery: (q) => statements.push(q) });
    const app = await createTestApp(t);
    // The public catalog needs no key.
    gql = (query, variables) => app.gql(query, variables, null);
  });
  afterAll(() => t.cleanup());

  it('returns the whole catalog with nested endpoints, providers, regions and grid intensity', async () => {
    const res = await gql(
      '{ models { id tier activeParams { min max } endpoints { provider { id } region { id gridIntensity { gco2ePerKwh year source } } } } }',
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.models).toHaveLength(catalog.models.length);
    const endpointCount = res.data.models.reduce((n: number, m: any) => n + m.endpoints.length, 0);
    expect(endpointCount).toBe(catalog.endpoints.length);
    const sample = catalog.endpoints[0]!;
    const region = catalog.regions.find((r) => r.id === sample.regionId)!;
    const m = res.data.models.find((x: any) => x.id === sample.modelId);
    const e = m.endpoints.find((x: any) => x.region.id === sample.regionId);
    expect(e.provider.id).toBe(sample.providerId);
    expect(e.region.gridIntensity).toEqual({
      gco2ePerKwh: region.gridIntensity.gco2ePerKwh,
      year: region.gridIntensity.year,
      source: region.gridIntensity.source,
    });
  });

  it('issues the same number of SQL statements for 2 models as for all of them', async () => {
    const nested = (filter: string) =>
      `{ models${filter} { id endpoints { id provider { id name } region { id country provider { id } } } } }`;
    const ids = catalog.models.slice(0, 2).map((m) => m.id);
    const search = catalog.models.filter((m) => ids.some((id) => m.id.includes(id))).length;
    expect(search).toBeGreaterThan(0);

    statements.length = 0;
    const all = await gql(nested(''));
    const forAll = statements.length;
    statements.length = 0;
    const few = await gql(nested('(limit: 2)'));
    const forFew = statements.length;

    expect(all.data.models.length).toBe(catalog.models.length);
    expect(few.data.models.length).toBe(2);
    expect(forAll).toBe(forFew);
    expect(forAll).toBeLessThanOrEqual(5);
  });

  it('filters models by tier, open weights, provider, region and search', async () => {
    const small = await gql('{ models(filter: { tier: small }) { id tier } }');
    expect(small.data.models.length).toBe(catalog.models.filter((m) => m.tier === 'small').length);
    expect(small.data.models.every((m: any) => m.tier === 'small')).toBe(true);

    const open = await gql('{ models(filter: { openWeights: true }) { id } }');
    expect(open.data.models.length).toBe(catalog.models.filter((m) => m.openWeights).length);

    const e = catalog.endpoints[0]!;
    const byProvider = await gql(`{ models(filter: { provider: "${e.providerId}" }) { id } }`);
    const expected = new Set(
      catalog.endpoints.filter((x) => x.providerId === e.providerId).map((x) => x.modelId),
    );
    expect(new Set(byProvider.data.models.map((m: any) => m.id))).toEqual(expected);

    const byRegion = await gql(`{ models(filter: { region: "${e.regionId}" }) { id } }`);
    expect(byRegion.data.models.map((m: any) => m.id)).toContain(e.modelId);

    const vendor = catalog.models[0]!.vendor;
    const search = await gql(`{ models(filter: { search: "${vendor.toUpperCase()}" }) { id vendor } }`);
    expect(search.data.models.length).toBeGreaterThan(0);
  });

  it('filters regions by country, provider and grid intensity', async () => {
    const res = await gql(
      '{ regions(filter: { maxGco2ePerKwh: 100 }) { id gridIntensity { gco2ePerKwh } } }',
    );
    const expected = catalog.regions.filter((r) => r.gridIntensity.gco2ePerKwh <= 100).length;
    expect(res.data.regions.length).toBe(expected);
    const fr = await gql('{ regions(filter: { country: "fr" }) { id country } }');
    expect(fr.data.regions.every((r: any) => r.country === 'FR')).toBe(true);
    expect(fr.data.regions.length).toBe(catalog.regions.filter((r) => r.country === 'FR').length);
  });

  it('serves single lookups and null for unknown ids', async () => {
    const m = catalog.models[0]!;
    const res = await gql(
      `{ model(id: "${m.id}") { id name contextWindow totalParams { min max } } nope: model(id: "x/y") { id } }`,
    );
    expect(res.data.model).toMatchObject({
      id: m.id,
      contextWindow: m.contextWindow,
      totalParams: m.totalParamsB,
    });
    expect(res.data.nope).toBeNull();
    const p = catalog.providers[0]!;
    const prov = await gql(`{ provider(id: "${p.id}") { id name regions { id } endpoints { id } } }`);
    expect(prov.data.provider.regions.length).toBe(
      catalog.regions.filter((r) => r.providerId === p.id).length,
    );
  });

  it('refuses a page larger than the limit with a message saying the bound', async () => {
    const res = await gql('{ models(limit: 100000) { id } }');
    expect(res.errors?.[0]?.message).toMatch(/limit must be between 1 and 500/);
  });
});
