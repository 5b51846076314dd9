import { loadConfig } from '../config';
import { ensureWebAssets } from '../http/static';
import { createLogger } from '../log';
import { parseCommandArgs } from './args';

/**
 * `lowrouter build-web`: builds web/dist with Vite when it is missing or stale (part of `pnpm build`,
 * run by `pnpm start` before the server starts, never by the serving process). Exit 1 when the build
 * failed; a machine without Vite (a production install) keeps the pages it has.
 */
export async function run(args: string[]): Promise<number> {
  parseCommandArgs(args, {});
  const log = createLogger(loadConfig().logLevel);
  const result = await ensureWebAssets({ log });
  return result === 'failed' ? 1 : 0;
}
