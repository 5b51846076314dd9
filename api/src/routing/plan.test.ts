import { loadCatalog } from '@lowrouter/data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDb, type TestDb } from '../db/testing';
import { seedCatalog } from '../db/seed';
import { loadRoutingTables, type RoutingTables } from './routing-tables';
import { resolveCredentials } from '../providers/credentials';
import { planRoute, type PlanInput } from './plan';
import { RoutingPolicySpec } from './policy';

let t: TestDb;
let tables: RoutingTables;

beforeAll(async () => {
  t = await openTestDb('pglite');
  const catalog = loadCatalog();
  await seedCatalog(t.handle.db, catalog);
  // Credentials for the four first-party providers, as an operator with those keys would have.
  const env = {
    OPENAI_API_KEY: 'sk-test',
    ANTHROPIC_API_KEY: 'sk-ant-test',
    MISTRAL_API_KEY: 'm-test',
    GEMINI_API_KEY: 'g-test',
  };
  tables = await loadRoutingTables(t.handle.db, resolveCredentials(env, catalog.providers));
});
afterAll(() => t.cleanup());

const input = (request: Partial<PlanInput['request']>, spec: object = { kind: 'auto' }): PlanInput => ({
  tables,
  spec: RoutingPolicySpec.parse(spec),
  request: { model: 'lowrouter/auto', messages: [{ role: 'user', content: 'Say hello' }], ...request },
  health: () => 'closed',
  config: { highIntensityThreshold: 500 },
  random: () => 0.5,
});

describe('planRoute', () => {
  it('refuses an unknown model as a 404 on the model field', () => {
    expect(planRoute(input({ model: 'nope/nothing' }))).toMatchObject({
      ok: false,
      refusal: { field: 'model', status: 404 },
    });
  });

  it('refuses an unknown or auto entry in models', () => {
    for (const bad of [['nope/nothing'], ['lowrouter/auto'], [42]]) {
      expect(planRoute(input({ model: 'openai/gpt-4o-mini', models: bad }))).toMatchObject({
        ok: false,
        refusal: { field: 'models', status: 400 },
      });
    }
  });

  it("refuses max_tokens above the model's output limit, naming both", () => {
    const r = planRoute(input({ model: 'openai/gpt-4o-mini', maxTokens: 10_000_000 }));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.refusal.message).toMatch(/gpt-4o-mini generates at most \d+ output tokens/);
  });

  it('refuses a route override that widens the residency of the policy', () => {
    const r = planRoute({
      ...input({}, { kind: 'auto', constraints: { allowedRegions: ['EU'] } }),
      override: { regions: ['US'] },
    });
    expect(r).toMatchObject({ ok: false, refusal: { field: 'route', status: 400 } });
  });

  it('resolves an alias, and falls back to the models named after it', () => {
    const r = planRoute(input({ model: 'gpt-4o-mini', models: ['mistral/mistral-small-2506'] }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.modelId).toBe('openai/gpt-4o-mini');
    const models = [...new Set(r.plan.rank.attempts.map((a) => a.modelId))];
    expect(models[0]).toBe('openai/gpt-4o-mini');
    expect(models).toContain(r.plan.fallbacks[0]);
  });

  it('auto classifies the request and ranks within the models it was given', () => {
    const r = planRoute(input({ models: ['openai/gpt-4o-mini'] }));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.plan.classification.tier).toBe('small');
    expect(new Set(r.plan.rank.attempts.map((a) => a.modelId))).toEqual(new Set(['openai/gpt-4o-mini']));
  });
});
