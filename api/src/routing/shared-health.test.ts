import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadConfig } from '../config';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { createInference } from '../inference/deps';
import { createLogger } from '../log';
import { createSharedHealthTracker, type SharedHealthTracker } from './shared-health';

const fail = { ok: false, latencyMs: 5_000, errorKind: 'timeout' };
const ok = { ok: true, latencyMs: 100 };
const COOL_DOWN_MS = 10_000;
const silent = createLogger('silent');

describe.each(testDrivers().filter((d) => d === 'postgres'))(
  'circuits shared between nodes on %s',
  (driver) => {
    let db: TestDb;
    const nodes: SharedHealthTracker[] = [];
    beforeAll(async () => {
      db = await openTestDb(driver);
    });
    afterAll(async () => {
      for (const n of nodes) await n.close();
      await db.cleanup();
    });

    /** Nodes on one hand-driven clock (ms), polling only when told to (`refreshNow`). */
    let endpointSeq = 0;
    function cluster(names: string[], opts: { probeClaimMs?: number } = {}) {
      let t = Date.now();
      const made = names.map((name) => {
        const n = createSharedHealthTracker({
          exec: (text, params) => db.handle.exec(text, params),
          nodeId: name,
          log: silent,
          now: () => t,
          pollMs: 0,
          health: { failureThreshold: 3, coolDownMs: COOL_DOWN_MS },
          ...opts,
        });
        nodes.push(n);
        return n;
      });
      const all = {
        nodes: made,
        endpoint: `m${++endpointSeq}@p:r`,
        advance: (ms: number) => (t += ms),
        now: () => t,
        /** Every node's writes land, then every node polls. */
        async sync() {
          await Promise.all(made.map((n) => n.settled()));
          await Promise.all(made.map((n) => n.refreshNow()));
        },
        /** Opens the circuit on the first node and lets the others see it. */
        async openOnFirst() {
          for (let i = 0; i < 3; i++) made[0]!.record(all.endpoint, fail);
          await all.sync();
        },
        /** After the cool-down: every node asks once (claims race in the database), then asks again. */
        async probeWinners() {
          for (const n of made) expect(n.allowRequest(all.endpoint)).toBe(false);
          await all.sync();
          return made.filter((n) => n.allowRequest(all.endpoint));
        },
      };
      return all;
    }

    test('a circuit opened on node A is open on node B after B polls, with A’s opening time and name', async () => {
      const c = cluster(['node_a', 'node_b']);
      const [a, b] = c.nodes as [SharedHealthTracker, SharedHealthTracker];
      for (let i = 0; i < 3; i++) a.record(c.endpoint, fail);
      await a.settled();
      expect(b.state(c.endpoint)).toBe('closed');
      await b.refreshNow();
      expect(b.state(c.endpoint)).toBe('open');
      expect(b.allowRequest(c.endpoint)).toBe(false);
      expect(b.snapshot(c.endpoint)).toMatchObject({
        openedAt: a.snapshot(c.endpoint).openedAt,
        openReason: 'opened on node_a: circuit open after 3 consecutive failures',
      });
      expect(b.view(c.endpoint)).toEqual({
        state: 'open',
        detail: 'opened on node_a: circuit open after 3 consecutive failures (probe in 10 s)',
      });
      // The cool-down ends at the same moment on both.
      c.advance(COOL_DOWN_MS - 1);
      expect([a.state(c.endpoint), b.state(c.endpoint)]).toEqual(['open', 'open']);
      c.advance(1);
      expect([a.state(c.endpoint), b.state(c.endpoint)]).toEqual(['half-open', 'half-open']);
    });

    test('a node that starts later learns of the open circuit at its first poll', async () => {
      const c = cluster(['node_a']);
      await c.openOnFirst();
      const late = createSharedHealthTracker({
        exec: (text, params) => db.handle.exec(text, params),
        nodeId: 'node_late',
        log: silent,
        now: c.now,
        pollMs: 0,
        health: { coolDownMs: COOL_DOWN_MS },
      });
      nodes.push(late);
      await late.refreshNow();
      expect(late.state(c.endpoint)).toBe('open');
    });

    test('after the cool-down exactly one of three nodes gets the probe, once', async () => {
      const c = cluster(['node_a', 'node_b', 'node_c']);
      await c.openOnFirst();
      c.advance(COOL_DOWN_MS);
      const winners = await c.probeWinners();
      expect(winners).toHaveLength(1);
      // Nobody probes again while that probe is out, the winner included.
      await c.sync();
      expect(c.nodes.filter((n) => n.allowRequest(c.endpoint))).toEqual([]);
      const losers = c.nodes.filter((n) => n !== winners[0]);
      expect(losers.map((n) => n.view(c.endpoint))).toEqual(
        losers.map(() => ({
          state: 'half-open',
          detail: expect.stringMatching(/^a recovery probe is in flight on node_[abc]$/),
        })),
      );
    });

    test('a successful probe closes the circuit on every node', async () => {
      const c = cluster(['node_a', 'node_b', 'node_c']);
      await c.openOnFirst();
      c.advance(COOL_DOWN_MS);
      const [winner] = await c.probeWinners();
      winner!.record(c.endpoint, ok);
      await c.sync();
      expect(c.nodes.map((n) => n.state(c.endpoint))).toEqual(['closed', 'closed', 'closed']);
      expect(c.nodes.every((n) => n.allowRequest(c.endpoint))).toBe(true);
      // The old failures are forgotten everywhere: it takes a full run of failures to open it again.
      c.nodes[1]!.record(c.endpoint, fail);
      expect(c.nodes[1]!.state(c.endpoint)).toBe('closed');
    });

    test('a failed probe re-opens the circuit on every node, with a new cool-down', async () => {
      const c = cluster(['node_a', 'node_b', 'node_c']);
      await c.openOnFirst();
      c.advance(COOL_DOWN_MS);
      const [winner] = await c.probeWinners();
      c.advance(1_000);
      winner!.record(c.endpoint, fail);
      await c.sync();
      expect(c.nodes.map((n) => n.state(c.endpoint))).toEqual(['open', 'open', 'open']);
      expect(c.nodes.map((n) => n.snapshot(c.endpoint).openedAt)).toEqual([c.now(), c.now(), c.now()]);
      const other = c.nodes.find((n) => n !== winner)!;
      expect(other.snapshot(c.endpoint).openReason).toMatch(
        /^opened on node_[abc]: circuit re-opened: the recovery probe failed \(timeout\)$/,
      );
      // And the next cool-down again yields one probe.
      c.advance(COOL_DOWN_MS);
      expect(await c.probeWinners()).toHaveLength(1);
    });

    test('a prober that dies loses its claim when it expires, and another node probes', async () => {
      const c = cluster(['node_a', 'node_b', 'node_c'], { probeClaimMs: 300 });
      await c.openOnFirst();
      c.advance(COOL_DOWN_MS);
      const [dead] = await c.probeWinners();
      const alive = c.nodes.filter((n) => n !== dead);
      await dead!.close(); // it never reports; its claim stays in the table until probe_until
      for (const n of alive) expect(n.allowRequest(c.endpoint)).toBe(false);
      await Promise.all(alive.map((n) => n.settled()));
      expect(alive.filter((n) => n.allowRequest(c.endpoint))).toEqual([]);
      // The claim expires on the database's clock.
      await new Promise((r) => setTimeout(r, 400));
      c.advance(400);
      for (const n of alive) n.allowRequest(c.endpoint);
      await Promise.all(alive.map((n) => n.settled()));
      expect(alive.filter((n) => n.allowRequest(c.endpoint))).toHaveLength(1);
    });

    test('a probe that ends with no verdict frees the claim for the next request', async () => {
      const c = cluster(['node_a', 'node_b']);
      await c.openOnFirst();
      c.advance(COOL_DOWN_MS);
      const [winner] = await c.probeWinners();
      winner!.release(c.endpoint);
      await c.sync();
      const other = c.nodes.find((n) => n !== winner)!;
      expect(other.allowRequest(c.endpoint)).toBe(false);
      await other.settled();
      expect(other.allowRequest(c.endpoint)).toBe(true);
    });

    test('a node whose own circuit opens while another’s is open shares the earlier cool-down', async () => {
      const c = cluster(['node_a', 'node_b']);
      const [a, b] = c.nodes as [SharedHealthTracker, SharedHealthTracker];
      for (let i = 0; i < 3; i++) a.record(c.endpoint, fail);
      const openedA = c.now();
      await a.settled();
      c.advance(500);
      for (let i = 0; i < 3; i++) b.record(c.endpoint, fail); // B has not polled yet
      await c.sync();
      expect([a.snapshot(c.endpoint).openedAt, b.snapshot(c.endpoint).openedAt]).toEqual([openedA, openedA]);
    });
  },
);

describe('when the database fails', () => {
  test('requests are never blocked: circuits still open locally, the failure is logged, and a lone node probes', async () => {
    let t = 1_000_000;
    const errors: string[] = [];
    const n = createSharedHealthTracker({
      exec: () => Promise.reject(new Error('connection refused')),
      nodeId: 'node_a',
      log: { error: (msg: string) => errors.push(msg), warn: (msg: string) => errors.push(msg) },
      now: () => t,
      pollMs: 0,
      health: { failureThreshold: 3, coolDownMs: COOL_DOWN_MS },
    });
    try {
      const E = 'm@p:r';
      for (let i = 0; i < 3; i++) n.record(E, fail);
      expect(n.state(E)).toBe('open');
      await n.settled();
      expect(errors).toContain('shared circuit state: write failed');
      t += COOL_DOWN_MS;
      expect(n.allowRequest(E)).toBe(false); // the claim goes to the database first
      await n.settled();
      expect(errors).toContain('shared circuit state: probe claim failed; probing locally');
      expect(n.allowRequest(E)).toBe(true);
      expect(n.allowRequest(E)).toBe(false);
    } finally {
      await n.close();
    }
  });
});

describe.each(testDrivers())('the gateway’s health tracker on %s', (driver) => {
  test(driver === 'postgres' ? 'is shared through the database' : 'stays in the process', async () => {
    const db = await openTestDb(driver);
    try {
      const runtime = await createInference(db.handle, loadConfig({ LOWROUTER_LOG_LEVEL: 'silent' }), silent);
      try {
        const E = 'openai/gpt-4o-mini@openai:us';
        for (let i = 0; i < 5; i++) runtime.deps.health.record(E, fail);
        expect(runtime.deps.health.view(E)).toEqual({
          state: 'open',
          detail: 'circuit open after 5 consecutive failures (probe in 30 s)',
        });
        await runtime.sharedHealth?.settled();
        const rows = await db.handle.exec('select endpoint_id, opened_by from endpoint_circuits');
        if (driver === 'pglite') {
          expect(runtime.sharedHealth).toBeUndefined();
          expect(rows).toEqual([]);
        } else {
          expect(rows).toEqual([{ endpoint_id: E, opened_by: runtime.deps.nodeId }]);
        }
      } finally {
        await runtime.close();
      }
    } finally {
      await db.cleanup();
    }
  });
});
