/**
 * `pnpm bench cache [postgres|pglite]`: what a response-cache hit costs. One gateway process (as
 * `pnpm bench overhead` starts it), the fake OpenAI upstream answering at once; three kinds of request
 * interleaved so the machine's noise falls on all alike: straight to the upstream, through LowRouter
 * without the cache, and through LowRouter answered from the cache (the same deterministic request,
 * stored once before the rounds). Reports p50/p99 of each and the ratios that matter: a hit against a
 * request that reaches the upstream, and the hit's time against the upstream's own.
 */
import type { Driver } from '@lowrouter/api/db/testing';
import { startFakeUpstream } from '../fake-upstream/server';
import { fakeProviderEnv } from '../helpers/gateway-with-fakes';
import { prepareDb } from '../helpers/prepare-db';
import { spawnGateway } from '../helpers/spawn-gateway';
import { benchDrivers, quantile, timed } from './overhead';

const WARMUP = 20;
const ROUNDS = 7;
const PER_ROUND = 30;

async function measure(driver: Driver): Promise<void> {
  const fakes = {
    openai: await startFakeUpstream({ protocol: 'openai', scenario: 'synthetic', record: false }),
    anthropic: await startFakeUpstream({ protocol: 'anthropic', scenario: 'synthetic', record: false }),
    mistral: await startFakeUpstream({ protocol: 'mistral', scenario: 'synthetic', record: false }),
    gemini: await startFakeUpstream({ protocol: 'gemini', scenario: 'synthetic', record: false }),
  };
  const db = await prepareDb(driver, 1_000_000_000);
  const gw = await spawnGateway(
    { ...db.env, ...fakeProviderEnv(fakes), LOWROUTER_LOG_LEVEL: 'error' },
    60_000,
  );
  const base = {
    model: 'openai/gpt-4o-mini',
    messages: [{ role: 'user', content: 'Say hi' }],
    max_tokens: 50,
    temperature: 0,
  };
  const plain = JSON.stringify(base);
  const cached = JSON.stringify({ ...base, cache: { ttlSeconds: 3600 } });
  const direct = `${fakes.openai.baseUrl}/chat/completions`;
  const via = `${gw.url}/v1/chat/completions`;
  try {
    await timed(via, db.adminKey, cached, 'miss');
    for (let i = 0; i < WARMUP; i++) {
      await timed(direct, 'sk-test', plain);
      await timed(via, db.adminKey, plain);
      await timed(via, db.adminKey, cached, 'hit');
    }
    const d: number[] = [];
    const v: number[] = [];
    const h: number[] = [];
    const hitVsUpstreamRounds: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const rd: number[] = [];
      const rv: number[] = [];
      const rh: number[] = [];
      for (let i = 0; i < PER_ROUND; i++) {
        rd.push(await timed(direct, 'sk-test', plain));
        rv.push(await timed(via, db.adminKey, plain));
        rh.push(await timed(via, db.adminKey, cached, 'hit'));
      }
      hitVsUpstreamRounds.push(quantile(rh, 0.5) / quantile(rv, 0.5));
      d.push(...rd);
      v.push(...rv);
      h.push(...rh);
    }
    const f = (x: number) => x.toFixed(2);
    process.stdout.write(
      `${driver}: direct to upstream p50 ${f(quantile(d, 0.5))} / p99 ${f(quantile(d, 0.99))} ms; ` +
        `through LowRouter, no cache p50 ${f(quantile(v, 0.5))} / p99 ${f(quantile(v, 0.99))} ms; ` +
        `cache hit p50 ${f(quantile(h, 0.5))} / p99 ${f(quantile(h, 0.99))} ms\n` +
        `${driver}: a hit takes ${f(quantile(hitVsUpstreamRounds, 0.5))}× the time of a request through LowRouter to a zero-latency upstream ` +
        `(median of ${ROUNDS} round ratios); hit overhead over a direct upstream call p50 ${f(quantile(h, 0.5) - quantile(d, 0.5))} ms\n`,
    );
  } finally {
    gw.child.kill('SIGTERM');
    await gw.exited;
    await Promise.all(Object.values(fakes).map((x) => x.close()));
    await db.drop();
  }
}

export async function run(args: string[]): Promise<void> {
  for (const dr of benchDrivers(args)) await measure(dr);
}
