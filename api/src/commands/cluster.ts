/**
 * `lowrouter start` on PostgreSQL with more than one worker: this process (the cluster primary)
 * prepares the database once (migrations, catalog, bootstrap: the generated admin key is printed
 * once), then forks `config.workers` processes that serve the same port (node:cluster hands them
 * connections in turn). A worker that dies is replaced; SIGINT/SIGTERM stops every worker cleanly
 * (each closes its server and its pool) before the primary exits.
 */
import cluster, { type Worker } from 'node:cluster';
import type { Config } from '../config';
import { configuredDb, openDb } from '../db/client';
import type { Logger } from '../log';
import { prepareDatabase } from '../main';
import { grantCommand } from './banner';

/** What a worker tells the primary once it listens. */
export interface WorkerUp {
  lowrouter: 'up';
  url: string;
}

const isUp = (m: unknown): m is WorkerUp =>
  typeof m === 'object' && m !== null && (m as { lowrouter?: unknown }).lowrouter === 'up';

/** Grace before a worker that ignores SIGTERM is killed (ms). */
const STOP_GRACE_MS = 15_000;
/** A worker that dies sooner than this after its start waits before it is replaced (ms), doubling. */
const CRASH_LOOP_MS = 10_000;

export async function runPrimary(
  config: Config,
  log: Logger,
  signals: { onSignal: (fn: (signal: string) => void) => void; signalled: () => string | undefined },
): Promise<number> {
  const db = await openDb({
    ...configuredDb(config),
    maxConnections: 2,
  });
  let generatedAdminKey: string | undefined;
  try {
    ({ generatedAdminKey } = await prepareDatabase(db, config, log));
  } finally {
    await db.close();
  }
  if (signals.signalled()) return 0;

  let stopping = false;
  let delayMs = 0;
  const startedAt = new Map<Worker, number>();
  let announce: ((url: string) => void) | undefined;
  const allUp = new Promise<string>((resolve) => {
    announce = resolve;
  });
  const up = new Set<Worker>();
  let failedEarly: ((code: number) => void) | undefined;
  const earlyFailure = new Promise<number>((resolve) => {
    failedEarly = resolve;
  });

  const fork = () => {
    const worker = cluster.fork({ LOWROUTER_CLUSTER_WORKER: '1' });
    startedAt.set(worker, Date.now());
    worker.on('message', (msg: unknown) => {
      if (!isUp(msg)) return;
      up.add(worker);
      if (up.size === config.workers) announce?.(msg.url);
    });
  };

  cluster.on('exit', (worker, code, signal) => {
    const lived = Date.now() - (startedAt.get(worker) ?? 0);
    startedAt.delete(worker);
    const wasUp = up.delete(worker);
    if (stopping) return;
    // A worker that never came up during the first start: the configuration is wrong, stop.
    if (!wasUp && announce) {
      log.error('worker failed to start', { pid: worker.process.pid, code, signal });
      failedEarly?.(1);
      return;
    }
    delayMs = lived < CRASH_LOOP_MS ? Math.min(Math.max(delayMs * 2, 500), 30_000) : 0;
    log.warn('worker died, starting another', { pid: worker.process.pid, code, signal, delayMs });
    setTimeout(() => stopping || fork(), delayMs).unref();
  });

  const stopAll = async (signal: string): Promise<void> => {
    stopping = true;
    log.info('shutting down', { signal, workers: Object.keys(cluster.workers ?? {}).length });
    const alive = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w && !w.isDead());
    await Promise.all(
      alive.map(
        (w) =>
          new Promise<void>((resolve) => {
            const kill = setTimeout(() => w.process.kill('SIGKILL'), STOP_GRACE_MS);
            w.once('exit', () => {
              clearTimeout(kill);
              resolve();
            });
            w.process.kill('SIGTERM');
          }),
      ),
    );
  };
  const stopped = new Promise<string>((resolve) => signals.onSignal(resolve));

  for (let i = 0; i < config.workers; i++) fork();
  const first = await Promise.race([
    allUp.then((url) => ({ url })),
    earlyFailure.then((code) => ({ code })),
    stopped.then((signal) => ({ signal })),
  ]);
  announce = undefined;
  if ('code' in first) {
    await stopAll('startup failure');
    return first.code;
  }
  if ('signal' in first) {
    await stopAll(first.signal);
    return 0;
  }
  if (generatedAdminKey) {
    process.stdout.write(
      `\nInstance admin key (shown once, store it now; set LOWROUTER_ADMIN_KEY to choose your own):\n  ${generatedAdminKey}\n\n`,
    );
  }
  process.stdout.write(
    `LowRouter is up: ${first.url}/  (GraphQL: ${first.url}/graphql; ${config.workers} worker processes)\n${grantCommand(config, generatedAdminKey)}`,
  );
  await stopAll(await stopped);
  return 0;
}

/** In a worker: tells the primary this worker listens. */
export function reportUp(url: string): void {
  process.send?.({ lowrouter: 'up', url } satisfies WorkerUp);
}
