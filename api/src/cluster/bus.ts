/**
 * The invalidation bus: what changed in the database, pushed to every gateway process. On
 * PostgreSQL, triggers (migration `push_invalidation`) call `pg_notify('lowrouter_events', json)` for
 * every writer — GraphQL, REST, the CLI, another node — and PostgreSQL delivers it on commit to each
 * process's one LISTEN connection (on the direct URL: LISTEN needs a session, which PgBouncer in
 * transaction mode does not keep). On PGlite (one process) the bus is in-process only.
 *
 * Caches ask `ttl(pushedMs, fallbackMs)` how long to trust an entry: while the LISTEN connection is up
 * a change arrives as an event, so the TTL is only a safety net (`PUSHED_TTL_MS`, 60 s); while it is
 * down (and on PGlite, where nothing listens) they fall back to today's short TTLs (1 s for keys and
 * policies, 2 s for routing tables). Notifications sent while the connection was down are lost, so
 * every (re)connect resets subscribers: they drop everything they hold.
 */
import type { DbHandle } from '../db/client';
import type { Logger } from '../log';

/** The PostgreSQL channel the triggers notify on. */
export const BUS_CHANNEL = 'lowrouter_events';

/** How long caches trust an entry while pushed events arrive (ms): a safety net only. */
export const PUSHED_TTL_MS = 60_000;

/** What changed. Payloads are JSON objects sent by the triggers. */
export type BusEvent =
  /** An API key was changed (revoked, scopes, policy, limits) or deleted. */
  | { kind: 'key'; id: string }
  /** A routing policy was created, changed (including which is an organisation's default) or deleted. */
  | { kind: 'policy'; id: string; orgId: string }
  /** Grid intensity factors were imported (`lowrouter grid import`): routing tables are stale. */
  | { kind: 'grid' };

export type BusKind = BusEvent['kind'];

export interface Bus {
  /** Whether events from other processes arrive now (PostgreSQL, LISTEN connection up). */
  connected(): boolean;
  /** Calls `fn` for every event of `kind`; returns the unsubscribe. */
  subscribe<K extends BusKind>(kind: K, fn: (event: Extract<BusEvent, { kind: K }>) => void): () => void;
  /** Calls `fn` on every (re)connect: events may have been missed, so drop everything cached. */
  onReset(fn: () => void): () => void;
  /** Delivers `event` to this process's subscribers (in-process; the triggers cover other processes). */
  publish(event: BusEvent): void;
  /** A TTL (ms) that is `pushedMs` while connected and `fallbackMs` otherwise. */
  ttl(pushedMs: number, fallbackMs: number): () => number;
  close(): Promise<void>;
}

/** Parses a trigger payload; null for anything that is not a known event. */
export function parseBusEvent(payload: string): BusEvent | null {
  let v: unknown;
  try {
    v = JSON.parse(payload);
  } catch {
    return null;
  }
  if (!v || typeof v !== 'object') return null;
  const e = v as Record<string, unknown>;
  if (e.kind === 'key' && typeof e.id === 'string') return { kind: 'key', id: e.id };
  if (e.kind === 'policy' && typeof e.id === 'string' && typeof e.orgId === 'string')
    return { kind: 'policy', id: e.id, orgId: e.orgId };
  if (e.kind === 'grid') return { kind: 'grid' };
  return null;
}

/** An in-process bus, never connected to other processes (PGlite, and the unit tests). */
export function createLocalBus(): Bus & { setConnected(up: boolean): void } {
  const subs = new Map<BusKind, Set<(e: BusEvent) => void>>();
  const resets = new Set<() => void>();
  let up = false;
  const bus = {
    connected: () => up,
    subscribe<K extends BusKind>(kind: K, fn: (event: Extract<BusEvent, { kind: K }>) => void) {
      const set = subs.get(kind) ?? new Set();
      subs.set(kind, set);
      const f = fn as (e: BusEvent) => void;
      set.add(f);
      return () => {
        set.delete(f);
      };
    },
    onReset(fn: () => void) {
      resets.add(fn);
      return () => {
        resets.delete(fn);
      };
    },
    publish(event: BusEvent) {
      for (const fn of subs.get(event.kind) ?? []) fn(event);
    },
    ttl: (pushedMs: number, fallbackMs: number) => () => (up ? pushedMs : fallbackMs),
    /** Marks the bus up or down; going up resets every subscriber (events may have been missed). */
    setConnected(next: boolean) {
      up = next;
      if (next) for (const fn of resets) fn();
    },
    async close() {
      up = false;
    },
  };
  return bus;
}

/**
 * The process's bus: LISTEN on `BUS_CHANNEL` when the database offers it (PostgreSQL, direct URL),
 * else in-process only. Resolves once the first LISTEN is up (or has failed: it is then retried every
 * second, with the short TTLs in force meanwhile).
 */
export async function createBus(handle: Pick<DbHandle, 'listen'>, log: Logger): Promise<Bus> {
  const bus = createLocalBus();
  if (!handle.listen) return bus;
  let everUp = false;
  const listening = await handle.listen(BUS_CHANNEL, {
    onMessage(payload) {
      const event = parseBusEvent(payload);
      if (event) bus.publish(event);
      else log.warn('ignored a malformed invalidation event', { length: payload.length });
    },
    onConnect() {
      if (everUp) log.info('invalidation bus reconnected: caches dropped');
      everUp = true;
      bus.setConnected(true);
    },
    onDisconnect(error) {
      bus.setConnected(false);
      log.warn('invalidation bus disconnected: short cache TTLs until it is back', { error: String(error) });
    },
  });
  return {
    ...bus,
    async close() {
      await bus.close();
      await listening.close();
    },
  };
}
