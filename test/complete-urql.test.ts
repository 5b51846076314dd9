/** The `complete` mutation through @urql/core, as a BI tool or a small script would call it. */
import { testDrivers } from '@lowrouter/api/db/testing';
import { Client, fetchExchange, gql } from '@urql/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const COMPLETE = gql`
  mutation Complete($input: CompleteInput!, $route: RouteInput) {
    complete(input: $input, route: $route) {
      __typename
      ... on Completion {
        id model finishReason latencyMs createdAt
        message { content toolCalls { id name arguments } }
        usage { inputTokens outputTokens cachedInputTokens reasoningTokens costUsd upstreamCostUsd }
        eco { energyWh { min max mid } gco2e { min max mid } gco2ePer1kOutputTokens { mid } gridIntensityGco2ePerKwh gridSource region pue { min max } confidence methodology }
        route { model provider region country endpointId policy { kind } reason fallbackUsed attempts { endpointId provider region outcome errorKind latencyMs } }
      }
      ... on InsufficientCredits { balanceUsd requiredUsd error: message }
      ... on NoRouteAvailable { reasons }
      ... on InvalidRequest { field error: message }
      ... on UpstreamFailed { attempts { provider outcome errorKind } error: message }
      ... on RateLimited { retryAfterMs }
    }
  }
`;

describe.each(testDrivers())('complete over GraphQL with @urql/core on %s', (driver) => {
  let g: GatewayWithFakes;
  let client: Client;
  const urql = (key: string) =>
    new Client({
      url: `${g.url}/graphql`,
      exchanges: [fetchExchange],
      fetchOptions: { headers: { authorization: `Bearer ${key}` } },
    });

  beforeAll(async () => {
    g = await startGatewayWithFakes(driver);
    await g.grant('org_default', 10_000_000);
    client = urql(g.adminKey);
  });
  afterAll(() => g.close());

  it('returns a Completion with usage, cost, eco and route, recorded once', async () => {
    const res = await client
      .mutation(COMPLETE, {
        input: {
          model: 'openai/gpt-4o-mini',
          messages: [{ role: 'user', content: 'Say hi' }],
          maxTokens: 50,
        },
      })
      .toPromise();
    expect(res.error).toBeUndefined();
    const c = res.data.complete;
    expect(c.__typename).toBe('Completion');
    expect(c.message.content).toMatch(/\w/);
    expect(c.usage.costUsd).toBeGreaterThan(0);
    expect(c.eco).toMatchObject({ region: 'openai:us', methodology: 'ecologits-5be90da' });
    expect(c.route).toMatchObject({ provider: 'openai', region: 'openai:us', fallbackUsed: false });
    const rows = await g.gateway.db.exec('select surface, status from requests where id = $1', [c.id]);
    expect(rows).toEqual([{ surface: 'graphql', status: 'ok' }]);
  });

  it('takes a route override and explains the auto decision', async () => {
    const res = await client
      .mutation(COMPLETE, {
        input: {
          model: 'lowrouter/auto',
          messages: [{ role: 'user', content: 'Translate hello to Spanish' }],
        },
        route: { regions: ['EU'] },
      })
      .toPromise();
    const c = res.data.complete;
    expect(c.__typename).toBe('Completion');
    expect(c.route.provider).toBe('mistral');
    expect(c.route.reason).toMatch(/tier small/);
  });

  it('answers expected failures as typed union members', async () => {
    const invalid = await client
      .mutation(COMPLETE, { input: { model: 'openai/gpt-4o-mini', messages: [] } })
      .toPromise();
    expect(invalid.data.complete).toMatchObject({ __typename: 'InvalidRequest', field: 'messages' });

    const unknownRoute = await client
      .mutation(COMPLETE, {
        input: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] },
        route: { only: ['nobody'] },
      })
      .toPromise();
    expect(['InvalidRequest', 'NoRouteAvailable']).toContain(unknownRoute.data.complete.__typename);

    g.fakes.openai.setScenario('server-error');
    const failed = await client
      .mutation(COMPLETE, {
        input: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] },
      })
      .toPromise();
    g.fakes.openai.setScenario('synthetic');
    expect(failed.data.complete.__typename).toBe('UpstreamFailed');
    expect(failed.data.complete.attempts[0]).toMatchObject({
      provider: 'openai',
      outcome: 'error',
      errorKind: 'UPSTREAM',
    });

    const org = await g.gql(
      'mutation { createOrganization(name: "Empty") { ... on CreateOrganizationSuccess { organization { id } } } }',
    );
    const orgId = org.data.createOrganization.organization.id;
    const key = await g.gql(
      `mutation { createApiKey(orgId: "${orgId}", name: "k", scopes: [INFERENCE]) { ... on CreateApiKeySuccess { key } } }`,
    );
    const broke = await urql(key.data.createApiKey.key)
      .mutation(COMPLETE, {
        input: { model: 'openai/gpt-4o-mini', messages: [{ role: 'user', content: 'x' }] },
      })
      .toPromise();
    expect(broke.data.complete).toMatchObject({ __typename: 'InsufficientCredits', balanceUsd: 0 });
    expect(broke.data.complete.requiredUsd).toBeGreaterThan(0);
  });

  it('refuses a key without the inference scope', async () => {
    const key = await g.gql(
      'mutation { createApiKey(name: "reader", scopes: [READ]) { ... on CreateApiKeySuccess { key } } }',
    );
    const res = await urql(key.data.createApiKey.key)
      .mutation(
        gql`mutation { complete(input: { model: "openai/gpt-4o-mini", messages: [{ role: "user", content: "x" }] }) { __typename ... on Error { message } } }`,
        {},
      )
      .toPromise();
    expect(res.data.complete).toEqual({
      __typename: 'Forbidden',
      message: 'this needs the inference scope; the key has read',
    });
  });
});
