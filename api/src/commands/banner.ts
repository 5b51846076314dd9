/**
 * The last lines of the start banner: the exact command that gives the admin's organisation credit,
 * since a fresh install answers every request with 402 until it has some.
 */
import { DEFAULT_ORG_ID } from '../auth/bootstrap';
import type { Config } from '../config';

/**
 * On the embedded database the CLI goes through the running gateway, so it needs the admin key: the
 * one just generated (printed above it in the same banner), or a placeholder when it is not known
 * here. On PostgreSQL the CLI opens the same DATABASE_URL (never printed: it may hold a password).
 */
export function grantCommand(
  config: Pick<Config, 'databaseUrl' | 'adminKey'>,
  generatedAdminKey?: string,
): string {
  const grant = `pnpm lowrouter credits grant --org ${DEFAULT_ORG_ID} --usd 10`;
  let command: string;
  if (config.databaseUrl) command = `${grant}   (with the same DATABASE_URL)`;
  else if (config.adminKey) command = grant;
  else command = `LOWROUTER_ADMIN_KEY=${generatedAdminKey ?? '<the instance admin key>'} ${grant}`;
  return `\nRequests are refused (402) until the organisation has credit. Give it $10:\n  ${command}\n`;
}
