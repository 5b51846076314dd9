/**
 * A suite that only means something on PostgreSQL (several gateway processes on one database). With
 * TEST_DATABASE_URL it runs; without it, it is skipped with a line on stderr saying how to run it, so
 * the README's `pnpm test` passes on a machine without PostgreSQL. In CI (CI=true) a missing
 * TEST_DATABASE_URL is a failure, never a silent skip.
 */
import { describe, it } from 'vitest';

export function describeOnPostgres(name: string, fn: () => void): void {
  if (process.env.TEST_DATABASE_URL) {
    describe(name, fn);
    return;
  }
  if (process.env.CI) {
    describe(name, () => {
      it('needs PostgreSQL', () => {
        throw new Error(`${name}: TEST_DATABASE_URL is not set; .ci/run creates a database and exports it`);
      });
    });
    return;
  }
  process.stderr.write(
    `${name}: PostgreSQL only, skipped; set TEST_DATABASE_URL to run it (README, Set up)\n`,
  );
  describe.skip(name, fn);
}
