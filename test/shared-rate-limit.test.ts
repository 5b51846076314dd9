/**
 * A key's requests-per-minute limit across gateway processes: a key created over GraphQL with
 * `requestsPerMinute: 20`, and 60 concurrent requests through the official `openai` SDK spread over
 * every gateway process on one database. On PostgreSQL two processes (one worker each) share the limit
 * through slices claimed per aligned minute (api/src/inference/shared-rate-limit.ts): the successes stay
 * within 20 per aligned minute the burst touched (each process alone would admit 20, so 40 without
 * sharing), and at most ⌈20/4⌉ = 5 below it (what the other process may hold unused). PGlite serves one process per data
 * directory, so there it is one process and its in-memory limit. Every refusal is a 429 with
 * retry-after.
 */
import { testDrivers } from '@lowrouter/api/db/testing';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { closeFakes, fakeProviderEnv, startFakes } from './helpers/gateway-with-fakes';
import { prepareDb } from './helpers/prepare-db';
import { spawnGateway } from './helpers/spawn-gateway';

const MINI = 'openai/gpt-4o-mini';
const hi = [{ role: 'user' as const, content: 'Say hi' }];
const MINUTE_MS = 60_000;
const RPM = 20;

describe.each(testDrivers())('a per-key rate limit over every gateway process on %s', (driver) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('admits at most the limit per aligned minute, and refuses the rest with 429 and retry-after', async () => {
    const fakes = await startFakes({ synthetic: true, latencyMs: 50 });
    cleanups.push(() => closeFakes(fakes));
    const prepared = await prepareDb(driver, 100_000_000);
    cleanups.push(prepared.drop);
    if (driver === 'postgres') {
      // Count calls of the claim function, to report claims per request (flushed as backends exit).
      const db = await prepared.open();
      await db.exec(
        `alter database "${new URL(prepared.env.DATABASE_URL!).pathname.slice(1)}" set track_functions = 'pl'`,
      );
      await db.close();
    }

    // One worker per process, so two processes are two nodes (`start` forks one per core by default).
    const env = { ...prepared.env, ...fakeProviderEnv(fakes), LOWROUTER_WORKERS: '1' };
    const processes = driver === 'postgres' ? 2 : 1;
    const gateways = await Promise.all(Array.from({ length: processes }, () => spawnGateway(env, 120_000)));
    cleanups.push(async () => {
      for (const g of gateways) if (g.child.exitCode === null) g.child.kill('SIGKILL');
    });

    // The key, created the way users do: the createApiKey mutation with the admin key.
    const created = await fetch(`${gateways[0]!.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${prepared.adminKey}` },
      body: JSON.stringify({
        query: `mutation { createApiKey(name: "limited", scopes: [INFERENCE], requestsPerMinute: ${RPM}) { ... on CreateApiKeySuccess { key } } }`,
      }),
    }).then((r) => r.json());
    const key: string = created.data.createApiKey.key;
    const clients = gateways.map((g) => new OpenAI({ apiKey: key, baseURL: `${g.url}/v1`, maxRetries: 0 }));

    // Start away from a minute's end so the burst most likely stays in one minute (the bound below
    // counts the minutes it touched either way).
    if (MINUTE_MS - (Date.now() % MINUTE_MS) < 10_000)
      await new Promise((r) => setTimeout(r, MINUTE_MS - (Date.now() % MINUTE_MS) + 100));
    const start = Date.now();
    const results = await Promise.allSettled(
      Array.from({ length: 60 }, (_, i) =>
        clients[i % clients.length]!.chat.completions.create({ model: MINI, messages: hi, max_tokens: 20 }),
      ),
    );
    const end = Date.now();
    const minutes = Math.floor(end / MINUTE_MS) - Math.floor(start / MINUTE_MS) + 1;

    const ok = results.filter((r) => r.status === 'fulfilled').length;
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(
      refused.every((e) => e instanceof OpenAI.RateLimitError),
      String(refused.find((e) => !(e instanceof OpenAI.RateLimitError))),
    ).toBe(true);
    for (const e of refused) {
      const wait = Number(e.headers.get('retry-after'));
      expect(wait).toBeGreaterThan(0);
      expect(wait).toBeLessThanOrEqual(60);
    }
    console.log(`[shared rate limit, ${driver}] ${ok} of 60 admitted over ${minutes} aligned minute(s)`);
    expect(ok).toBeLessThanOrEqual(RPM * minutes);
    if (minutes === 1) expect(ok).toBeGreaterThanOrEqual(RPM - (processes - 1) * Math.ceil(RPM / 4));

    for (const g of gateways) g.child.kill('SIGTERM');
    for (const g of gateways) expect(await g.exited, g.stderr()).toBe(0);
    if (driver === 'postgres') {
      const db = await prepared.open();
      cleanups.push(() => db.close());
      // What both processes claimed, per minute, never passed the limit, and covers every success.
      const rows = await db.exec('select requests from rate_limit_windows');
      expect(rows.length).toBeGreaterThan(0);
      for (const r of rows) expect(Number(r.requests)).toBeLessThanOrEqual(RPM);
      expect(rows.reduce((n, r) => n + Number(r.requests), 0)).toBeGreaterThanOrEqual(ok);
      const [calls] = await db.exec(
        "select coalesce(sum(calls), 0) as n from pg_stat_user_functions where funcname = 'claim_rate_limit_slice'",
      );
      console.log(`[shared rate limit, ${driver}] ${calls!.n} claim statements for 60 requests`);
    }
  }, 300_000);
});
