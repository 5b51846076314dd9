/**
 * `pnpm bench concurrency [postgres|pglite] [workers]`: throughput of one gateway process under
 * concurrent load. `workers` clients (default 16) each send 40 non-streaming requests back to back
 * (after 5 warm-up each) to the fake OpenAI upstream, which answers at once. Reports requests/s,
 * latency p50/p99, database commits per request (PostgreSQL: pg_stat_database.xact_commit) and, when
 * the gateway logs it at shutdown, rows per record commit (group commit).
 */
import type { Driver } from '@lowrouter/api/db/testing';
import { openDb } from '@lowrouter/api/db/client';
import { startFakeUpstream } from '../fake-upstream/server';
import { fakeProviderEnv } from '../helpers/gateway-with-fakes';
import { prepareDb } from '../helpers/prepare-db';
import { spawnGateway } from '../helpers/spawn-gateway';

const PER_WORKER = 40;
const WARMUP = 5;

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

async function measure(driver: Driver, workers: number): Promise<void> {
  const fakes = {
    openai: await startFakeUpstream({ protocol: 'openai', scenario: 'synthetic' }),
    anthropic: await startFakeUpstream({ protocol: 'anthropic', scenario: 'synthetic' }),
    mistral: await startFakeUpstream({ protocol: 'mistral', scenario: 'synthetic' }),
    gemini: await startFakeUpstream({ protocol: 'gemini', scenario: 'synthetic' }),
  };
  const db = await prepareDb(driver, 1_000_000_000);
  const gw = await spawnGateway({ ...db.env, ...fakeProviderEnv(fakes), LOWROUTER_LOG_LEVEL: 'info' });
  const body = JSON.stringify({
    model: 'openai/gpt-4o-mini',
    messages: [{ role: 'user', content: 'Say hi' }],
    max_tokens: 50,
  });
  const send = async () => {
    const t0 = performance.now();
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${db.adminKey}` },
      body,
    });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${res.status} ${text.slice(0, 200)}`);
    return performance.now() - t0;
  };
  const stats = db.env.DATABASE_URL
    ? await openDb({ databaseUrl: db.env.DATABASE_URL, maxConnections: 1 })
    : undefined;
  const commits = async () => {
    if (!stats) return 0;
    await new Promise((r) => setTimeout(r, 1_200)); // statistics reach the view within a second
    await stats.exec('select pg_stat_clear_snapshot()');
    const [r] = await stats.exec(
      'select xact_commit::int as c from pg_stat_database where datname = current_database()',
    );
    return Number(r!.c);
  };
  try {
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (let i = 0; i < WARMUP; i++) await send();
      }),
    );
    const c0 = await commits();
    const lat: number[] = [];
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: workers }, async () => {
        for (let i = 0; i < PER_WORKER; i++) lat.push(await send());
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    // The stats connection's own statements count too (two per read): subtract them.
    const perReq = stats ? ((await commits()) - c0 - 2) / lat.length : Number.NaN;
    gw.child.kill('SIGTERM');
    await gw.exited;
    const batch = /"msg":"record batches".*?"rowsPerCommit":([\d.]+)/.exec(gw.stderr());
    process.stdout.write(
      `${driver}, ${workers} workers × ${PER_WORKER}: ${(lat.length / secs).toFixed(0)} req/s, latency p50 ${quantile(lat, 0.5).toFixed(2)} / p99 ${quantile(lat, 0.99).toFixed(2)} ms` +
        `${stats ? `, ${perReq.toFixed(2)} commits/request` : ''}` +
        `${batch ? `, ${Number(batch[1]).toFixed(2)} rows per record commit (incl. warm-up)` : ''}\n`,
    );
  } finally {
    if (gw.child.exitCode === null) gw.child.kill('SIGTERM');
    await gw.exited;
    await stats?.close();
    await Promise.all(Object.values(fakes).map((f) => f.close()));
    await db.drop();
  }
}

export async function run(args: string[]): Promise<void> {
  const drivers = args.filter((a): a is Driver => a === 'postgres' || a === 'pglite');
  const workers = Number(args.find((a) => /^\d+$/.test(a)) ?? 16);
  const list: Driver[] = drivers.length
    ? drivers
    : process.env.TEST_DATABASE_URL
      ? ['postgres', 'pglite']
      : ['pglite'];
  if (list.includes('postgres') && !process.env.TEST_DATABASE_URL) {
    process.env.TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
  }
  for (const d of list) await measure(d, workers);
}
