import { getEventListeners } from 'node:events';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Demo, type Outcome, pause, startDemo } from './demo';
import { STEPS } from './traffic';

let demo: Demo;
let outcomes: Outcome[];

const gql = async (query: string) => {
  const res = await fetch(`${demo.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${demo.adminKey}` },
    body: JSON.stringify({ query }),
  });
  return ((await res.json()) as { data: any }).data;
};

describe('pnpm demo', () => {
  beforeAll(async () => {
    demo = await startDemo({ logLevel: 'silent' });
    outcomes = [];
    for (let i = 0; i < STEPS.length; i++) outcomes.push(await demo.step());
  }, 120_000);
  afterAll(() => demo?.close());

  it('says it serves demo data, and has credit and a key of its own for the traffic', async () => {
    const data = await gql(
      '{ instance { demo } credits { balanceUsd } apiKeys { name scopes } viewer { apiKey { instanceAdmin } } }',
    );
    expect(data.instance.demo).toBe(true);
    expect(data.viewer.apiKey.instanceAdmin).toBe(true);
    expect(data.credits.balanceUsd).toBeGreaterThan(99);
    expect(data.credits.balanceUsd).toBeLessThan(100);
    expect(data.apiKeys).toContainEqual({ name: 'demo traffic', scopes: ['INFERENCE'] });
  });

  it('sends varied traffic: several providers, auto routing, a fallback and failures', () => {
    const byStep = new Map(outcomes.map((o) => [o.step, o]));
    const failed = outcomes.filter((o) => !o.ok).map((o) => [o.step, o.status]);
    expect(failed).toEqual([
      ['upstream 503, no fallback allowed', 502],
      ['bad request (max_tokens too large)', 400],
    ]);
    expect(byStep.get('upstream 500, falls back')!.route!.fallbackUsed).toBe(true);
    const providers = new Set(outcomes.flatMap((o) => (o.route ? [o.route.provider] : [])));
    expect(providers.size).toBeGreaterThanOrEqual(4);
    for (const o of outcomes.filter((x) => x.ok)) {
      expect(o.costUsd, o.step).toBeGreaterThan(0);
      expect(o.gco2e!.max, o.step).toBeGreaterThan(0);
    }
    // Tools: the recorded tool-call answers came back as tool calls through the gateway.
    expect(byStep.get('tools (gpt-4.1-mini)')!.ok).toBe(true);
    expect(byStep.get('tools (claude), streamed')!.ok).toBe(true);
  });

  it('records what the dashboard reads, and leaves nothing behind when it stops', async () => {
    const data = await gql('{ requests(first: 50) { nodes { status stream } } }');
    const nodes = data.requests.nodes as { status: string; stream: boolean }[];
    // Every step is a request row, the refused one included.
    expect(nodes).toHaveLength(STEPS.length);
    expect(nodes.filter((n) => n.stream).length).toBe(STEPS.filter((s) => s.stream).length);
    expect(nodes.filter((n) => n.status !== 'OK')).toHaveLength(2);
    for (const f of Object.values(demo.fakes)) expect(f.requests).toEqual([]);

    expect(existsSync(demo.dataDir)).toBe(true);
    await demo.close();
    expect(existsSync(demo.dataDir)).toBe(false);
  });
});

describe('pnpm demo, looping', () => {
  let looping: Demo;
  beforeAll(async () => {
    looping = await startDemo({ logLevel: 'silent' });
  }, 120_000);
  afterAll(() => looping?.close());

  it('leaves no abort listener on the long-lived stop signal per request (no MaxListenersExceededWarning)', async () => {
    const stop = new AbortController();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on('warning', onWarning);
    try {
      // More rounds than the 10 listeners Node warns at, as `pnpm demo`'s loop runs them.
      for (let i = 0; i < 12; i++) {
        await looping.step(stop.signal);
        await pause(1, stop.signal);
      }
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    expect(getEventListeners(stop.signal, 'abort')).toHaveLength(0);
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning')).toEqual([]);
  }, 120_000);
});
