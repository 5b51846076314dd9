/**
 * A real, listening gateway whose providers point at loopback fake upstreams (one per wire protocol),
 * on PGlite (temp dir) or on a throwaway Postgres database. For end-to-end tests through real clients.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '@lowrouter/api/auth/keys';
import { grantCredit } from '@lowrouter/api/billing/ledger';
import { loadConfig } from '@lowrouter/api/config';
import { type Driver, createTestDatabase } from '@lowrouter/api/db/testing';
import { createLogger } from '@lowrouter/api/log';
import { type Gateway, startGateway } from '@lowrouter/api/main';
import { type FakeProtocol, type FakeUpstream, startFakeUpstream } from '../fake-upstream/server';

export interface GatewayWithFakes {
  url: string;
  adminKey: string;
  gateway: Gateway;
  fakes: Record<FakeProtocol, FakeUpstream>;
  /** Adds credit to an organisation (µUSD). */
  grant(orgId: string, amountMicro: number): Promise<void>;
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    key?: string,
  ): Promise<{ data?: T; errors?: any[] }>;
  close(): Promise<void>;
}

/** Provider env pointing each first-party provider at its fake. */
export function fakeProviderEnv(fakes: Record<FakeProtocol, FakeUpstream>): Record<string, string> {
  return {
    LOWROUTER_OPENAI_API_KEY: 'sk-test-openai-0123456789abcdef',
    LOWROUTER_OPENAI_BASE_URL: fakes.openai.baseUrl,
    LOWROUTER_ANTHROPIC_API_KEY: 'sk-ant-test-0123456789abcdef',
    LOWROUTER_ANTHROPIC_BASE_URL: fakes.anthropic.baseUrl,
    LOWROUTER_MISTRAL_API_KEY: 'mistral-test-0123456789abcdef',
    LOWROUTER_MISTRAL_BASE_URL: fakes.mistral.baseUrl,
    LOWROUTER_GOOGLE_API_KEY: 'AIzaTest0123456789abcdefghijk',
    LOWROUTER_GOOGLE_BASE_URL: fakes.gemini.baseUrl,
  };
}

/** One fake upstream per wire protocol, all answering `scenario` (default: synthetic answers). */
export async function startFakes(
  scenario: Parameters<typeof startFakeUpstream>[0]['scenario'] = 'synthetic',
): Promise<Record<FakeProtocol, FakeUpstream>> {
  const protocols: FakeProtocol[] = ['openai', 'anthropic', 'mistral', 'gemini'];
  const list = await Promise.all(protocols.map((protocol) => startFakeUpstream({ protocol, scenario })));
  return Object.fromEntries(protocols.map((p, i) => [p, list[i]!])) as Record<FakeProtocol, FakeUpstream>;
}

/** Closes every fake startFakes started. */
export async function closeFakes(fakes: Record<FakeProtocol, FakeUpstream>): Promise<void> {
  await Promise.all(Object.values(fakes).map((f) => f.close()));
}

export async function startGatewayWithFakes(
  driver: Driver,
  opts: { env?: Record<string, string>; dataDir?: string; databaseUrl?: string } = {},
): Promise<GatewayWithFakes> {
  const fakes = await startFakes();
  let drop: (() => Promise<void>) | undefined;
  let databaseUrl = opts.databaseUrl;
  if (driver === 'postgres' && !databaseUrl) {
    const created = await createTestDatabase();
    databaseUrl = created.url;
    drop = created.drop;
  }
  const adminKey = generateApiKey();
  // A data directory of our own is removed on close; one passed in belongs to the caller.
  const ownDir = opts.dataDir ? null : mkdtempSync(join(tmpdir(), 'lowrouter-e2e-'));
  const config = loadConfig({
    PORT: '0',
    HOST: '127.0.0.1',
    LOWROUTER_ADMIN_KEY: adminKey,
    LOWROUTER_LOG_LEVEL: 'silent',
    LOWROUTER_DATA_DIR: opts.dataDir ?? ownDir!,
    ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
    ...fakeProviderEnv(fakes),
    ...opts.env,
  });
  const gateway = await startGateway(config, { log: createLogger(config.logLevel) });
  return {
    url: gateway.url,
    adminKey,
    gateway,
    fakes,
    async grant(orgId, amountMicro) {
      await grantCredit(gateway.db.db, { orgId, amountMicro, kind: 'grant', note: 'test', actorKeyId: null });
    },
    async gql(query, variables, key = adminKey) {
      const res = await fetch(`${gateway.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await res.json()) as any;
    },
    async close() {
      await gateway.close();
      await closeFakes(fakes);
      await drop?.();
      if (ownDir) rmSync(ownDir, { recursive: true, force: true });
    },
  };
}
