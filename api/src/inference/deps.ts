/**
 * Builds what the inference path needs, once per process: this node's identity and lease, the
 * credentials from configuration, routing tables, health, policies, limits, credit admission (leases)
 * and the recorder (group commit). At start it releases reservations and credit leases left by nodes
 * that are gone (a crash, a kill -9), and keeps sweeping every minute so a node that dies while others
 * run does not hold credit hostage. `close` writes what is queued, then gives this node's leases (credit
 * and rate limit slices) back.
 */
import type { Provider } from '@lowrouter/shared';
import { recordRequestMetrics } from '../analytics/metrics';
import { type Bus, PUSHED_TTL_MS } from '../cluster/bus';
import { createCreditAdmission } from '../billing/credit-lease';
import { createGroupCommit } from '../billing/group-commit';
import { sweepReservations } from '../billing/ledger';
import { type BatchItem, recordBatch, recordRequest } from '../billing/record';
import type { Config } from '../config';
import type { DbHandle } from '../db/client';
import { providers } from '../db/schema';
import { newId } from '../ids';
import type { Logger } from '../log';
import type { FetchLike } from '../providers/call';
import { resolveCredentials } from '../providers/credentials';
import { createHealthTracker } from '../routing/health';
import { createSharedHealthTracker, type SharedHealthTracker } from '../routing/shared-health';
import type { InferenceDeps } from './complete';
import { createPolicyStore } from '../routing/policies';
import { createRateLimiter } from './rate-limit';
import { createSharedRateLimiter } from './shared-rate-limit';
import { createTablesCache } from '../routing/routing-tables';

export interface InferenceRuntime {
  deps: InferenceDeps;
  /** Rows per commit so far (benchmarks). */
  recordStats: { batches: number; items: number; retriedBatches: number; failedItems: number };
  /**
   * On PostgreSQL, the circuit breakers shared with the other nodes (routing/shared-health.ts);
   * `refreshNow()` reads the other nodes' circuits at once (e.g. on a NOTIFY). Undefined on PGlite.
   */
  sharedHealth?: SharedHealthTracker;
  /** Writes what is queued, then returns this node's credit leases. Never throws (logs instead). */
  close(): Promise<void>;
}

export async function createInference(
  handle: DbHandle,
  config: Config,
  log: Logger,
  opts: {
    fetch?: FetchLike;
    now?: () => number;
    random?: () => number;
    tablesRefreshMs?: number;
    policyTtlMs?: number;
    /** ms between polls of the shared circuit table (PostgreSQL); default `config.healthPollMs`. */
    healthPollMs?: number;
    /**
     * Pushed invalidation (cluster/bus.ts): policy and grid events clear the policy cache and rebuild
     * the routing tables at once, and while it is connected their TTLs are PUSHED_TTL_MS (60 s)
     * instead of `policyTtlMs` (1 s) and `tablesRefreshMs` (2 s).
     */
    bus?: Bus;
  } = {},
): Promise<InferenceRuntime> {
  const nodeId = newId('res').replace('res_', 'node_');
  await handle.holdNodeLease(nodeId);
  const sweep = async () => {
    const n = await sweepReservations(handle.db, (id) =>
      id === nodeId ? Promise.resolve(false) : handle.isNodeGone(id),
    );
    if (n) log.warn('released reservations of gateway nodes that are gone', { count: n });
  };
  await sweep();
  const timer = setInterval(() => {
    sweep().catch((err) => log.error('reservation sweep failed', { error: String(err) }));
    // Credit a lease holds for an organisation that went quiet goes back to its available balance.
    credit.returnIdle(60_000).catch(() => {});
  }, 60_000);
  timer.unref();

  const providerRows = await handle.db.select().from(providers);
  const credentials = resolveCredentials(
    config.env,
    providerRows.map((p) => p.spec as Provider),
  );
  log.info('providers with credentials', {
    providers: providerRows.filter((p) => credentials.isAvailable(p.id)).map((p) => p.id),
  });
  const now = opts.now ?? Date.now;
  const credit = createCreditAdmission({ db: handle.asyncCommitDb, nodeId, log, now });
  const group = createGroupCommit<BatchItem>({
    write: (items) => recordBatch(handle.recordDb, items),
    log,
    describe: (item) => ({ requestId: item.row.id }),
  });
  const record: InferenceDeps['record'] = async (row, reservedMicro) => {
    const settled = credit.settle(row, reservedMicro);
    // An exact reservation the charge overshoots: recorded on its own, clamped under the org's lock.
    if (!settled) return recordRequest(handle.db, { row, reservedMicro });
    try {
      await group.submit(settled.item);
    } catch (err) {
      settled.done(false);
      throw err;
    }
    settled.done(true);
    return { debitedMicro: settled.debitedMicro };
  };
  // Per-key limits: on PostgreSQL shared by every node (slices claimed per key and minute, no round
  // trip per request; shared-rate-limit.ts); on PGlite, one process per data directory, in memory.
  const shared =
    handle.driver === 'postgres'
      ? createSharedRateLimiter({ db: handle.db, log, now, idleCheckMs: 1_000 })
      : undefined;
  // One process on PGlite: the in-process tracker. On PostgreSQL other nodes may share the database,
  // so circuits are shared through endpoint_circuits; the first poll completes before we serve.
  const sharedHealth =
    handle.driver === 'postgres'
      ? createSharedHealthTracker({
          exec: (text, params) => handle.exec(text, params),
          nodeId,
          log,
          now,
          pollMs: opts.healthPollMs ?? config.healthPollMs,
        })
      : undefined;
  await sharedHealth?.refreshNow();
  const bus = opts.bus;
  const tablesRefreshMs = opts.tablesRefreshMs ?? 2_000;
  const policyTtlMs = opts.policyTtlMs ?? 1_000;
  const tables = createTablesCache(handle.db, credentials, {
    refreshMs: bus ? bus.ttl(PUSHED_TTL_MS, tablesRefreshMs) : tablesRefreshMs,
    now,
  });
  const policies = createPolicyStore(handle.db, {
    ttlMs: bus ? bus.ttl(PUSHED_TTL_MS, policyTtlMs) : policyTtlMs,
    now,
  });
  const rebuildTables = () => {
    tables.refresh().catch((err) => log.error('routing tables rebuild failed', { error: String(err) }));
  };
  const unsubscribe = bus
    ? [
        bus.subscribe('policy', () => policies.invalidate()),
        bus.subscribe('grid', rebuildTables),
        bus.onReset(() => {
          policies.invalidate();
          rebuildTables();
        }),
      ]
    : [];
  const deps: InferenceDeps = {
    db: handle.db,
    reserveDb: handle.asyncCommitDb,
    config,
    tables,
    health: sharedHealth ?? createHealthTracker({ now }),
    policies,
    rateLimiter: shared ?? createRateLimiter(now),
    credit,
    log,
    nodeId,
    record,
    onRecorded: (row) => recordRequestMetrics(row),
    ...(opts.fetch ? { fetch: opts.fetch } : {}),
    now,
    ...(opts.random ? { random: opts.random } : {}),
  };
  return {
    deps,
    recordStats: group.stats,
    ...(sharedHealth ? { sharedHealth } : {}),
    async close() {
      clearInterval(timer);
      await sharedHealth?.close();
      for (const off of unsubscribe) off();
      try {
        await group.drain();
        if (group.stats.batches)
          log.info('record batches', {
            ...group.stats,
            rowsPerCommit: group.stats.items / group.stats.batches,
          });
        await credit.close();
      } catch (err) {
        log.error('returning credit leases at shutdown failed; the sweep will release them', {
          error: String(err),
        });
      }
      // Unused rate limit slices of this minute go back for the other nodes (never throws).
      await shared?.close();
    },
  };
}
