import { EndpointSchema, ModelSchema, ProviderSchema, RegionSchema } from '@lowrouter/shared/catalog';
import type { Catalog } from '@lowrouter/shared/catalog';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { checkCatalog, loadCatalog, parseCatalog, rawCatalog, tierFor } from './index';

const catalog = loadCatalog();
const clone = (): Catalog => structuredClone(catalog);
const regionOf = new Map(catalog.regions.map((r) => [r.id, r]));
const providerOf = new Map(catalog.providers.map((p) => [p.id, p]));
const EU = new Set(['EU', 'AT', 'BE', 'DE', 'DK', 'ES', 'FI', 'FR', 'IE', 'IT', 'NL', 'PL', 'PT', 'SE']);

describe('data files', () => {
  it.each([
    ['providers.json', ProviderSchema, rawCatalog.providers],
    ['regions.json', RegionSchema, rawCatalog.regions],
    ['models.json', ModelSchema, rawCatalog.models],
    ['endpoints.json', EndpointSchema, rawCatalog.endpoints],
  ] as const)('%s parses against its schema', (_file, schema, rows) => {
    const result = z.array(schema as z.ZodType).safeParse(rows);
    expect(result.success ? [] : result.error.issues).toEqual([]);
  });

  it('has no cross-row problems', () => {
    expect(checkCatalog(catalog)).toEqual([]);
  });

  it('meets the minimum counts', () => {
    expect(catalog.providers.length).toBeGreaterThanOrEqual(12);
    expect(catalog.regions.length).toBeGreaterThanOrEqual(60);
    expect(catalog.models.length).toBeGreaterThanOrEqual(30);
    expect(catalog.endpoints.length).toBeGreaterThanOrEqual(80);
  });

  it('includes the required providers', () => {
    const ids = catalog.providers.map((p) => p.id);
    for (const id of [
      'openai',
      'anthropic',
      'mistral',
      'google',
      'azure-openai',
      'aws-bedrock',
      'google-vertex',
      'groq',
      'together',
      'scaleway',
      'ovhcloud',
      'vllm',
    ]) {
      expect(ids).toContain(id);
    }
  });

  it('keeps ids unique in every file', () => {
    for (const rows of [catalog.providers, catalog.regions, catalog.models, catalog.endpoints]) {
      const ids = rows.map((r) => r.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('resolves every reference', () => {
    const models = new Set(catalog.models.map((m) => m.id));
    for (const e of catalog.endpoints) {
      expect(models.has(e.modelId), e.id).toBe(true);
      expect(providerOf.has(e.providerId), e.id).toBe(true);
      expect(regionOf.get(e.regionId)?.providerId, e.id).toBe(e.providerId);
    }
    for (const r of catalog.regions) expect(providerOf.has(r.providerId), r.id).toBe(true);
  });

  it('gives every figure a source and a date', () => {
    const sourced = [
      ...catalog.providers.map((p) => p.pueSource),
      ...catalog.regions.map((r) => r.source),
      ...catalog.models.map((m) => m.paramsSource),
      ...catalog.endpoints.map((e) => e.price),
    ];
    for (const s of sourced) {
      expect(s.source.trim().length).toBeGreaterThan(10);
      expect(Number.isNaN(Date.parse(s.date))).toBe(false);
    }
    for (const r of catalog.regions) {
      expect(r.gridIntensity.source.length, r.id).toBeGreaterThan(10);
      expect(r.gridIntensity.year, r.id).toBeGreaterThanOrEqual(2023);
    }
    for (const m of catalog.models) if (m.deployment) expect(m.deployment.source.length).toBeGreaterThan(10);
  });

  it('uses one grid-intensity basis for every region', () => {
    expect(new Set(catalog.regions.map((r) => r.gridIntensity.basis))).toEqual(new Set(['lifecycle']));
  });

  it('never ships IEA factors', () => {
    for (const r of catalog.regions) expect(r.gridIntensity.source).not.toMatch(/\bIEA\b/);
  });
});

describe('routing choices', () => {
  const endpointsOf = (modelId: string) => catalog.endpoints.filter((e) => e.modelId === modelId);

  it('offers gpt-4o-mini from OpenAI and several Azure regions, EU and high-carbon ones included', () => {
    const eps = endpointsOf('openai/gpt-4o-mini');
    expect(eps.some((e) => e.providerId === 'openai')).toBe(true);
    const azure = eps.filter((e) => e.providerId === 'azure-openai').map((e) => regionOf.get(e.regionId)!);
    expect(azure.length).toBeGreaterThanOrEqual(3);
    expect(azure.some((r) => EU.has(r.country))).toBe(true);
    expect(azure.some((r) => r.gridIntensity.gco2ePerKwh > 500)).toBe(true);
  });

  it('offers Mistral Small on Mistral EU, Scaleway Paris and OVHcloud', () => {
    const providers = new Set(endpointsOf('mistral/mistral-small-2506').map((e) => e.providerId));
    for (const p of ['mistral', 'scaleway', 'ovhcloud']) expect(providers.has(p)).toBe(true);
  });

  it('offers Claude on Anthropic, Bedrock and Vertex', () => {
    const providers = new Set(endpointsOf('anthropic/claude-haiku-4-5').map((e) => e.providerId));
    for (const p of ['anthropic', 'aws-bedrock-anthropic', 'google-vertex-anthropic'])
      expect(providers.has(p)).toBe(true);
  });

  it('offers Llama 3.3 70B on at least four hosted providers', () => {
    const hosted = endpointsOf('meta/llama-3.3-70b-instruct').filter(
      (e) => !providerOf.get(e.providerId)?.selfHosted,
    );
    expect(new Set(hosted.map((e) => e.providerId)).size).toBeGreaterThanOrEqual(4);
  });

  it('has EU-only choices for models of every tier below frontier', () => {
    for (const tier of ['small', 'medium', 'large'] as const) {
      const inEu = catalog.endpoints.some(
        (e) =>
          catalog.models.find((m) => m.id === e.modelId)?.tier === tier &&
          EU.has(regionOf.get(e.regionId)?.country ?? ''),
      );
      expect(inEu, tier).toBe(true);
    }
  });

  it('has several serving regions above 500 gCO2e/kWh', () => {
    const dirty = new Set(
      catalog.endpoints
        .map((e) => regionOf.get(e.regionId)!)
        .filter((r) => r.gridIntensity.gco2ePerKwh > 500),
    );
    expect(dirty.size).toBeGreaterThanOrEqual(3);
  });

  it('spreads models over all four tiers, with several small ones', () => {
    const count = (t: string) => catalog.models.filter((m) => m.tier === t).length;
    expect(count('small')).toBeGreaterThanOrEqual(6);
    for (const t of ['medium', 'large', 'frontier']) expect(count(t), t).toBeGreaterThanOrEqual(2);
  });
});

describe('self-hosted providers', () => {
  it('take their base URL from configuration and sit in an unknown-location region', () => {
    const vllm = providerOf.get('vllm')!;
    expect(vllm.selfHosted).toBe(true);
    expect(vllm.baseUrl).toBe('http://localhost:8000/v1');
    const local = regionOf.get('vllm:local')!;
    expect(local.country).toBe('ZZ');
    expect(local.locationConfidence).toBe('assumed');
    expect(local.locationNote).toContain('lowrouter grid import');
    expect(local.gridIntensity.source).toContain('World');
  });
});

describe('hosted variants', () => {
  it('describe Azure deployments with api-key auth, a deployment path and an api-version', () => {
    const azure = providerOf.get('azure-openai')!;
    expect(azure).toMatchObject({
      auth: 'api-key',
      modelInBody: false,
      chatPath: '/deployments/{model}/chat/completions',
    });
    expect(azure.query?.['api-version']).toMatch(/^\d{4}-\d{2}-\d{2}/);
  });

  it('describe Claude on Vertex as rawPredict with anthropic_version in the body', () => {
    const v = providerOf.get('google-vertex-anthropic')!;
    expect(v).toMatchObject({
      protocol: 'anthropic',
      modelInBody: false,
      chatPath: '/models/{model}:rawPredict',
      streamChatPath: '/models/{model}:streamRawPredict',
      bodyDefaults: { anthropic_version: 'vertex-2023-10-16' },
    });
  });

  it('let every provider with more than one region reach each of them', () => {
    for (const p of catalog.providers) {
      const n = catalog.regions.filter((r) => r.providerId === p.id).length;
      // Azure: one operator-configured resource per region ({resource}); others substitute {region}.
      if (n > 1) expect(p.baseUrl, p.id).toMatch(/\{region\}|\{resource\}/);
    }
  });
});

describe('checkCatalog', () => {
  it('reports a duplicate id', () => {
    const c = clone();
    c.models.push({ ...c.models[0]!, aliases: [] });
    expect(checkCatalog(c)).toContain(`duplicate model id "${c.models[0]!.id}"`);
  });

  it('reports an endpoint that points at an unknown model or region', () => {
    const c = clone();
    c.endpoints[0] = { ...c.endpoints[0]!, modelId: 'nobody/nothing', regionId: 'openai:mars' };
    const problems = checkCatalog(c);
    expect(problems.some((p) => p.includes('unknown model "nobody/nothing"'))).toBe(true);
    expect(problems.some((p) => p.includes('unknown region "openai:mars"'))).toBe(true);
  });

  it('reports an endpoint whose provider differs from its region', () => {
    const c = clone();
    const e = c.endpoints.find((x) => x.providerId === 'openai')!;
    e.providerId = 'groq';
    expect(checkCatalog(c).some((p) => p.includes('differs from its region\'s provider "openai"'))).toBe(
      true,
    );
  });

  it('reports a region whose provider is unknown', () => {
    const c = clone();
    c.regions.push({ ...c.regions[0]!, id: 'ghost:x', providerId: 'ghost', providerRegionId: 'x' });
    expect(checkCatalog(c)).toContain('region ghost:x: unknown provider "ghost"');
  });

  it('reports a dense model whose active and total parameters differ', () => {
    const c = clone();
    const m = c.models.find((x) => x.architecture === 'dense')!;
    m.totalParamsB = { min: m.totalParamsB.min + 1, max: m.totalParamsB.max + 1 };
    expect(checkCatalog(c)).toContain(`model ${m.id}: dense model with active params ≠ total params`);
  });

  it('reports a tier that does not follow the tier rule', () => {
    const c = clone();
    const m = c.models.find((x) => x.tier === 'small')!;
    m.tier = 'frontier';
    expect(checkCatalog(c)).toContain(`model ${m.id}: tier is "frontier" but the tier rule gives "small"`);
  });

  it('reports an impossible date', () => {
    const c = clone();
    c.endpoints[0]!.price.date = '2026-02-30';
    expect(checkCatalog(c).some((p) => p.includes('"2026-02-30" is not a date'))).toBe(true);
  });
});

describe('parseCatalog', () => {
  it('throws with every problem listed', () => {
    const raw = structuredClone(rawCatalog) as {
      models: Array<Record<string, unknown>>;
      endpoints: Array<Record<string, unknown>>;
    } & typeof rawCatalog;
    raw.models.push(raw.models[0]!);
    raw.endpoints[0]!.regionId = 'openai:mars';
    expect(() => parseCatalog(raw)).toThrow(/duplicate model id .*\n- .*unknown region "openai:mars"/s);
  });

  it('throws on a row that breaks the schema', () => {
    const raw = structuredClone(rawCatalog) as {
      providers: Array<Record<string, unknown>>;
    } & typeof rawCatalog;
    raw.providers[0]!.protocol = 'carrier-pigeon';
    expect(() => parseCatalog(raw)).toThrow(/providers\.json: 0\.protocol/);
  });
});

describe('tierFor', () => {
  it.each([
    [8, 0.08, 'small'],
    [29.9, 5, 'small'],
    [30, 0.5, 'medium'],
    [100, 1, 'large'],
    [500, 1, 'frontier'],
    [20, 10, 'frontier'],
    [20, undefined, 'small'],
  ] as const)('size %sB at %s USD/MTok output is %s', (size, price, tier) => {
    expect(tierFor(size, price)).toBe(tier);
  });
});
