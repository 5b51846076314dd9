import { loadCatalog } from '@lowrouter/data';
import { ecoPer1kOutputTokens } from '@lowrouter/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDb, openTestDb } from '../db/testing';
import { type TestApp, createTestApp } from '../test-helpers';

const catalog = loadCatalog();

describe('eco figures over GraphQL', () => {
  let t: TestDb;
  let a: TestApp;
  beforeAll(async () => {
    t = await openTestDb('pglite');
    a = await createTestApp(t);
  });
  afterAll(() => t.cleanup());

  it('gives every model a figure per 1,000 output tokens', async () => {
    const res = await a.gql(
      '{ models { id eco { whPer1kOutputTokens { mid } gco2ePer1kOutputTokens { min max mid } } } }',
      {},
      null,
    );
    expect(res.errors).toBeUndefined();
    for (const m of res.data.models) {
      expect(m.eco, m.id).not.toBeNull();
      expect(m.eco.whPer1kOutputTokens.mid).toBeGreaterThan(0);
      expect(m.eco.gco2ePer1kOutputTokens.min).toBeLessThanOrEqual(m.eco.gco2ePer1kOutputTokens.max);
    }
  });

  it("computes an endpoint's figure from its model, its region's grid and its PUE", async () => {
    const e = catalog.endpoints[0]!;
    const model = catalog.models.find((m) => m.id === e.modelId)!;
    const region = catalog.regions.find((r) => r.id === e.regionId)!;
    const provider = catalog.providers.find((p) => p.id === e.providerId)!;
    const expected = ecoPer1kOutputTokens({
      model,
      pue: region.pue ?? provider.pue,
      gridGco2ePerKwh: region.gridIntensity.gco2ePerKwh,
    });
    const res = await a.gql(
      `{ endpoint(id: "${e.id}") { eco { gco2ePer1kOutputTokens { min max } whPer1kOutputTokens { min max } confidence } } }`,
      {},
      null,
    );
    expect(res.data.endpoint.eco.gco2ePer1kOutputTokens.min).toBeCloseTo(expected.gco2e.min, 12);
    expect(res.data.endpoint.eco.gco2ePer1kOutputTokens.max).toBeCloseTo(expected.gco2e.max, 12);
    expect(res.data.endpoint.eco.whPer1kOutputTokens.max).toBeCloseTo(expected.energyWh.max, 12);
    expect(res.data.endpoint.eco.confidence).toBe(
      model.paramsConfidence === 'disclosed' ? 'disclosed-parameters' : 'estimated-parameters',
    );
  });

  it("spans a model's endpoints: lowest min to highest max", async () => {
    const byModel = new Map<string, number>();
    for (const e of catalog.endpoints) byModel.set(e.modelId, (byModel.get(e.modelId) ?? 0) + 1);
    const id = [...byModel.entries()].find(([, n]) => n > 1)![0];
    const res = await a.gql(
      `{ model(id: "${id}") { eco { gco2ePer1kOutputTokens { min max } } endpoints { eco { gco2ePer1kOutputTokens { min max } } } } }`,
      {},
      null,
    );
    const eps = res.data.model.endpoints.map((e: any) => e.eco.gco2ePer1kOutputTokens);
    expect(res.data.model.eco.gco2ePer1kOutputTokens.min).toBe(Math.min(...eps.map((x: any) => x.min)));
    expect(res.data.model.eco.gco2ePer1kOutputTokens.max).toBe(Math.max(...eps.map((x: any) => x.max)));
  });

  it('ecoEstimate reproduces EcoLogits worked example A from raw inputs', async () => {
    const res = await a.gql(
      `{ ecoEstimate(input: { outputTokens: 400, activeParamsB: { min: 123, max: 123 }, totalParamsB: { min: 123, max: 123 },
          tokensPerSecond: 36.9, ttftSeconds: 1.05, pue: { min: 1.16, max: 1.16 }, gridGco2ePerKwh: 35.82 }) {
        __typename ... on QueryEcoEstimateSuccess { data { energyWh { mid } gco2e { mid } gpuCount { max } } } } }`,
      {},
      null,
    );
    const d = res.data.ecoEstimate.data;
    expect(d.gpuCount.max).toBe(4);
    expect(d.energyWh.mid).toBeCloseTo(0.24113074, 7);
    expect(d.gco2e.mid).toBeCloseTo(0.0086373, 6);
  });

  it('ecoEstimate prices the output tokens of an endpoint, and names a bad field', async () => {
    const e = catalog.endpoints[0]!;
    const res = await a.gql(
      `{ ecoEstimate(input: { endpointId: "${e.id}", outputTokens: 1000000 }) { ... on QueryEcoEstimateSuccess { data { costUsd { min max } endpointIds } } } }`,
      {},
      null,
    );
    expect(res.data.ecoEstimate.data.costUsd.min).toBeCloseTo(e.outputPerMTokUsd, 9);
    expect(res.data.ecoEstimate.data.endpointIds).toEqual([e.id]);
    const bad = await a.gql(
      '{ ecoEstimate(input: { outputTokens: 10, pue: { min: 1.2, max: 1.1 }, activeParamsB: { min: 1, max: 1 }, totalParamsB: { min: 1, max: 1 }, gridGco2ePerKwh: 100 }) { __typename ... on InvalidInput { field message } } }',
      {},
      null,
    );
    expect(bad.data.ecoEstimate).toMatchObject({ __typename: 'InvalidInput', field: 'pue' });
  });

  it('serves the methodology with its limits, provider PUEs and grid sources', async () => {
    const res = await a.gql(
      '{ methodology { version limits { id text } constants { name value unit } providerPue { providerId pue { min max } } gridSources { source year basis regions } } }',
      {},
      null,
    );
    const m = res.data.methodology;
    expect(m.version).toBe('ecologits-5be90da');
    const limits = m.limits
      .map((l: any) => l.text)
      .join(' ')
      .toLowerCase();
    for (const word of ['training', 'embodied', 'annual', 'embedding']) expect(limits).toContain(word);
    expect(m.providerPue).toHaveLength(catalog.providers.length);
    expect(m.gridSources.reduce((n: number, g: any) => n + g.regions, 0)).toBe(catalog.regions.length);
  });
});
