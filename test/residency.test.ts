/**
 * Residency with provenance through the real server and the official SDK: a US-restricted request is
 * never served by a region whose location is only assumed (anthropic:global, openai:us) unless the
 * request chooses `residency: lenient`; the route block, the request row and the GraphQL request list
 * say how the serving region's location is known; bad residency values are refused with a message.
 */
import { testDrivers } from '@lowrouter/api/db/testing';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const CREATE = `mutation($input: RoutingPolicyInput!, $makeDefault: Boolean) {
  createRoutingPolicy(input: $input, makeDefault: $makeDefault) {
    __typename ... on RoutingPolicySuccess { policy { id summary } } ... on Error { message } } }`;
const COMPLETE = `mutation($route: RouteInput) {
  complete(input: { model: "anthropic/claude-sonnet-4-5", messages: [{ role: "user", content: "hi" }] }, route: $route) {
    __typename
    ... on Completion { route { region country locationBasis } }
    ... on Error { error: message } } }`;

describe.each(testDrivers())('residency with provenance on %s', (driver) => {
  let g: GatewayWithFakes;
  let client: OpenAI;
  const ask = (body: Record<string, unknown>) =>
    client.chat.completions.create({
      model: 'anthropic/claude-sonnet-4-5',
      messages: [{ role: 'user', content: 'hi' }],
      ...body,
    } as any) as Promise<any>;
  const row = async (id: string) =>
    (await g.gateway.db.exec('select region_id, location_basis from requests where id = $1', [id]))[0];

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
    // Synthetic mode speaks the OpenAI and Mistral wire only; the Anthropic fake answers a recording.
    g.fakes.anthropic.setScenario({});
  });

  it('a US-restricted request is not served by anthropic:global under strict residency (the default)', async () => {
    // Without a constraint the request goes to anthropic:global, whose location is only assumed.
    const free = await ask({});
    expect(free.route).toMatchObject({ region: 'anthropic:global', locationBasis: 'assumed' });

    const err = await ask({ route: { regions: ['US'] } }).catch((e) => e);
    expect(err.status).toBe(503);
    expect(err.message).toMatch(/location only assumed/);
    expect(g.fakes.anthropic.requests).toHaveLength(1);

    const strictGql = await g.gql(COMPLETE, { route: { regions: ['US'] } });
    expect(strictGql.data.complete.__typename).toBe('NoRouteAvailable');
    expect(strictGql.data.complete.error).toMatch(/location only assumed/);
    expect(g.fakes.anthropic.requests).toHaveLength(1);
  });

  it('lenient must be chosen explicitly; the route block and the request row then say the location is assumed', async () => {
    const res = await ask({ route: { regions: ['US'], residency: 'lenient' } });
    expect(res.route).toMatchObject({ region: 'anthropic:global', country: 'US', locationBasis: 'assumed' });
    expect(await row(res.id)).toEqual({ region_id: 'anthropic:global', location_basis: 'assumed' });

    const gql = await g.gql(COMPLETE, { route: { regions: ['US'], residency: 'lenient' } });
    expect(gql.data.complete).toEqual({
      __typename: 'Completion',
      route: { region: 'anthropic:global', country: 'US', locationBasis: 'assumed' },
    });

    const list = await g.gql('{ requests(first: 1) { edges { node { id region locationBasis } } } }');
    expect(list.data.requests.edges[0].node).toMatchObject({
      region: 'anthropic:global',
      locationBasis: 'assumed',
    });
  });

  it('a documented region says so: Mistral EU cites its regional-inference page', async () => {
    const res = await ask({ model: 'mistral/mistral-small-2506', route: { regions: ['EU'] } });
    expect(res.route).toMatchObject({ region: 'mistral:eu', locationBasis: 'documented' });
    expect(await row(res.id)).toEqual({ region_id: 'mistral:eu', location_basis: 'documented' });
    const region = await g.gql('{ region(id: "mistral:eu") { locationConfidence locationSource } }');
    expect(region.data.region).toEqual({
      locationConfidence: 'documented',
      locationSource: 'https://docs.mistral.ai/studio-api/regional-inference',
    });
  });

  it("one meaning per label: route reasons cite the reference request, eco names this request's per-1k figure, no embodied carbon", async () => {
    const res = await ask({ model: 'mistral/mistral-small-2506', route: { regions: ['EU'] } });
    expect(res.route.reason).toMatch(/gCO2e per 1,000 output tokens, reference request of 400 tokens/);
    const { gco2e, gco2ePer1kOutputTokensThisRequest, gco2ePer1kOutputTokens } = res.eco;
    const perThis = (g: number) => (g * 1000) / res.eco.outputTokens;
    expect(gco2ePer1kOutputTokensThisRequest.min).toBeCloseTo(perThis(gco2e.min), 12);
    expect(gco2ePer1kOutputTokensThisRequest.max).toBeCloseTo(perThis(gco2e.max), 12);
    expect(gco2ePer1kOutputTokens).toEqual(gco2ePer1kOutputTokensThisRequest);
    expect(JSON.stringify(res)).not.toMatch(/mbodied/);

    const csv = await fetch(`${g.url}/export/requests.csv`, {
      headers: { authorization: `Bearer ${g.adminKey}` },
    }).then((r) => r.text());
    expect(csv.split('\r\n')[0]).not.toMatch(/embodied/);

    const fields =
      await g.gql(`{ a: __type(name: "Eco") { fields(includeDeprecated: true) { name isDeprecated } }
      b: __type(name: "EcoPer1k") { fields { name } } c: __type(name: "EcoEstimate") { fields { name } } }`);
    const eco = fields.data.a.fields;
    expect(eco.find((f: any) => f.name === 'gco2ePer1kOutputTokens').isDeprecated).toBe(true);
    expect(eco.find((f: any) => f.name === 'gco2ePer1kOutputTokensThisRequest').isDeprecated).toBe(false);
    expect(JSON.stringify(fields.data)).not.toMatch(/mbodied/);
  });

  it('refuses bad residency values with a message that says what to fix', async () => {
    const unknown = await ask({ route: { regions: ['US'], residency: 'loose' } }).catch((e) => e);
    expect(unknown.status).toBe(400);
    expect(unknown.message).toMatch(/route\.residency: Invalid option: expected one of "strict"\|"lenient"/);

    const alone = await ask({ route: { residency: 'lenient' } }).catch((e) => e);
    expect(alone.status).toBe(400);
    expect(alone.message).toMatch(/lenient relaxes only the request's own regions: add route\.regions/);

    const gql = await g.gql(COMPLETE, { route: { residency: 'lenient' } });
    expect(gql.data.complete.__typename).toBe('InvalidRequest');
    expect(gql.data.complete.error).toMatch(/add route\.regions/);

    const policy = await g.gql(CREATE, { input: { name: 'x', kind: 'auto', residency: 'lenient' } });
    expect(policy.data.createRoutingPolicy.message).toMatch(
      /residency \(strict or lenient\) applies to allowedRegions/,
    );
  });

  it("an organisation's lenient policy is explicit, shown in its summary, and a request cannot relax a strict one", async () => {
    const strict = await g.gql(CREATE, {
      input: { name: 'us strict', kind: 'auto', allowedRegions: ['US'] },
      makeDefault: true,
    });
    expect(strict.data.createRoutingPolicy.policy.summary).toMatch(
      /US \(strict: documented locations only\)/,
    );
    const relaxed = await ask({ route: { regions: ['US'], residency: 'lenient' } }).catch((e) => e);
    expect(relaxed.status).toBe(503);
    expect(relaxed.message).toMatch(/organisation's strict residency US/);

    const lenient = await g.gql(CREATE, {
      input: { name: 'us lenient', kind: 'auto', allowedRegions: ['US'], residency: 'lenient' },
      makeDefault: true,
    });
    expect(lenient.data.createRoutingPolicy.policy.summary).toMatch(/lenient: assumed locations accepted/);
    const res = await ask({});
    expect(res.route).toMatchObject({ region: 'anthropic:global', locationBasis: 'assumed' });
  });
});
