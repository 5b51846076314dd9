/**
 * Pushed invalidation across gateway processes. On PostgreSQL two gateways on one database, through PgBouncer in transaction mode when the suite has
 * one (CI always, test/helpers/multi-node-env.ts). Their caches trust an entry for 60 s while the
 * invalidation bus is connected (cluster/bus.ts), so only a pushed event explains a change seen
 * within a second on the node that did not make it:
 *  1. a key revoked through node A's API → node B answers 401;
 *  2. the organisation's default routing policy changed through node A → node B previews routes by it;
 *  3. a grid import (another process, as `lowrouter grid import`) → node B's /v1/models eco reflects it.
 * Each is repeated and the delays (from the writer's answer to node B's first changed answer, ms)
 * are printed; only the 1 s bound is asserted. Without the push (events ignored, the bus still up so
 * the 60 s TTLs hold) all three fail. On PGlite (one process per data directory) the key and policy
 * checks run against the one process, where the change is local.
 */
import { openDb } from '@lowrouter/api/db/client';
import { testDrivers } from '@lowrouter/api/db/testing';
import { applyGridImport, knownRegions, parseGridCsv } from '@lowrouter/api/eco/grid-import';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { multiNodeEnv } from './helpers/multi-node-env';
import { type PreparedDb, prepareDb } from './helpers/prepare-db';
import { type SpawnedGateway, spawnGateway } from './helpers/spawn-gateway';

const ROUNDS = 5;
const BOUND_MS = 1_000;
/** Give up polling after this long (the caches' safety-net TTL is 60 s, so this is well inside it). */
const GIVE_UP_MS = 15_000;

async function gql(url: string, key: string, query: string, variables: Record<string, unknown> = {}) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/** Polls `probe` until it returns true; the ms from `since` to that answer. */
async function delayUntil(since: number, probe: () => Promise<boolean>): Promise<number> {
  for (;;) {
    if (await probe()) return performance.now() - since;
    if (performance.now() - since > GIVE_UP_MS) return Number.POSITIVE_INFINITY;
    await new Promise((r) => setTimeout(r, 5));
  }
}

const summary = (label: string, ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const line = `${label}: median ${median.toFixed(1)} ms, max ${sorted.at(-1)!.toFixed(1)} ms over ${ms.length} (${sorted.map((m) => m.toFixed(0)).join(', ')})`;
  console.log(`[push-invalidation] ${line}`);
  return sorted.at(-1)!;
};

const VIEWER = '{ viewer { apiKey { id } } }';
const CREATE_KEY = `mutation { createApiKey(name: "pushed", scopes: [READ]) {
  ... on CreateApiKeySuccess { key apiKey { id } } ... on Error { message } } }`;
const REVOKE = 'mutation($id: ID!) { revokeApiKey(id: $id) { ... on Error { message } } }';
const CREATE_POLICY = `mutation($input: RoutingPolicyInput!) {
  createRoutingPolicy(input: $input, makeDefault: true) {
    __typename ... on RoutingPolicySuccess { policy { id summary } } ... on Error { message } } }`;
const PREVIEW = `{ routePreview(model: "lowrouter/auto") {
  ... on QueryRoutePreviewSuccess { data { policySummary } } ... on Error { message } } }`;

describe.each(testDrivers())('pushed invalidation across gateways on %s', (driver) => {
  let prepared: PreparedDb;
  let a: SpawnedGateway;
  let b: SpawnedGateway;
  let admin: string;

  beforeAll(async () => {
    prepared = await prepareDb(driver, 0);
    admin = prepared.adminKey;
    // One process per node: a node's answers all come from one cache, so a changed answer is news.
    const env = {
      ...prepared.env,
      ...(driver === 'postgres' ? multiNodeEnv(prepared.env.DATABASE_URL!) : {}),
      LOWROUTER_WORKERS: '1',
    };
    // PGlite serves a data directory from one process: there "node B" is node A (in-process).
    if (driver === 'postgres')
      [a, b] = await Promise.all([spawnGateway(env, 120_000), spawnGateway(env, 120_000)]);
    else b = a = await spawnGateway(env, 120_000);
  }, 240_000);
  afterAll(async () => {
    const gateways = [...new Set([a, b])];
    for (const g of gateways) if (g && g.child.exitCode === null) g.child.kill('SIGTERM');
    for (const g of gateways) if (g) await g.exited;
    await prepared?.drop();
  }, 60_000);

  it('a key revoked on node A is refused by node B within a second', async () => {
    const delays: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      const created = await gql(a.url, admin, CREATE_KEY);
      const { key, apiKey } = created.body.data.createApiKey;
      // Node B knows and caches the key.
      expect((await gql(b.url, key, VIEWER)).body.data.viewer.apiKey.id).toBe(apiKey.id);
      expect((await gql(b.url, key, VIEWER)).status).toBe(200);
      const revoked = await gql(a.url, admin, REVOKE, { id: apiKey.id });
      expect(revoked.body).toEqual({ data: { revokeApiKey: {} } });
      const t0 = performance.now();
      // Node A revoked it: refused there at once.
      expect((await gql(a.url, key, VIEWER)).status).toBe(401);
      delays.push(await delayUntil(t0, async () => (await gql(b.url, key, VIEWER)).status === 401));
    }
    expect(summary(`${driver}: key revocation → node B 401`, delays)).toBeLessThan(BOUND_MS);
  }, 120_000);

  it("a change of the organisation's default policy on node A routes on node B within a second", async () => {
    const delays: number[] = [];
    const preview = async (url: string) =>
      (await gql(url, admin, PREVIEW)).body.data.routePreview.data.policySummary as string;
    const policies = [
      { name: 'eu only', kind: 'prefer-low-carbon', allowedRegions: ['EU'] },
      { name: 'us only', kind: 'prefer-low-carbon', allowedRegions: ['US'] },
    ];
    for (let i = 0; i < ROUNDS; i++) {
      const before = await preview(b.url);
      expect(await preview(b.url)).toBe(before); // cached on node B
      const created = await gql(a.url, admin, CREATE_POLICY, { input: policies[i % 2] });
      expect(created.body.data.createRoutingPolicy.__typename).toBe('RoutingPolicySuccess');
      const t0 = performance.now();
      const after = await preview(a.url);
      expect(after).not.toBe(before);
      delays.push(await delayUntil(t0, async () => (await preview(b.url)) === after));
    }
    expect(summary(`${driver}: default policy change → node B preview`, delays)).toBeLessThan(BOUND_MS);
  }, 120_000);

  // On PGlite a grid import needs the data directory, which the running gateway owns.
  if (driver === 'postgres')
    it("a grid import reaches node B's eco figures within a second", async () => {
      const delays: number[] = [];
      const ecoMax = async (url: string) => {
        const res = await fetch(`${url}/v1/models/openai%2Fgpt-4o-mini`, {
          headers: { authorization: `Bearer ${admin}` },
        });
        const body = (await res.json()) as any;
        return body.lowrouter.eco.gco2e_per_1k_output_tokens.max as number;
      };
      // The importer is another process's connection, like `lowrouter grid import`; through PgBouncer too.
      const env = multiNodeEnv(prepared.env.DATABASE_URL!);
      const db = await openDb({
        databaseUrl: env.DATABASE_URL,
        directUrl: env.DATABASE_DIRECT_URL,
        prepare: env.LOWROUTER_PG_PREPARE !== 'false',
      });
      try {
        const known = await knownRegions(db.db);
        for (let i = 0; i < ROUNDS; i++) {
          const before = await ecoMax(b.url);
          const csv = [
            'region_id,gco2e_per_kwh,year,source,basis',
            ...[...known.regionIds].map((id) => `${id},${900 + 10 * i},2025,push test ${i},lifecycle`),
          ].join('\n');
          const { lines, problems } = parseGridCsv(csv, known);
          expect(problems).toEqual([]);
          await applyGridImport(db.db, lines, { fileName: `push-${i}.csv` });
          const t0 = performance.now();
          delays.push(await delayUntil(t0, async () => (await ecoMax(b.url)) !== before));
        }
      } finally {
        await db.close();
      }
      expect(summary('grid import → node B eco', delays)).toBeLessThan(BOUND_MS);
    }, 120_000);
});
