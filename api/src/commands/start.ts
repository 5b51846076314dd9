import { loadConfig } from '../config';
import { createLogger } from '../log';
import { startGateway } from '../main';

/** `lowrouter start`: serve until SIGINT/SIGTERM, then close the server and the database cleanly. */
export async function run(_args: string[]): Promise<number> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const gateway = await startGateway(config, { log });
  if (gateway.generatedAdminKey) {
    process.stdout.write(
      `\nInstance admin key (shown once, store it now; set LOWROUTER_ADMIN_KEY to choose your own):\n  ${gateway.generatedAdminKey}\n\n`,
    );
  }
  process.stdout.write(`LowRouter is up: ${gateway.url}/  (GraphQL: ${gateway.url}/graphql)\n`);
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      log.info('shutting down', { signal });
      gateway.close().then(
        () => resolve(0),
        (err) => {
          log.error('shutdown failed', { error: String(err) });
          resolve(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  });
}
