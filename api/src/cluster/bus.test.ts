import { type AddressInfo, type Socket, connect, createServer } from 'node:net';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateApiKey, hashApiKey } from '../auth/keys';
import { openDb } from '../db/client';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { apiKeys, organizations, routingPolicies } from '../db/schema';
import { createLogger } from '../log';
import { type Bus, type BusEvent, PUSHED_TTL_MS, createBus, createLocalBus, parseBusEvent } from './bus';

const waitFor = async (cond: () => boolean, ms = 10_000) => {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 1));
  }
};

describe('bus events', () => {
  it('parses the payloads the triggers send and refuses anything else', () => {
    expect(parseBusEvent('{"kind":"key","id":"key_1"}')).toEqual({ kind: 'key', id: 'key_1' });
    expect(parseBusEvent('{"kind":"policy","id":"pol_1","orgId":"org_1"}')).toEqual({
      kind: 'policy',
      id: 'pol_1',
      orgId: 'org_1',
    });
    expect(parseBusEvent('{"kind":"grid"}')).toEqual({ kind: 'grid' });
    for (const bad of ['', 'null', '[]', '{"kind":"key"}', '{"kind":"nope"}', '{"kind":"policy","id":"p"}'])
      expect(parseBusEvent(bad)).toBeNull();
  });

  it('keeps short TTLs until connected, long ones while connected, and resets subscribers on every connect', () => {
    const bus = createLocalBus();
    const ttl = bus.ttl(PUSHED_TTL_MS, 1_000);
    let resets = 0;
    bus.onReset(() => resets++);
    expect(ttl()).toBe(1_000);
    bus.setConnected(true);
    expect([ttl(), resets]).toEqual([PUSHED_TTL_MS, 1]);
    bus.setConnected(false);
    expect([ttl(), resets]).toEqual([1_000, 1]);
    bus.setConnected(true);
    expect(resets).toBe(2);
  });

  it('delivers an event only to the subscribers of its kind, until they unsubscribe', () => {
    const bus = createLocalBus();
    const seen: BusEvent[] = [];
    const off = bus.subscribe('key', (e) => seen.push(e));
    bus.subscribe('grid', (e) => seen.push(e));
    bus.publish({ kind: 'key', id: 'key_1' });
    bus.publish({ kind: 'policy', id: 'p', orgId: 'o' });
    off();
    bus.publish({ kind: 'key', id: 'key_2' });
    bus.publish({ kind: 'grid' });
    expect(seen).toEqual([{ kind: 'key', id: 'key_1' }, { kind: 'grid' }]);
  });
});

describe.each(testDrivers())('the invalidation bus on %s', (driver) => {
  let t: TestDb;
  let bus: Bus;
  const seen: BusEvent[] = [];
  let resets = 0;
  beforeAll(async () => {
    t = await openTestDb(driver);
    bus = await createBus(t.handle, createLogger('silent'));
    for (const kind of ['key', 'policy', 'grid'] as const) bus.subscribe(kind, (e) => seen.push(e));
    bus.onReset(() => resets++);
  }, 180_000);
  afterAll(async () => {
    await bus?.close();
    await t?.cleanup();
  });

  it(
    driver === 'postgres'
      ? 'hears committed key and policy changes from another connection, not rolled-back ones or last_used_at'
      : 'stays in-process with the short TTLs (one process: nothing to hear)',
    async () => {
      if (driver === 'pglite') {
        expect(bus.connected()).toBe(false);
        expect(bus.ttl(PUSHED_TTL_MS, 1_000)()).toBe(1_000);
        return;
      }
      expect(bus.connected()).toBe(true);
      // Another process's writes: a connection of its own.
      const other = await openDb({ databaseUrl: t.url });
      try {
        const id = 'key_bus_test';
        await other.db.insert(organizations).values({ id: 'org_default', name: 'Default' });
        await other.db.insert(apiKeys).values({
          id,
          orgId: 'org_default',
          name: 'bus',
          prefix: 'lr_x',
          keyHash: hashApiKey('0123456789abcdef', generateApiKey()),
          scopes: ['read'],
        });
        await other.db.update(apiKeys).set({ lastUsedAt: new Date() }).where(eq(apiKeys.id, id));
        await other.db
          .transaction(async (tx) => {
            await tx.update(apiKeys).set({ name: 'renamed' }).where(eq(apiKeys.id, id));
            tx.rollback();
          })
          .catch(() => {});
        await other.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, id));
        await waitFor(() => seen.length >= 1);
        await other.db.insert(routingPolicies).values({
          id: 'pol_bus',
          orgId: 'org_default',
          name: 'p',
          kind: 'auto',
          spec: {},
        });
        await other.db.execute(sql`insert into grid_factor_versions
        select * from grid_factor_versions where false`);
        await waitFor(() => seen.length >= 3);
        expect(seen).toEqual([
          { kind: 'key', id },
          { kind: 'policy', id: 'pol_bus', orgId: 'org_default' },
          { kind: 'grid' },
        ]);
      } finally {
        await other.close();
      }
    },
  );

  if (driver === 'postgres')
    it('reconnects after its connection is killed, and resets subscribers', async () => {
      const before = resets;
      await t.handle.exec(
        "select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'lowrouter-listen' and datname = current_database()",
      );
      await waitFor(() => !bus.connected() || resets > before);
      await waitFor(() => bus.connected() && resets > before);
      const other = await openDb({ databaseUrl: t.url });
      try {
        seen.length = 0;
        await other.db.update(apiKeys).set({ name: 'again' }).where(eq(apiKeys.id, 'key_bus_test'));
        await waitFor(() => seen.length >= 1);
        expect(seen).toEqual([{ kind: 'key', id: 'key_bus_test' }]);
      } finally {
        await other.close();
      }
    });

  if (driver === 'postgres')
    it('counts a connection that hangs without an error as down within two heartbeats', async () => {
      // A TCP relay to PostgreSQL that can be frozen: bytes stop flowing, no socket closes.
      const pairs: [Socket, Socket][] = [];
      const target = new URL(t.url!);
      const relay = createServer((client) => {
        const server = connect(Number(target.port || 5432), target.hostname);
        client.pipe(server).pipe(client);
        client.on('error', () => {});
        server.on('error', () => {});
        pairs.push([client, server]);
      });
      await new Promise<void>((r) => relay.listen(0, '127.0.0.1', r));
      const via = new URL(t.url!);
      via.port = String((relay.address() as AddressInfo).port);
      const h = await openDb({ databaseUrl: via.toString() });
      const events: string[] = [];
      const l = await h.listen!('lowrouter_relay_test', {
        onMessage: () => {},
        onConnect: () => events.push('up'),
        onDisconnect: () => events.push('down'),
        heartbeatMs: 200,
      });
      try {
        expect(events).toEqual(['up']);
        for (const [a, b] of pairs) {
          a.unpipe(b);
          b.unpipe(a);
          a.pause();
          b.pause();
        }
        const frozenAt = Date.now();
        await waitFor(() => events.includes('down'));
        expect(Date.now() - frozenAt).toBeLessThan(2_000);
      } finally {
        for (const [a, b] of pairs) {
          a.destroy();
          b.destroy();
        }
        await l.close().catch(() => {});
        await h.close().catch(() => {});
        relay.close();
      }
    });

  if (driver === 'postgres')
    it('delivers a committed change to the listener within a second (delays printed)', async () => {
      const other = await openDb({ databaseUrl: t.url });
      const delays: number[] = [];
      try {
        for (let i = 0; i < 20; i++) {
          seen.length = 0;
          await other.db
            .update(apiKeys)
            .set({ name: `n${i}` })
            .where(eq(apiKeys.id, 'key_bus_test'));
          const t0 = performance.now();
          await waitFor(() => seen.length >= 1);
          delays.push(performance.now() - t0);
        }
      } finally {
        await other.close();
      }
      delays.sort((x, y) => x - y);
      console.log(
        `[bus] commit → event in this process: median ${delays[10]!.toFixed(1)} ms, max ${delays[19]!.toFixed(1)} ms over 20`,
      );
      expect(delays[19]).toBeLessThan(1_000);
    });
});
