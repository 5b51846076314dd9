/**
 * Routing as operators use it: policies over GraphQL (validated, audited), the preview, the route of
 * real requests through fake upstreams, residency under fallback, endpoint health, and grid imports
 * that change estimates for new requests only.
 */
import { applyGridImport } from '@lowrouter/api/eco/grid-import';
import { testDrivers } from '@lowrouter/api/db/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const CREATE = `mutation($input: RoutingPolicyInput!, $makeDefault: Boolean) {
  createRoutingPolicy(input: $input, makeDefault: $makeDefault) {
    __typename ... on RoutingPolicySuccess { policy { id kind isDefault summary } } ... on Error { message } ... on InvalidInput { field } } }`;
const PREVIEW = `query($model: String!, $route: RouteInput, $policy: RoutingPolicyInput) {
  routePreview(model: $model, route: $route, policy: $policy) {
    __typename ... on QueryRoutePreviewSuccess { data { candidates { endpointId region country reasons } excluded { endpointId reason } tier signals policySummary noRoute } }
    ... on Error { message } } }`;

describe.each(testDrivers())('routing policies on %s', (driver) => {
  let g: GatewayWithFakes;
  let client: OpenAI;
  const ask = (body: Record<string, unknown>) =>
    client.chat.completions.create({
      model: 'lowrouter/auto',
      messages: [{ role: 'user', content: 'Translate "good morning" to French' }],
      ...body,
    } as any) as Promise<any>;

  beforeAll(async () => {
    g = await startGatewayWithFakes(driver);
    await g.grant('org_default', 50_000_000);
    client = new OpenAI({ apiKey: g.adminKey, baseURL: `${g.url}/v1`, maxRetries: 0 });
  });
  afterAll(() => g.close());
  beforeEach(() => {
    for (const f of Object.values(g.fakes)) {
      f.reset();
      f.setScenario('synthetic');
    }
  });

  it('refuses an invalid policy with a message that says why', async () => {
    const outside = await g.gql(CREATE, {
      input: { name: 'bad', kind: 'fixed-provider', fixedProviderId: 'openai', allowedRegions: ['EU'] },
    });
    expect(outside.data.createRoutingPolicy.__typename).toBe('InvalidInput');
    expect(outside.data.createRoutingPolicy.message).toMatch(/openai/);
    expect(outside.data.createRoutingPolicy.message).toMatch(/EU/);
    const unknown = await g.gql(CREATE, {
      input: { name: 'bad', kind: 'prefer-region', preferRegions: ['Atlantis'] },
    });
    expect(unknown.data.createRoutingPolicy.__typename).toBe('InvalidInput');
    expect(unknown.data.createRoutingPolicy.message).toMatch(/Atlantis/);
  });

  it('an EU residency policy made default routes auto requests in the EU, and the preview says so first', async () => {
    const preview = await g.gql(PREVIEW, {
      model: 'lowrouter/auto',
      policy: { name: 'eu', kind: 'prefer-low-carbon', allowedRegions: ['EU'] },
    });
    const data = preview.data.routePreview.data;
    expect(data.candidates.length).toBeGreaterThan(0);
    for (const c of data.candidates)
      expect(['EU', 'FR', 'DE', 'SE', 'NL', 'IE', 'IT', 'ES', 'PL', 'FI', 'BE', 'AT']).toContain(c.country);
    expect(data.excluded.some((e: any) => /residency|outside/i.test(e.reason))).toBe(true);
    expect(data.tier).toBe('small');

    const created = await g.gql(CREATE, {
      input: { name: 'eu only', kind: 'prefer-low-carbon', allowedRegions: ['EU'] },
      makeDefault: true,
    });
    expect(created.data.createRoutingPolicy.policy).toMatchObject({
      kind: 'prefer-low-carbon',
      isDefault: true,
    });
    const policyId = created.data.createRoutingPolicy.policy.id;
    const res = await ask({});
    expect(res.route.policy).toMatchObject({ id: policyId, kind: 'prefer-low-carbon' });
    expect(res.route.provider).toBe('mistral');
    expect(res.route.reason).toMatch(/tier small/);
    expect(data.candidates[0].endpointId).toBe(res.route.endpointId);

    const audit = await g.gateway.db.exec('select action from audit_log where target_id = $1', [policyId]);
    expect(audit.map((a) => a.action)).toEqual(['routingPolicy.create']);
  });

  it('never breaks residency to fall back: an EU outage fails rather than leave the EU', async () => {
    g.fakes.mistral.setScenario('unavailable');
    const err = await ask({}).catch((e) => e);
    expect(err.status).toBe(502);
    for (const a of err.error.attempts) expect(a.provider).toBe('mistral');
    expect(g.fakes.openai.requests).toHaveLength(0);
    expect(g.fakes.anthropic.requests).toHaveLength(0);
  });

  it('lets a request narrow the route but refuses one that tries to leave the residency set', async () => {
    const err = await ask({ route: { regions: ['US'] } }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(err.message).toMatch(/US/);
  });

  it('previews with the same checks as a request: unknown models and max_tokens are refused alike', async () => {
    const q = `query($model: String!, $models: [String!], $maxTokens: Int) {
      routePreview(model: $model, models: $models, maxTokens: $maxTokens) {
        __typename ... on InvalidInput { field message } ... on QueryRoutePreviewSuccess { data { candidates { model } } } } }`;
    const bad = await g.gql(q, { model: 'openai/gpt-4o-mini', models: ['no/such-model'] });
    expect(bad.data.routePreview).toMatchObject({ __typename: 'InvalidInput', field: 'models' });
    await expect(ask({ model: 'openai/gpt-4o-mini', models: ['no/such-model'] })).rejects.toMatchObject({
      status: 400,
    });
    const tooMany = await g.gql(q, { model: 'openai/gpt-4o-mini', maxTokens: 10_000_000 });
    expect(tooMany.data.routePreview).toMatchObject({ __typename: 'InvalidInput', field: 'max_tokens' });
    const fallbacks = await g.gql(q, { model: 'openai/gpt-4o-mini', models: ['mistral/mistral-small-2506'] });
    const models = fallbacks.data.routePreview.data.candidates.map((c: { model: string }) => c.model);
    // Only the named model and its fallback (earlier tests may have opened the first one's circuits).
    expect(models).toContain('mistral/mistral-small-2506');
    for (const m of models) expect(['openai/gpt-4o-mini', 'mistral/mistral-small-2506']).toContain(m);
  });

  it('shows endpoint health after failures', async () => {
    g.fakes.mistral.setScenario('server-error');
    for (let i = 0; i < 6; i++) await ask({}).catch(() => {});
    const res = await g.gql(
      '{ endpoints(filter: { provider: "mistral" }) { id health { state failures consecutiveFailures openReason } } }',
    );
    const hurt = res.data.endpoints.find((e: any) => e.health.failures > 0);
    expect(hurt.health.consecutiveFailures).toBeGreaterThanOrEqual(5);
    expect(hurt.health.state).toBe('OPEN');
    expect(hurt.health.openReason).toMatch(/consecutive/);
  });

  it('deletes a policy, audited; requests fall back to the built-in auto policy', async () => {
    const list = await g.gql('{ routingPolicies { id isDefault } }');
    const def = list.data.routingPolicies.find((p: any) => p.isDefault);
    const del = await g.gql(
      `mutation { deleteRoutingPolicy(id: "${def.id}") { __typename ... on DeleteRoutingPolicySuccess { id } } }`,
    );
    expect(del.data.deleteRoutingPolicy.id).toBe(def.id);
    const res = (await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    })) as any;
    expect(res.route.policy).toMatchObject({ id: null, kind: 'auto' });
  });

  it('a grid import changes the estimate of new requests only', async () => {
    const q = (id: string) =>
      g.gateway.db.exec(
        'select grid_gco2e_per_kwh, gco2e_min, gco2e_max, grid_source from requests where id = $1',
        [id],
      );
    const before = (await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    })) as any;
    const [rowBefore] = await q(before.id);
    expect(rowBefore!.grid_gco2e_per_kwh).toBe(before.eco.gridIntensityGco2ePerKwh);

    await applyGridImport(
      g.gateway.db.db,
      [
        {
          line: 2,
          regionId: 'openai:us',
          gco2ePerKwh: 123,
          year: 2025,
          source: 'Operator licence (test)',
          basis: 'direct',
        },
      ],
      { fileName: 'test.csv' },
    );
    // Gateways notice a new grid version within their refresh interval (2 s).
    await new Promise((r) => setTimeout(r, 2_500));
    await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    });
    const after = (await client.chat.completions.create({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'hi' }],
    })) as any;
    expect(after.eco.gridIntensityGco2ePerKwh).toBe(123);
    expect(after.eco.gridSource).toMatch(/Operator licence/);
    expect(await q(before.id)).toEqual([rowBefore]);
    const [rowAfter] = await q(after.id);
    expect(rowAfter!.grid_gco2e_per_kwh).toBe(123);
  });
});
