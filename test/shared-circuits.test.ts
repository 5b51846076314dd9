/**
 * Circuit breakers across gateway processes (PostgreSQL only: PGlite serves one process). Two gateway
 * processes on one database call one fake upstream that answers 500. Requests through node A open A's
 * circuit for the endpoint; node B, which has sent nothing, must see the circuit open within about a
 * second (it polls the shared `endpoint_circuits` table every 250 ms), and from then on B's requests
 * must not reach the failing upstream. Prints the measured propagation delay.
 */
import { describeOnPostgres } from './helpers/postgres-only';
import { afterAll, expect, it } from 'vitest';
import { closeFakes, fakeProviderEnv, startFakes } from './helpers/gateway-with-fakes';
import { prepareDb } from './helpers/prepare-db';
import { type SpawnedGateway, spawnGateway } from './helpers/spawn-gateway';

const MODEL = 'openai/gpt-4o-mini';
const ENDPOINT = 'openai/gpt-4o-mini@openai:us';
/** What the issue asks (1 s), plus slack for a loaded 2-core machine. */
const PROPAGATION_BOUND_MS = 1_000 + 2_000;

describeOnPostgres('circuits shared by two gateways on postgres', () => {
  const driver = 'postgres' as const;
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('a circuit opened on node A stops node B from calling the failing upstream within a second', async () => {
    const fakes = await startFakes();
    cleanups.push(() => closeFakes(fakes));
    const prepared = await prepareDb(driver, 100_000_000);
    cleanups.push(prepared.drop);
    const env = { ...prepared.env, ...fakeProviderEnv(fakes), LOWROUTER_WORKERS: '1' };
    const [a, b] = (await Promise.all([spawnGateway(env, 120_000), spawnGateway(env, 120_000)])) as [
      SpawnedGateway,
      SpawnedGateway,
    ];
    cleanups.push(async () => {
      for (const g of [a, b]) if (g.child.exitCode === null) g.child.kill('SIGKILL');
    });

    const chat = (g: SpawnedGateway) =>
      fetch(`${g.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${prepared.adminKey}` },
        body: JSON.stringify({
          model: MODEL,
          messages: [{ role: 'user', content: 'Hello' }],
          max_tokens: 20,
        }),
      }).then(async (res) => ({ status: res.status, body: await res.text() }));
    const health = async (g: SpawnedGateway): Promise<{ state: string; openReason: string | null }> => {
      const res = await fetch(`${g.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${prepared.adminKey}` },
        body: JSON.stringify({ query: `{ endpoint(id: "${ENDPOINT}") { health { state openReason } } }` }),
      });
      const json = (await res.json()) as {
        data: { endpoint: { health: { state: string; openReason: string } } };
      };
      return json.data.endpoint.health;
    };
    const hits = () => fakes.openai.requests.length;

    // Both nodes serve while the upstream is well.
    expect((await chat(a)).status).toBe(200);
    expect((await chat(b)).status).toBe(200);
    expect(await health(b)).toEqual({ state: 'CLOSED', openReason: null });

    // The upstream fails; drive requests through A until A's circuit opens.
    fakes.openai.setScenario({ status: 500 });
    let openedOnA = 0;
    for (let i = 0; i < 20 && !openedOnA; i++) {
      const r = await chat(a);
      // The circuit opened while this answer was being sent: measure from its arrival.
      const answered = performance.now();
      expect(r.status).toBeGreaterThanOrEqual(500);
      if ((await health(a)).state === 'OPEN') openedOnA = answered;
    }
    expect(openedOnA).toBeGreaterThan(0);

    // B has sent nothing to the upstream since it failed; watch it learn of A's circuit.
    let seenOnB = 0;
    while (!seenOnB && performance.now() - openedOnA < 10_000) {
      const h = await health(b);
      if (h.state === 'OPEN') {
        seenOnB = performance.now();
        expect(h.openReason).toMatch(/^opened on node_\w+: circuit open after 5 consecutive failures$/);
      } else await new Promise((r) => setTimeout(r, 10));
    }
    const delayMs = seenOnB ? Math.round(seenOnB - openedOnA) : null;
    console.log(
      `circuit propagation A → B: ${delayMs} ms (poll 250 ms; bound asserted ${PROPAGATION_BOUND_MS} ms)`,
    );
    expect(delayMs).not.toBeNull();
    expect(delayMs!).toBeLessThanOrEqual(PROPAGATION_BOUND_MS);

    // B no longer calls the failing upstream: its requests get the documented error at once.
    const before = hits();
    const fromB = await Promise.all([chat(b), chat(b), chat(b)]);
    expect(hits()).toBe(before);
    for (const r of fromB) {
      expect(r.status).toBe(503);
      expect(r.body).toContain('circuit');
    }

    for (const g of [a, b]) g.child.kill('SIGTERM');
    for (const g of [a, b]) expect(await g.exited, g.stderr()).toBe(0);
  }, 240_000);
});
