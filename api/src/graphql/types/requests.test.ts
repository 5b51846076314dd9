import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestOrg, createOrgWithKeys, randomRequests, recordAll } from '../../analytics/test-helpers';
import { type TestDb, openTestDb, testDrivers } from '../../db/testing';
import { type TestApp, createTestApp } from '../../test-helpers';

const PAGE = `query($filter: RequestFilter, $first: Int, $after: String) {
  requests(filter: $filter, first: $first, after: $after) {
    edges { cursor node { id createdAt status } }
    pageInfo { hasNextPage endCursor }
  }
}`;

const FULL = `query($filter: RequestFilter) {
  requests(filter: $filter, first: 1) {
    nodes {
      id createdAt status errorKind finishReason requestedModel model provider region country endpointId
      apiKeyId surface stream
      usage { inputTokens outputTokens cachedInputTokens cacheWriteTokens reasoningTokens tokensEstimated }
      costUsd upstreamCostUsd latencyMs upstreamLatencyMs
      eco { energyWh { min max mid } gco2e { min max } gridGco2ePerKwh gridSource
            pue { min max } activeParams { min max } totalParams { min max } confidence methodologyVersion }
      route { model provider region country endpointId reason fallbackUsed
              policy { id name kind } attempts { endpointId outcome errorKind latencyMs } excluded { endpointId } }
      fallbackUsed
    }
  }
}`;

describe.each(testDrivers())('requests connection on %s', (driver) => {
  let t: TestDb;
  let a: TestApp;
  let A: TestOrg;
  let B: TestOrg;

  beforeAll(async () => {
    t = await openTestDb(driver);
    a = await createTestApp(t);
    A = await createOrgWithKeys(a, 'Org A');
    B = await createOrgWithKeys(a, 'Org B');
    const start = new Date('2026-03-01T00:00:00Z');
    await recordAll(t.handle.db, [
      ...randomRequests({ orgId: A.orgId, apiKeyIds: [A.readKeyId], count: 130, start, days: 20, seed: 7 }),
      ...randomRequests({ orgId: B.orgId, apiKeyIds: [B.readKeyId], count: 40, start, days: 20, seed: 8 }),
    ]);
    // Rows in the same millisecond, apart only by microseconds: a ms-precise cursor would skip some.
    for (const [i, us] of ['100', '200', '300'].entries()) {
      await t.handle.exec(
        `insert into requests (id, created_at, org_id, api_key_id, surface, stream, status, requested_model, latency_ms, route)
         values ($1, $2::timestamptz, $3, $4, 'rest', false, 'ok', 'm', 5, '{}')`,
        [`req_us_${i}`, `2026-03-10T12:00:00.000${us}Z`, A.orgId, A.readKeyId],
      );
    }
  });
  afterAll(() => t.cleanup());

  async function all(key: string, filter: Record<string, unknown> = {}, first = 37) {
    const ids: string[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 100; pages++) {
      const res: any = await a.gql(PAGE, { filter, first, after }, key);
      expect(res.errors).toBeUndefined();
      const conn = res.data.requests;
      ids.push(...conn.edges.map((e: any) => e.node.id));
      if (!conn.pageInfo.hasNextPage) return ids;
      after = conn.pageInfo.endCursor;
    }
    throw new Error('too many pages');
  }

  it('pages through every row newest first, without gaps or repeats, down to the microsecond', async () => {
    const ids = await all(A.readKey);
    const expected = await t.handle.exec(
      'select id from requests where org_id = $1 order by created_at desc, id desc',
      [A.orgId],
    );
    expect(ids).toEqual(expected.map((r) => r.id));
    expect(ids).toHaveLength(133);
    expect(ids.filter((id) => id.startsWith('req_us_'))).toEqual(['req_us_2', 'req_us_1', 'req_us_0']);
    const oneByOne = await all(
      A.readKey,
      { from: '2026-03-10T12:00:00Z', to: '2026-03-10T12:00:00.001Z' },
      1,
    );
    expect(oneByOne).toEqual(['req_us_2', 'req_us_1', 'req_us_0']);
  });

  it('filters by status, model, provider, country, key and time, like SQL over the rows', async () => {
    const errors = await all(A.readKey, { status: 'ERROR' });
    const expErrors = await t.handle.exec(
      `select id from requests where org_id = $1 and status <> 'ok' order by created_at desc, id desc`,
      [A.orgId],
    );
    expect(errors).toEqual(expErrors.map((r) => r.id));
    expect(errors.length).toBeGreaterThan(0);
    const filter = {
      models: ['gpt-4o-mini', 'claude-haiku'],
      providers: ['scaleway', 'ovh', 'aws'],
      countries: ['FR'],
      apiKeys: [A.readKeyId],
      status: 'OK',
      from: '2026-03-03T00:00:00Z',
      to: '2026-03-15T06:30:00Z',
    };
    const some = await all(A.readKey, filter, 5);
    const exp = await t.handle.exec(
      `select id from requests where org_id = $1 and model_id in ('gpt-4o-mini', 'claude-haiku')
         and provider_id in ('scaleway', 'ovh', 'aws') and country = 'FR' and api_key_id = $2 and status = 'ok'
         and created_at >= '2026-03-03T00:00:00Z' and created_at < '2026-03-15T06:30:00Z'
       order by created_at desc, id desc`,
      [A.orgId, A.readKeyId],
    );
    expect(some).toEqual(exp.map((r) => r.id));
  });

  it('a node carries usage, cost in USD, the eco estimate with its inputs, and the route with its policy', async () => {
    const res = await a.gql(FULL, { filter: { status: 'OK', models: ['llama-70b'] } }, A.readKey);
    const node = res.data.requests.nodes[0];
    const [row] = await t.handle.exec('select * from requests where id = $1', [node.id]);
    expect(node.costUsd).toBe(Number(row!.charge_micro) / 1e6);
    expect(node.usage.outputTokens).toBe(row!.output_tokens);
    expect(node.eco.energyWh.min).toBe(row!.energy_wh_min);
    expect(node.eco.energyWh.mid).toBe(((row!.energy_wh_min as number) + (row!.energy_wh_max as number)) / 2);
    expect(node.eco.pue).toEqual({ min: 1.1, max: 1.3 });
    expect(node.eco).not.toHaveProperty('gco2eEmbodied');
    expect(node.status).toBe('OK');
    expect(['REST', 'GRAPHQL']).toContain(node.surface);
    // The stored block was { reason, attempts, policy: null }: the rest comes from the row's columns.
    expect(node.route).toEqual({
      model: row!.model_id,
      provider: row!.provider_id,
      region: row!.region_id,
      country: row!.country,
      endpointId: row!.endpoint_id,
      reason: 'test',
      fallbackUsed: row!.fallback_used,
      policy: null,
      attempts: [],
      excluded: [],
    });
    expect(Object.keys(node).sort()).toMatchInlineSnapshot(`
      [
        "apiKeyId",
        "costUsd",
        "country",
        "createdAt",
        "eco",
        "endpointId",
        "errorKind",
        "fallbackUsed",
        "finishReason",
        "id",
        "latencyMs",
        "model",
        "provider",
        "region",
        "requestedModel",
        "route",
        "status",
        "stream",
        "surface",
        "upstreamCostUsd",
        "upstreamLatencyMs",
        "usage",
      ]
    `);
    const failed = await a.gql(FULL, { filter: { status: 'ERROR' } }, A.readKey);
    const f = failed.data.requests.nodes[0];
    if (f.model === null) expect(f.eco).toBeNull();
  });

  it('types the closed sets: status, errorKind and surface are enums, and route is a Route even for a refused request', async () => {
    const C = await createOrgWithKeys(a, 'Org C');
    await t.handle.exec(
      `insert into requests (id, created_at, org_id, api_key_id, surface, stream, status, error_kind, requested_model, latency_ms, route)
       values ('req_refused', '2026-02-01T00:00:00Z', $1, $2, 'graphql', false, 'error', 'insufficient_credits', 'm', 1, '{}'),
              ('req_future', '2026-02-01T00:00:01Z', $1, $2, 'rest', true, 'client_disconnected', 'kind_from_a_newer_version', 'm', 1,
               '{"reason":"r","attempts":[{"endpointId":"e","provider":"p","region":"x","outcome":"error","errorKind":"timeout","latencyMs":3}]}')`,
      [C.orgId, C.readKeyId],
    );
    const res = await a.gql(
      `query($f: RequestFilter) { requests(filter: $f, first: 10) { nodes { id status errorKind surface stream
          route { reason policy { id } attempts { errorKind latencyMs } excluded { endpointId } fallbackUsed } } } }`,
      { f: { to: '2026-02-02T00:00:00Z' } },
      C.readKey,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.requests.nodes).toEqual([
      {
        id: 'req_future',
        status: 'CLIENT_DISCONNECTED',
        errorKind: 'OTHER',
        surface: 'REST',
        stream: true,
        route: {
          reason: 'r',
          policy: null,
          attempts: [{ errorKind: 'TIMEOUT', latencyMs: 3 }],
          excluded: [],
          fallbackUsed: false,
        },
      },
      {
        id: 'req_refused',
        status: 'ERROR',
        errorKind: 'INSUFFICIENT_CREDITS',
        surface: 'GRAPHQL',
        stream: false,
        route: { reason: null, policy: null, attempts: [], excluded: [], fallbackUsed: false },
      },
    ]);
  });

  it('page size defaults to 50, at most 200, and a wrong size or cursor gets a clear error', async () => {
    const def = await a.gql(PAGE, {}, A.readKey);
    expect(def.data.requests.edges).toHaveLength(50);
    for (const first of [0, 201]) {
      const res = await a.gql(PAGE, { first }, A.readKey);
      // The query-limits plugin answers before the resolver: it names the field and the way out.
      expect(res.errors?.[0]?.message).toBe(
        `requests(first: ${first}): first must be between 1 and 200 (default 50); page with \`after\` instead`,
      );
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    }
    const bad = await a.gql(PAGE, { after: 'not-a-cursor' }, A.readKey);
    expect(bad.errors?.[0]?.message).toMatch(/after is not a cursor of this requests connection/);
    const ledgerCursor = Buffer.from(JSON.stringify(['ledger', 5])).toString('base64url');
    const wrong = await a.gql(PAGE, { after: ledgerCursor }, A.readKey);
    expect(wrong.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it("isolation: a key of organisation B sees nothing of A's requests, and cannot name A", async () => {
    const ids = await all(B.readKey, {}, 200);
    expect(ids).toHaveLength(40);
    const [{ n }] = (await t.handle.exec(
      'select count(*)::int as n from requests where org_id = $1 and id = any($2)',
      [B.orgId, ids],
    )) as [{ n: number }];
    expect(n).toBe(40);
    // A cursor of A's rows and A's key id still only reach B's rows.
    const aPage = await a.gql(PAGE, { first: 1 }, A.readKey);
    const viaCursor = await all(B.readKey, { apiKeys: [A.readKeyId] }, 10);
    expect(viaCursor).toEqual([]);
    const afterA = await a.gql(
      PAGE,
      { after: aPage.data.requests.pageInfo.endCursor, first: 200 },
      B.readKey,
    );
    for (const e of afterA.data.requests.edges) expect(ids).toContain(e.node.id);
    const cross = await a.gql(PAGE, { filter: { orgId: A.orgId } }, B.adminKey);
    expect(cross.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(cross.data).toBeNull();
    const admin = await all(a.adminKey, { orgId: A.orgId }, 200);
    expect(admin).toHaveLength(133);
  });
});
