/**
 * Test-only: an in-process app over a test database, with the catalog imported and the instance
 * admin key bootstrapped. Never imported by production code.
 */
import { loadCatalog } from '@lowrouter/data';
import { type App, createApp } from './app';
import { ensureBootstrap, ensureKeySecret } from './auth/bootstrap';
import { type KeyStore, createKeyStore } from './auth/key-store';
import { generateApiKey } from './auth/keys';
import { type Config, loadConfig } from './config';
import { seedCatalog } from './db/seed';
import type { TestDb } from './db/testing';
import { createLogger } from './log';
import { type InferenceRuntime, createInference } from './inference/deps';
import type { FetchLike } from './providers/call';

export interface TestApp {
  app: App;
  inference: InferenceRuntime;
  keys: KeyStore;
  config: Config;
  adminKey: string;
  gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    key?: string | null,
  ): Promise<{ data?: T; errors?: any[]; status: number }>;
}

export async function createTestApp(
  t: TestDb,
  env: Record<string, string> = {},
  opts: { fetch?: FetchLike; now?: () => number; random?: () => number } = {},
): Promise<TestApp> {
  const adminKey = generateApiKey();
  const config = loadConfig({ LOWROUTER_ADMIN_KEY: adminKey, LOWROUTER_LOG_LEVEL: 'silent', ...env });
  await seedCatalog(t.handle.db, loadCatalog());
  const secret = await ensureKeySecret(t.handle.db, config);
  await ensureBootstrap(t.handle.db, secret, config);
  const keys = createKeyStore(t.handle.db, secret, { ttlMs: 0 });
  const inference = await createInference(t.handle, config, createLogger('silent'), {
    ...opts,
    tablesRefreshMs: 0,
    policyTtlMs: 0,
  });
  const app = createApp({
    config,
    db: t.handle,
    log: createLogger('silent'),
    keys,
    inference: inference.deps,
  });
  return {
    app,
    inference,
    keys,
    config,
    adminKey,
    async gql(query, variables, key = adminKey) {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (key) headers.authorization = `Bearer ${key}`;
      const res = await app.fetch(
        new Request('http://test/graphql', {
          method: 'POST',
          headers,
          body: JSON.stringify({ query, variables }),
        }),
      );
      return { ...(await res.json()), status: res.status };
    },
  };
}
