/**
 * Circuit breakers shared by the gateway nodes on one PostgreSQL, through the `endpoint_circuits`
 * table. Each node keeps its own `createHealthTracker` (window, breaker, the synchronous hot path) and:
 *
 * - publishes its transitions (open, re-open after a failed probe, close after a successful one) as a
 *   write off the request path (fire-and-forget, errors logged, writes per endpoint in order);
 * - polls every `pollMs` (default 250 ms) for rows whose `updated_at` moved (one indexed query per node
 *   per tick, nothing per request) and adopts them: an open circuit with the same `openedAt`, so its
 *   cool-down ends at the same moment everywhere, and a reason naming the node that saw it; a close;
 * - half-open: `allowRequest` grants the probe only to the node that won the cluster-wide claim (an
 *   atomic conditional update setting `probe_node` and `probe_until`, database clock). A node without
 *   the claim answers false at once and starts the claim in the background; the next request on that
 *   node is the probe if it won. So the hot path never awaits: the request that arrives when the
 *   cool-down ends falls back (as it would have a moment earlier, while open), and one round trip later
 *   the winner probes. A claim whose node dies or never sends the probe expires at `probe_until`.
 *
 * `markUnavailable` (our credential was refused) stays per node: credentials are per-node configuration
 * (a rolling key rotation has nodes with different keys), and each node finds out with one request.
 *
 * Clocks: `opened_at` is the opening node's clock and cool-downs are read on each node's clock, so
 * nodes whose clocks differ by d end a cool-down up to d apart (we assume NTP, d ≪ 1 s); who may probe
 * is decided on the database's `now()` only, so skew never yields two probes.
 *
 * `refreshNow()` polls at once: a NOTIFY listener (cluster bus) can call it to cut the propagation delay
 * below the poll interval.
 */
import type { Logger } from '../log';
import {
  type CircuitTransition,
  createHealthTracker,
  DEFAULT_HEALTH_OPTIONS,
  type HealthOptions,
  type HealthTracker,
} from './health';

/** Raw SQL with $1… parameters (DbHandle.exec). */
export type Exec = (sqlText: string, params: unknown[]) => Promise<Record<string, unknown>[]>;

export interface SharedHealthOptions {
  exec: Exec;
  /** This node's id (deps.ts), written as `opened_by` / `probe_node`. */
  nodeId: string;
  log: Pick<Logger, 'error' | 'warn'>;
  /** ms since the epoch. */
  now: () => number;
  health?: Partial<Omit<HealthOptions, 'now' | 'onTransition'>>;
  /** ms between polls; 0 starts no timer (tests call `refreshNow`). Default 250. */
  pollMs?: number;
  /** ms a probe claim holds on the database clock before another node may take it. Default: the cool-down. */
  probeClaimMs?: number;
}

export interface SharedHealthTracker extends HealthTracker {
  /** Polls now (coalesced with a poll in flight); resolves when what it read is applied. Never throws. */
  refreshNow(): Promise<void>;
  /** Resolves when every write and claim started so far has finished (tests, shutdown). */
  settled(): Promise<void>;
  /** Stops polling and waits for writes in flight. */
  close(): Promise<void>;
}

const COLUMNS = `endpoint_id, round(extract(epoch from opened_at) * 1000)::float8 as opened_ms, open_reason,
  opened_by, probe_node, (extract(epoch from probe_until - now()) * 1000)::float8 as probe_left_ms,
  (extract(epoch from updated_at) * 1000000)::bigint::text as version`;
/** Rows changed since the cursor (µs since the epoch), with 2 s of margin for late commits. */
const POLL_SQL = `select ${COLUMNS} from endpoint_circuits
  where updated_at > to_timestamp($1::float8 / 1000000) - interval '2 seconds' order by updated_at`;
const ONE_SQL = `select ${COLUMNS} from endpoint_circuits where endpoint_id = $1`;
const OPEN_VALUES = `insert into endpoint_circuits as c
  (endpoint_id, opened_at, open_reason, opened_by, probe_node, probe_until, updated_at)
  values ($1, to_timestamp($2::float8 / 1000), $3, $4, null, null, now())
  on conflict (endpoint_id) do update set opened_at = excluded.opened_at, open_reason = excluded.open_reason,
  opened_by = excluded.opened_by, probe_node = null, probe_until = null, updated_at = now()`;
/** A first open: only over a closed row (an open one already says the same, with its own cool-down). */
const OPEN_IF_CLOSED_SQL = `${OPEN_VALUES} where c.opened_at is null returning endpoint_id`;
/** A re-open (failed probe) or this node re-publishing a circuit its row does not show. */
const OPEN_SQL = `${OPEN_VALUES} returning endpoint_id`;
/** A successful probe closes the circuit it probed, not a newer one another node opened since. */
const CLOSE_SQL = `update endpoint_circuits set opened_at = null, open_reason = null, opened_by = null,
  probe_node = null, probe_until = null, updated_at = now()
  where endpoint_id = $1 and opened_at = to_timestamp($2::float8 / 1000) returning endpoint_id`;
const RELEASE_SQL = `update endpoint_circuits set probe_node = null, probe_until = null, updated_at = now()
  where endpoint_id = $1 and probe_node = $2 and opened_at = to_timestamp($3::float8 / 1000)`;
/** One statement: the claim, and the row as it was (who holds the probe, for how long) when lost. */
const CLAIM_SQL = `with cur as (
    select opened_at, probe_node, probe_until, now() as t from endpoint_circuits where endpoint_id = $1
  ), won as (
    update endpoint_circuits set probe_node = $2, probe_until = now() + $3::float8 * interval '1 millisecond',
      updated_at = now()
    where endpoint_id = $1 and opened_at = to_timestamp($4::float8 / 1000)
      and (probe_until is null or probe_until <= now())
    returning 1
  )
  select (select count(*) from won)::int as won,
    (select round(extract(epoch from opened_at) * 1000)::float8 from cur) as opened_ms,
    (select probe_node from cur) as probe_node,
    (select (extract(epoch from probe_until - t) * 1000)::float8 from cur) as left_ms`;

interface Row {
  endpoint_id: string;
  opened_ms: number | null;
  open_reason: string | null;
  opened_by: string | null;
  probe_node: string | null;
  probe_left_ms: number | null;
  version: string;
}

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

/** Creates the shared tracker and starts polling (the first poll at once). */
export function createSharedHealthTracker(opts: SharedHealthOptions): SharedHealthTracker {
  const { exec, nodeId: me, log, now } = opts;
  const pollMs = opts.pollMs ?? 250;
  const coolDownMs = opts.health?.coolDownMs ?? DEFAULT_HEALTH_OPTIONS.coolDownMs;
  const probeClaimMs = opts.probeClaimMs ?? coolDownMs;
  const local = createHealthTracker({ ...opts.health, now, onTransition: (id, t) => publish(id, t) });

  /** Probe claims this node won: valid for the circuit opened at `openedAt` until `until` (local ms). */
  const claims = new Map<string, { openedAt: number; until: number }>();
  /** Another node's probe in flight, for the views (local ms). */
  const remoteProbes = new Map<string, { node: string; until: number }>();
  const claiming = new Set<string>();
  const retryClaimAt = new Map<string, number>();
  const seen = new Map<string, string>();
  let cursorMicros = 0;
  const pending = new Set<Promise<unknown>>();
  const chains = new Map<string, Promise<unknown>>();

  /** Runs `op` after the endpoint's earlier writes, off the request path; errors are logged. */
  const background = (id: string, what: string, op: () => Promise<unknown>) => {
    const p = (chains.get(id) ?? Promise.resolve())
      .then(op)
      .catch((err) =>
        log.error('shared circuit state: write failed', { endpointId: id, what, error: String(err) }),
      );
    chains.set(id, p);
    pending.add(p);
    p.finally(() => {
      pending.delete(p);
      if (chains.get(id) === p) chains.delete(id);
    });
  };

  const fetchOne = async (id: string): Promise<Row | undefined> =>
    (await exec(ONE_SQL, [id]))[0] as unknown as Row | undefined;

  const reasonOf = (r: Row) =>
    r.opened_by === me || !r.opened_by
      ? (r.open_reason ?? 'circuit open')
      : `opened on ${r.opened_by}: ${r.open_reason}`;

  /**
   * Applies a row to the local circuit. Newest wins: an open row older than this node's own open is
   * this node's write still on its way (or one that will be re-published), and a close older than
   * this node's open does not undo it. `force` adopts an open row whatever its age (this node's own
   * open lost to it).
   */
  const apply = (r: Row, force = false) => {
    const id = r.endpoint_id;
    const openedMs = num(r.opened_ms);
    const left = num(r.probe_left_ms);
    if (r.probe_node && r.probe_node !== me && left !== null && left > 0)
      remoteProbes.set(id, { node: r.probe_node, until: now() + left });
    else {
      // No probe out any more (released, or a verdict came): the next request may claim at once.
      remoteProbes.delete(id);
      retryClaimAt.delete(id);
    }
    const mine = local.circuit(id).openedAt;
    if (openedMs !== null) {
      if (mine === openedMs) return;
      if (mine !== null && mine > openedMs && !force) return;
      local.adopt(id, { openedAt: openedMs, reason: reasonOf(r) });
      return;
    }
    if (mine !== null && mine <= Number(r.version) / 1000) local.adopt(id, null);
  };

  function publish(id: string, t: CircuitTransition) {
    claims.delete(id);
    if (t.kind === 'close') {
      background(id, 'close', async () => {
        if ((await exec(CLOSE_SQL, [id, t.openedAt])).length === 0) {
          // Another node opened a newer circuit since: take it.
          const r = await fetchOne(id);
          if (r) apply(r);
        }
      });
      return;
    }
    const sqlText = t.kind === 'open' ? OPEN_IF_CLOSED_SQL : OPEN_SQL;
    background(id, t.kind, async () => {
      if ((await exec(sqlText, [id, t.openedAt, t.reason, me])).length === 0) {
        // Another node's circuit was already open: share its cool-down rather than start a new one.
        const r = await fetchOne(id);
        if (r) apply(r, true);
      }
    });
  }

  const claim = (id: string, openedAt: number, t: number) => {
    claiming.add(id);
    const p = (async () => {
      try {
        const [res] = await exec(CLAIM_SQL, [id, me, probeClaimMs, openedAt]);
        const rowOpened = num(res?.opened_ms);
        if (Number(res?.won) === 1) {
          claims.set(id, { openedAt, until: t + probeClaimMs });
          remoteProbes.delete(id);
        } else if (rowOpened === openedAt) {
          // Another node holds the probe: ask again when its claim expires (its verdict usually comes first).
          const left = Math.max(num(res?.left_ms) ?? 0, 20);
          retryClaimAt.set(id, t + left);
          if (res?.probe_node) remoteProbes.set(id, { node: String(res.probe_node), until: t + left });
        } else {
          // The row shows another circuit (or none): adopt it, or re-publish ours if it is newer.
          const r = await fetchOne(id);
          if (r && num(r.opened_ms) !== null) apply(r, true);
          else if (r && openedAt <= Number(r.version) / 1000) apply(r);
          else {
            const c = local.circuit(id);
            if (c.openedAt === openedAt) await exec(OPEN_SQL, [id, openedAt, c.reason, me]);
          }
          retryClaimAt.set(id, t + 20);
        }
      } catch (err) {
        // Without the database the cluster cannot agree: probe from here, as a lone node would.
        log.error('shared circuit state: probe claim failed; probing locally', {
          endpointId: id,
          error: String(err),
        });
        claims.set(id, { openedAt, until: t + probeClaimMs });
      } finally {
        claiming.delete(id);
      }
    })();
    pending.add(p);
    p.finally(() => pending.delete(p));
  };

  let polling: Promise<void> | null = null;
  let again = false;
  /** A poll failed and nothing has succeeded since: log the streak once, not every tick. */
  let pollFailing = false;
  const pollOnce = async () => {
    const rows = (await exec(POLL_SQL, [cursorMicros])) as unknown as Row[];
    for (const r of rows) {
      const v = String(r.version);
      cursorMicros = Math.max(cursorMicros, Number(v));
      if (seen.get(r.endpoint_id) === v) continue;
      seen.set(r.endpoint_id, v);
      apply(r);
    }
  };
  const refreshNow = (): Promise<void> => {
    if (polling) {
      again = true;
      return polling;
    }
    polling = (async () => {
      do {
        again = false;
        try {
          await pollOnce();
          if (pollFailing) log.warn('shared circuit state: polling works again');
          pollFailing = false;
        } catch (err) {
          if (!pollFailing)
            log.warn(
              'shared circuit state: poll failed; circuits of other nodes are not seen until it works',
              {
                error: String(err),
              },
            );
          pollFailing = true;
        }
      } while (again);
    })().finally(() => {
      polling = null;
    });
    return polling;
  };
  void refreshNow();
  const timer = pollMs > 0 ? setInterval(() => void refreshNow(), pollMs) : undefined;
  timer?.unref();

  const settled = async () => {
    while (pending.size) await Promise.all([...pending]);
  };

  return {
    record: (id, outcome) => local.record(id, outcome),
    state: (id) => local.state(id),
    snapshot: (id) => local.snapshot(id),
    markUnavailable: (id, reason, ms) => local.markUnavailable(id, reason, ms),

    release(id) {
      const c = local.circuit(id);
      const held = claims.get(id);
      if (held && c.probing && c.openedAt === held.openedAt) {
        claims.delete(id);
        background(id, 'release probe', () => exec(RELEASE_SQL, [id, me, held.openedAt]));
      }
      local.release(id);
    },

    allowRequest(id) {
      if (local.state(id) !== 'half-open') return local.allowRequest(id);
      const openedAt = local.circuit(id).openedAt!;
      const t = now();
      const held = claims.get(id);
      if (held && held.openedAt === openedAt && t < held.until) return local.allowRequest(id);
      if (held) claims.delete(id);
      if (!claiming.has(id) && t >= (retryClaimAt.get(id) ?? 0)) claim(id, openedAt, t);
      return false;
    },

    view(id) {
      const v = local.view(id);
      const remote = remoteProbes.get(id);
      if (
        typeof v === 'object' &&
        v.state === 'half-open' &&
        remote &&
        now() < remote.until &&
        !claims.has(id)
      )
        return { state: v.state, detail: `a recovery probe is in flight on ${remote.node}` };
      return v;
    },

    refreshNow,
    settled,
    async close() {
      if (timer) clearInterval(timer);
      await polling;
      await settled();
    },
  };
}
