import { loadConfig } from '../config';
import { ensureWebAssets } from '../http/static';
import { createLogger } from '../log';
import { type Gateway, startGateway } from '../main';

/**
 * `lowrouter start`: serve until SIGINT/SIGTERM, then close the server and the database cleanly.
 * The handlers are installed before anything starts, so a signal during start-up (a slow migration,
 * a web build, PGlite recovery) still ends in a clean shutdown instead of killing the database mid-write.
 */
export async function run(_args: string[]): Promise<number> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  let signalled: string | undefined;
  let onSignal: ((signal: string) => void) | undefined;
  const handle = (signal: string) => {
    signalled ??= signal;
    onSignal?.(signal);
  };
  process.once('SIGINT', () => handle('SIGINT'));
  process.once('SIGTERM', () => handle('SIGTERM'));

  // Build the pages first when web/dist is missing or older than web/ (a no-op otherwise).
  await ensureWebAssets({ log });
  let gateway: Gateway;
  try {
    gateway = await startGateway(config, { log });
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
  if (gateway.generatedAdminKey) {
    process.stdout.write(
      `\nInstance admin key (shown once, store it now; set LOWROUTER_ADMIN_KEY to choose your own):\n  ${gateway.generatedAdminKey}\n\n`,
    );
  }
  process.stdout.write(`LowRouter is up: ${gateway.url}/  (GraphQL: ${gateway.url}/graphql)\n`);
  return new Promise<number>((resolve) => {
    onSignal = (signal) => {
      stop(signal).then(resolve);
    };
  });
}
