/**
 * `pnpm bench overhead`: what LowRouter adds to a request. The fake OpenAI upstream answers at once;
 * the same request goes to it directly and through LowRouter (a separate process, durable write on),
 * interleaved, 15 warm-up then 7 rounds × 25 requests. Reports the median of round medians and the
 * p99 of the overhead, on PostgreSQL (TEST_DATABASE_URL's server) and on PGlite.
 */
import type { Driver } from '@lowrouter/api/db/testing';
import { startFakeUpstream } from '../fake-upstream/server';
import { fakeProviderEnv } from '../helpers/gateway-with-fakes';
import { prepareDb } from '../helpers/prepare-db';
import { spawnGateway } from '../helpers/spawn-gateway';

const WARMUP = 15;
const ROUNDS = 7;
const PER_ROUND = 25;

export const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

/** ms for one POST answered 200 (body read); `expectCache` also checks the x-lowrouter-cache header. */
export async function timed(url: string, key: string, body: string, expectCache?: string): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body,
  });
  const text = await res.text();
  const elapsed = performance.now() - t0;
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${text.slice(0, 200)}`);
  if (expectCache && res.headers.get('x-lowrouter-cache') !== expectCache)
    throw new Error(`expected a cache ${expectCache}, got ${res.headers.get('x-lowrouter-cache')}`);
  return elapsed;
}

async function measure(driver: Driver): Promise<void> {
  const fakes = {
    openai: await startFakeUpstream({ protocol: 'openai', scenario: 'synthetic' }),
    anthropic: await startFakeUpstream({ protocol: 'anthropic', scenario: 'synthetic' }),
    mistral: await startFakeUpstream({ protocol: 'mistral', scenario: 'synthetic' }),
    gemini: await startFakeUpstream({ protocol: 'gemini', scenario: 'synthetic' }),
  };
  const db = await prepareDb(driver, 1_000_000_000);
  // LOWROUTER_BENCH_PROFILE=<dir> writes a CPU profile of the gateway there (node --cpu-prof).
  const profile = process.env.LOWROUTER_BENCH_PROFILE;
  const gw = await spawnGateway(
    { ...db.env, ...fakeProviderEnv(fakes), LOWROUTER_LOG_LEVEL: 'error' },
    60_000,
    profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : [],
  );
  const body = JSON.stringify({
    model: 'openai/gpt-4o-mini',
    messages: [{ role: 'user', content: 'Say hi' }],
    max_tokens: 50,
  });
  const direct = `${fakes.openai.baseUrl}/chat/completions`;
  const via = `${gw.url}/v1/chat/completions`;
  try {
    for (let i = 0; i < WARMUP; i++) {
      await timed(direct, 'sk-test', body);
      await timed(via, db.adminKey, body);
    }
    const roundMedians: number[] = [];
    const overheads: number[] = [];
    const vias: number[] = [];
    const directs: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const d: number[] = [];
      const v: number[] = [];
      for (let i = 0; i < PER_ROUND; i++) {
        d.push(await timed(direct, 'sk-test', body));
        v.push(await timed(via, db.adminKey, body));
        overheads.push(v.at(-1)! - d.at(-1)!);
      }
      roundMedians.push(quantile(v, 0.5) - quantile(d, 0.5));
      vias.push(...v);
      directs.push(...d);
    }
    const p50 = quantile(roundMedians, 0.5);
    // p99 of the overhead of each request: its time through LowRouter minus its interleaved direct twin.
    const p99 = quantile(overheads, 0.99);
    process.stdout.write(
      `${driver}: overhead p50 ${p50.toFixed(2)} ms (median of ${ROUNDS} round medians), p99 ${p99.toFixed(2)} ms ` +
        `(through LowRouter p50 ${quantile(vias, 0.5).toFixed(2)} / p99 ${quantile(vias, 0.99).toFixed(2)} ms; direct p50 ${quantile(directs, 0.5).toFixed(2)} / p99 ${quantile(directs, 0.99).toFixed(2)} ms)\n`,
    );
  } finally {
    gw.child.kill('SIGTERM');
    await gw.exited;
    await Promise.all(Object.values(fakes).map((f) => f.close()));
    await db.drop();
  }
}

/** The drivers named on the command line, else PostgreSQL (when TEST_DATABASE_URL is set) and PGlite. */
export function benchDrivers(args: string[]): Driver[] {
  const drivers: Driver[] = args.length
    ? (args as Driver[])
    : process.env.TEST_DATABASE_URL
      ? ['postgres', 'pglite']
      : ['pglite'];
  if (drivers.includes('postgres') && !process.env.TEST_DATABASE_URL) {
    process.env.TEST_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
  }
  return drivers;
}

export async function run(args: string[]): Promise<void> {
  for (const d of benchDrivers(args)) await measure(d);
}
