import cluster from 'node:cluster';
import { loadConfig } from '../config';
import { ensureWebAssets } from '../http/static';
import { createLogger } from '../log';
import { type Gateway, startGateway } from '../main';
import { DataDirInUseError, dataDirOwner } from '../db/data-dir-lock';
import { applyHeapSettings } from '../runtime/heap';
import { parseCommandArgs } from './args';
import { grantCommand } from './banner';
import { reportUp, runPrimary } from './cluster';

/** Defined as true by the production build (api/scripts/build.mjs). */
declare const __LOWROUTER_BUNDLED__: boolean | undefined;

/**
 * `lowrouter start`: serve until SIGINT/SIGTERM, then close the server and the database cleanly.
 * The handlers are installed before anything starts, so a signal during start-up (a slow migration,
 * a web build, PGlite recovery) still ends in a clean shutdown instead of killing the database mid-write.
 *
 * On PostgreSQL with more than one worker (LOWROUTER_WORKERS, default one per core) this process is the
 * cluster primary (commands/cluster.ts) and the serving happens in its forked workers, which run this
 * same command. PGlite is one process: its data directory belongs to a single one.
 */
export async function run(args: string[]): Promise<number> {
  parseCommandArgs(args, {});
  const config = loadConfig();
  applyHeapSettings(config.heapGrowingPercent);
  // A second gateway on an embedded directory is refused at once, before the pages are built; the
  // lock itself is taken when the database opens (db/client.ts), which closes the race.
  if (!config.databaseUrl && !cluster.isWorker) {
    const owner = await dataDirOwner(config.dataDir);
    if (owner) throw new DataDirInUseError(config.dataDir, owner);
  }
  const log = createLogger(config.logLevel);
  let signalled: string | undefined;
  let onSignal: ((signal: string) => void) | undefined;
  const handle = (signal: string) => {
    signalled ??= signal;
    onSignal?.(signal);
  };
  process.once('SIGINT', () => handle('SIGINT'));
  process.once('SIGTERM', () => handle('SIGTERM'));

  // The compiled start (`pnpm start`) has its pages from the build step (api/scripts/run.mjs); from
  // source (`pnpm lowrouter start`, tests) they are built here when missing or stale.
  const worker = cluster.isWorker;
  if (!worker && typeof __LOWROUTER_BUNDLED__ === 'undefined') await ensureWebAssets({ log });
  if (!worker && config.databaseUrl && config.workers > 1) {
    return runPrimary(config, log, {
      signalled: () => signalled,
      onSignal: (fn) => {
        if (signalled) fn(signalled);
        else onSignal = fn;
      },
    });
  }
  if (!config.databaseUrl) {
    log.info('embedded database (PGlite): serving from one process; set DATABASE_URL for one per core', {
      workers: 1,
    });
  }
  let gateway: Gateway;
  try {
    gateway = await startGateway(config, { log, prepared: worker });
  } catch (err) {
    if (signalled) return 0;
    throw err;
  }
  const stop = (signal: string): Promise<number> => {
    log.info('shutting down', { signal });
    return gateway.close().then(
      () => 0,
      (err) => {
        log.error('shutdown failed', { error: String(err) });
        return 1;
      },
    );
  };
  if (signalled) return stop(signalled);
  if (worker) reportUp(gateway.url);
  else if (gateway.generatedAdminKey) {
    process.stdout.write(
      `\nInstance admin key (shown once, store it now; set LOWROUTER_ADMIN_KEY to choose your own):\n  ${gateway.generatedAdminKey}\n\n`,
    );
  }
  if (!worker) {
    // One write: whoever waits for "is up" gets the grant command with it.
    process.stdout.write(
      `LowRouter is up: ${gateway.url}/  (GraphQL: ${gateway.url}/graphql)\n${grantCommand(config, gateway.generatedAdminKey)}`,
    );
  }
  return new Promise<number>((resolve) => {
    onSignal = (signal) => {
      stop(signal).then(resolve);
    };
  });
}
