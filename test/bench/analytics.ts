/**
 * Analytics at scale: seeds request rows and their daily rollup straight in SQL (generate_series, then
 * INSERT … SELECT … GROUP BY, the same sums record.ts writes), then times the GraphQL queries the
 * dashboard sends, through the in-process app (auth, yoga, resolvers, SQL).
 *
 * Data: 90 days, 200 keys in 20 organisations (10 keys each), 30 models, 60 regions of 12 providers.
 * Each key uses 4 models, each model is served from 3 regions; 92 % ok, 6 % error, 2 % disconnects.
 * Rows are spread uniformly, so one organisation holds 1/20 of them.
 *
 * Postgres: a throwaway database next to BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres),
 * dropped afterwards. PGlite: in memory. Arguments: --rows=N (default 1,000,000), --pglite-rows=N
 * (default the same; 0 skips PGlite), --runs=N (default 50), --skip-postgres, --keep (keep the Postgres
 * database and print its URL, to EXPLAIN the queries).
 */
import { randomBytes } from 'node:crypto';
import { ensurePartitions } from '@lowrouter/api/analytics/partitions';
import { type DbHandle, openDb } from '@lowrouter/api/db/client';
import { runMigrations } from '@lowrouter/api/db/migrate';
import { type TestApp, createTestApp } from '@lowrouter/api/test-helpers';

const ORGS = 20;
const KEYS_PER_ORG = 10;
const DAY_MS = 86_400_000;

function arg(args: string[], name: string, def: number): number {
  const hit = args.find((a) => a.startsWith(`--${name}=`));
  return hit ? Number(hit.split('=')[1]) : def;
}

const say = (s: string) => process.stdout.write(`${s}\n`);

/** Organisations and keys through the real mutations; returns every key and one read key per org. */
async function createTenants(a: TestApp) {
  const keys: { id: string; orgId: string }[] = [];
  const readKeys: { orgId: string; key: string }[] = [];
  for (let o = 0; o < ORGS; o++) {
    const org = await a.gql(
      'mutation($n: String!) { createOrganization(name: $n) { ... on CreateOrganizationSuccess { organization { id } } } }',
      {
        n: `bench org ${o}`,
      },
    );
    const orgId = org.data.createOrganization.organization.id as string;
    for (let k = 0; k < KEYS_PER_ORG; k++) {
      const res = await a.gql(
        'mutation($o: ID, $n: String!) { createApiKey(orgId: $o, name: $n, scopes: [READ, INFERENCE]) { ... on CreateApiKeySuccess { key apiKey { id } } } }',
        { o: orgId, n: `key ${k}` },
      );
      keys.push({ id: res.data.createApiKey.apiKey.id, orgId });
      if (k === 0) readKeys.push({ orgId, key: res.data.createApiKey.key });
    }
  }
  return { keys, readKeys };
}

/** Deterministic pseudo-random integer in [0, n) for row i and salt s. */
const h = (s: number, n: number) => `(abs(hashint4(i * 31 + ${s})) % ${n})`;

async function seed(
  handle: DbHandle,
  keys: { id: string; orgId: string }[],
  rows: number,
  now: Date,
): Promise<void> {
  // One statement per batch keeps PGlite's memory in check; Postgres does not mind either way.
  const batch = 250_000;
  for (let start = 1; start <= rows; start += batch) {
    const end = Math.min(rows, start + batch - 1);
    await handle.exec(
      `insert into requests (id, created_at, org_id, api_key_id, surface, stream, status, error_kind, finish_reason,
         requested_model, policy_id, policy_kind, model_id, provider_id, region_id, endpoint_id, country,
         input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, latency_ms, upstream_latency_ms,
         upstream_cost_micro, charge_micro, energy_wh_min, energy_wh_max, gco2e_min, gco2e_max,
         grid_gco2e_per_kwh, grid_source, pue_min, pue_max, eco_confidence, methodology_version, route, fallback_used)
       select 'req_b' || i, created_at, org_id, api_key_id, case when i % 3 = 0 then 'graphql' else 'rest' end, i % 2 = 0,
         status, case when status = 'error' then 'upstream_5xx' end, case when status = 'ok' then 'stop' end,
         'model-' || lpad(m::text, 2, '0'), 'pol_' || (k % 5), 'balanced',
         'model-' || lpad(m::text, 2, '0'), 'prov-' || lpad((r % 12)::text, 2, '0'), 'region-' || lpad(r::text, 2, '0'),
         'ep-' || m || '-' || r, (array['FR','DE','SE','IE','NL','FI','US','CA','GB','NO','ES','IT','PL','CH','BE'])[1 + r % 15],
         inp, outp, inp / 10, outp / 20, 200 + ${h(6, 3000)}, 150 + ${h(7, 2500)},
         (inp * 150 + outp * 600) / 1000, (inp * 158 + outp * 630) / 1000,
         outp * 0.0021, outp * 0.0035, outp * 0.0021 * (20 + r), outp * 0.0035 * (20 + r),
         (20 + r) * 1000.0, 'bench', 1.1, 1.3, 'estimated-parameters', 'bench', '{"reason":"bench","attempts":[]}'::jsonb, false
       from (
         select i, k, keys[k + 1] as api_key_id, orgs[k + 1] as org_id, m, r, status,
           $3::timestamptz - ((abs(hashint4(i * 31 + 3))::float8 / 2147483648.0) * 90 * 86400) * interval '1 second' as created_at,
           50 + ${h(5, 4000)} as inp,
           case when status = 'ok' then 10 + ${h(8, 1500)} when status = 'client_disconnected' then ${h(8, 300)} else 0 end as outp
         from (
           select i, k, m, (m * 11 + ${h(2, 3)} * 17) % 60 as r, keys, orgs,
             case when ${h(4, 100)} < 92 then 'ok' when ${h(4, 100)} < 98 then 'error' else 'client_disconnected' end as status
           from (
             select i, k, (k * 7 + ${h(1, 4)}) % 30 as m, keys, orgs
             from (select i, ${h(0, keys.length)} as k, $1::text[] as keys, $2::text[] as orgs
                   from generate_series(${start}, ${end}) i) a
           ) b
         ) c
       ) d`,
      [keys.map((k) => k.id), keys.map((k) => k.orgId), now.toISOString()],
    );
  }
  await handle.exec(
    `insert into usage_daily (day, org_id, api_key_id, policy_id, model_id, provider_id, region_id, country,
       requests, errors, input_tokens, output_tokens, cached_input_tokens, reasoning_tokens, upstream_cost_micro,
       charge_micro, energy_wh_min, energy_wh_max, gco2e_min, gco2e_max, latency_ms_sum)
     select (created_at at time zone 'UTC')::date, org_id, api_key_id, coalesce(policy_id, ''), coalesce(model_id, ''),
       coalesce(provider_id, ''), coalesce(region_id, ''), coalesce(country, ''),
       count(*), count(*) filter (where status <> 'ok'), sum(input_tokens), sum(output_tokens), sum(cached_input_tokens),
       sum(reasoning_tokens), sum(upstream_cost_micro), sum(charge_micro), sum(coalesce(energy_wh_min, 0)),
       sum(coalesce(energy_wh_max, 0)), sum(coalesce(gco2e_min, 0)), sum(coalesce(gco2e_max, 0)), sum(latency_ms)
     from requests group by 1, 2, 3, 4, 5, 6, 7, 8`,
  );
  // As autovacuum would, but now: the timings must not share two cores with a background vacuum.
  await handle.exec('vacuum analyze requests');
  await handle.exec('vacuum analyze usage_daily');
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function time(
  a: TestApp,
  key: string,
  label: string,
  query: string,
  variables: Record<string, unknown>,
  runs: number,
  target?: { p50?: number; p99?: number },
): Promise<void> {
  for (let i = 0; i < 5; i++) {
    const res = await a.gql(query, variables, key);
    if (res.errors) throw new Error(`${label}: ${JSON.stringify(res.errors)}`);
  }
  const ms: number[] = [];
  let size = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const res = await a.gql(query, variables, key);
    ms.push(performance.now() - t0);
    const data = Object.values(res.data ?? {})[0] as unknown;
    size = Array.isArray(data) ? data.length : ((data as { edges?: unknown[] })?.edges?.length ?? 0);
  }
  const p50 = percentile(ms, 50);
  const p99 = percentile(ms, 99);
  const verdict = target
    ? ` (target${target.p50 ? ` p50 ≤ ${target.p50}` : ''}${target.p99 ? ` p99 ≤ ${target.p99}` : ''} ms: ${
        (target.p50 === undefined || p50 <= target.p50) && (target.p99 === undefined || p99 <= target.p99)
          ? 'met'
          : 'MISSED'
      })`
    : '';
  say(
    `  ${label}: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms over ${runs} runs, ${size} items${verdict}`,
  );
}

const USAGE = `query($f: UsageFilter) { usage(filter: $f, groupBy: [DAY, MODEL]) {
  day model requests errors inputTokens outputTokens costUsd energyWh { mid } gco2e { mid } avgLatencyMs } }`;
const PAGE = `query($f: RequestFilter) { requests(filter: $f, first: 50) { edges { cursor node {
  id createdAt status model provider region usage { inputTokens outputTokens } costUsd latencyMs eco { gco2e { mid } } } }
  pageInfo { hasNextPage endCursor } } }`;

async function bench(driver: 'postgres' | 'pglite', handle: DbHandle, rows: number, runs: number) {
  const now = new Date();
  const t = { handle, cleanup: async () => {} };
  await runMigrations(handle);
  await ensurePartitions(handle, now, 1, 3);
  const a = await createTestApp(t);
  const t0 = performance.now();
  const { keys, readKeys } = await createTenants(a);
  const tTenants = performance.now();
  await seed(handle, keys, rows, now);
  const tSeed = performance.now();
  const [counts] = await handle.exec(
    `select (select count(*) from requests)::int as requests, (select count(*) from usage_daily)::int as rollup,
            (select count(*) from requests where org_id = $1)::int as org_rows`,
    [readKeys[0]!.orgId],
  );
  say(
    `${driver}: seeded ${counts!.requests} request rows (${counts!.org_rows} in the timed organisation) and ${counts!.rollup} usage_daily rows in ${((tSeed - tTenants) / 1000).toFixed(1)} s (tenants ${((tTenants - t0) / 1000).toFixed(1)} s)`,
  );
  const key = readKeys[0]!.key;
  const day0 = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS);
  await time(
    a,
    key,
    'usage, 30 UTC days, by DAY and MODEL (rollup only)',
    USAGE,
    { f: { from: new Date(day0.getTime() - 30 * DAY_MS).toISOString(), to: day0.toISOString() } },
    runs,
    { p50: 50, p99: 150 },
  );
  await time(
    a,
    key,
    'usage, now-30d → now, by DAY and MODEL (rollup + 2 partial days from rows)',
    USAGE,
    { f: { from: new Date(now.getTime() - 30 * DAY_MS).toISOString(), to: now.toISOString() } },
    runs,
    { p50: 50, p99: 150 },
  );
  await time(a, key, 'requests, first page of 50, no filter', PAGE, {}, runs, { p50: 20 });
  await time(
    a,
    key,
    'requests, first page of 50, provider filter',
    PAGE,
    { f: { providers: ['prov-03'] } },
    runs,
    {
      p50: 20,
    },
  );
  await time(a, key, 'requests, first page of 50, status ERROR', PAGE, { f: { status: 'ERROR' } }, runs, {
    p50: 20,
  });
  await time(
    a,
    key,
    'requests, first page of 50, model + last 7 days',
    PAGE,
    { f: { models: ['model-07'], from: new Date(now.getTime() - 7 * DAY_MS).toISOString() } },
    runs,
    { p50: 20 },
  );
  a.inference.close();
}

export async function run(args: string[]): Promise<void> {
  const rows = arg(args, 'rows', 1_000_000);
  const pgliteRows = arg(args, 'pglite-rows', rows);
  const runs = arg(args, 'runs', 50);

  if (!args.includes('--skip-postgres')) {
    const base = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
    const name = `lowrouter_bench_${randomBytes(4).toString('hex')}`;
    const admin = await openDb({ databaseUrl: base, maxConnections: 1 });
    const created = await admin.exec(`create database ${name}`).then(
      () => true,
      (e: Error) => {
        say(`postgres: skipped, cannot create a database at ${base} (${e.message})`);
        return false;
      },
    );
    if (created) {
      const u = new URL(base);
      u.pathname = `/${name}`;
      const handle = await openDb({ databaseUrl: u.toString() });
      try {
        await bench('postgres', handle, rows, runs);
      } finally {
        await handle.close();
        if (args.includes('--keep')) say(`postgres: kept ${u.toString()}`);
        else await admin.exec(`drop database if exists ${name} with (force)`);
      }
    }
    await admin.close();
  }

  if (pgliteRows > 0) {
    const handle = await openDb({ dataDir: 'memory://' });
    try {
      await bench('pglite', handle, pgliteRows, runs);
    } finally {
      await handle.close();
    }
  }
}
