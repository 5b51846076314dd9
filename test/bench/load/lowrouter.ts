/**
 * LowRouter as the gateway under test of `pnpm bench load`: its own process, pinned to the gateway's
 * CPU, on a fresh PGlite folder or a throwaway PostgreSQL database; set up through its public GraphQL
 * API (an organisation with credit and an inference key), its only provider OpenAI at the fake upstream.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '@lowrouter/api/auth/keys';
import { createTestDatabase, type Driver } from '@lowrouter/api/db/testing';
import { ROOT } from '../../helpers/spawn-gateway';
import type { Target } from './loadgen';
import { type Child, cleanupOnInterrupt, GATEWAY_CPU, spawnPinned, stopGroup, waitForOutput } from './proc';

/**
 * How the gateway process starts, after any node flags: what `pnpm start` runs (the compiled build,
 * rebuilt first when stale). LOWROUTER_BENCH_ENTRY (space-separated) overrides it for one run, e.g.
 * `--import tsx api/src/cli.ts start` to time the TypeScript sources.
 */
export const LOWROUTER_ENTRY: string[] = process.env.LOWROUTER_BENCH_ENTRY?.split(' ') ?? [
  'api/scripts/run.mjs',
  'start',
];

export interface GatewayUnderTest {
  name: string;
  target: Target;
  pid: number;
  /** Endpoint circuit states (EndpointHealthState enum) other than CLOSED/UNAVAILABLE right now (LowRouter only). */
  openCircuits?: () => Promise<string[]>;
  /** PostgreSQL only: the database it runs on and its inference key, for further nodes to join. */
  shared?: SharedNode;
  /** Ends the process group and removes its database (unless it joined another node's). */
  stop: () => Promise<void>;
  proc: Child;
}

async function gql<T>(url: string, key: string, query: string, variables: object = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const json = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (!json.data || json.errors?.length) throw new Error(`GraphQL: ${JSON.stringify(json.errors)}`);
  return json.data;
}

/** An organisation with ample credit and an INFERENCE-only key in it, through the admin key. */
async function provisionInferenceKey(url: string, adminKey: string): Promise<string> {
  const { createOrganization: org } = await gql<{
    createOrganization: { organization?: { id: string }; message?: string };
  }>(
    url,
    adminKey,
    `mutation { createOrganization(name: "bench-load") {
      ... on CreateOrganizationSuccess { organization { id } } ... on Error { message } } }`,
  );
  if (!org.organization) throw new Error(`createOrganization: ${org.message}`);
  const orgId = org.organization.id;
  const { grantCredits } = await gql<{ grantCredits: { balanceUsd?: number; message?: string } }>(
    url,
    adminKey,
    `mutation($orgId: ID!) { grantCredits(orgId: $orgId, amountUsd: 1000000, note: "bench load") {
      ... on GrantCreditsSuccess { balanceUsd } ... on Error { message } } }`,
    { orgId },
  );
  if (grantCredits.balanceUsd === undefined) throw new Error(`grantCredits: ${grantCredits.message}`);
  const { createApiKey } = await gql<{ createApiKey: { key?: string; message?: string } }>(
    url,
    adminKey,
    `mutation($orgId: ID!) { createApiKey(orgId: $orgId, name: "bench-load", scopes: [INFERENCE]) {
      ... on CreateApiKeySuccess { key } ... on Error { message } } }`,
    { orgId },
  );
  if (!createApiKey.key) throw new Error(`createApiKey: ${createApiKey.message}`);
  return createApiKey.key;
}

/** What a further node needs to join a running one: the same database and inference key. */
export interface SharedNode {
  databaseUrl: string;
  key: string;
}

/**
 * Starts LowRouter pinned to `cpu` (default the gateway's CPU). With `join`, on that PostgreSQL
 * database with that key (another node of the same deployment): nothing is created or dropped.
 */
export async function startLowRouter(
  driver: Driver,
  fakeBaseUrl: string,
  opts: { cpuProfDir?: string; join?: SharedNode; cpu?: number | null } = {},
): Promise<GatewayUnderTest> {
  let dataDir: string | undefined;
  let drop = async () => {};
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    // Only the settings below reach the gateway: no stray provider key or database from the shell.
    if (!k.startsWith('LOWROUTER_') && k !== 'DATABASE_URL') env[k] = v;
  }
  if (opts.join) {
    env.DATABASE_URL = opts.join.databaseUrl;
  } else if (driver === 'postgres') {
    const created = await createTestDatabase();
    env.DATABASE_URL = created.url;
    drop = created.drop;
  } else {
    dataDir = mkdtempSync(join(tmpdir(), 'lowrouter-bench-load-'));
    env.LOWROUTER_DATA_DIR = dataDir;
  }
  const adminKey = generateApiKey();
  Object.assign(env, {
    PORT: '0',
    HOST: '127.0.0.1',
    LOWROUTER_LOG_LEVEL: 'error',
    // One process on the one core the gateway is pinned to (pnpm start forks one per core otherwise).
    LOWROUTER_WORKERS: '1',
    LOWROUTER_ADMIN_KEY: adminKey,
    LOWROUTER_OPENAI_API_KEY: 'sk-test-openai-0123456789abcdef',
    LOWROUTER_OPENAI_BASE_URL: fakeBaseUrl,
  });
  const forget = cleanupOnInterrupt(async () => {
    await drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  const nodeFlags = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`] : [];
  let proc: Child | undefined;
  const cleanup = async () => {
    if (proc) await stopGroup(proc, 20_000); // a clean exit is what writes the CPU profile
    forget();
    await drop().catch((err: unknown) => process.stderr.write(`could not drop the bench database: ${err}\n`));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    proc = spawnPinned(
      opts.cpu === undefined ? GATEWAY_CPU : opts.cpu,
      process.execPath,
      [...nodeFlags, ...LOWROUTER_ENTRY],
      { cwd: ROOT, env },
    );
    const [, printed] = await waitForOutput(proc, /LowRouter is up: (http:\/\/[^\s/]+)/, 180_000);
    // It listens on 127.0.0.1 (HOST) but prints `localhost`, which may try ::1 first.
    const url = printed!.replace('//localhost:', '//127.0.0.1:');
    const key = opts.join?.key ?? (await provisionInferenceKey(url, adminKey));
    const started = proc;
    return {
      shared: env.DATABASE_URL ? { databaseUrl: env.DATABASE_URL, key } : undefined,
      name: driver === 'postgres' ? 'LowRouter PostgreSQL' : 'LowRouter PGlite',
      target: { origin: url, path: '/v1/chat/completions', headers: { authorization: `Bearer ${key}` } },
      pid: started.pid,
      proc: started,
      openCircuits: async () => {
        const data = await gql<{ endpoints: { id: string; health: { state: string } }[] }>(
          url,
          adminKey,
          `{ endpoints(filter: { model: "openai/gpt-4o-mini" }) { id health { state } } }`,
        );
        return data.endpoints
          .filter((e) => e.health.state !== 'CLOSED' && e.health.state !== 'UNAVAILABLE')
          .map((e) => `${e.id}: ${e.health.state}`);
      },
      stop: cleanup,
    };
  } catch (err) {
    await cleanup();
    throw err;
  }
}
