/**
 * The database environment for a gateway process in a multi-node test. With `TEST_PGBOUNCER_URL`
 * set (`.ci/run` starts PgBouncer in transaction mode, test/helpers/start-pgbouncer.sh), the gateway
 * reaches the same database through PgBouncer, as production behind it does: `DATABASE_URL` through
 * the pooler, `DATABASE_DIRECT_URL` straight to PostgreSQL (session advisory locks, LISTEN,
 * migrations) and prepared statements off. Without it, directly. In CI (`CI` set) a missing
 * `TEST_PGBOUNCER_URL` is an error, so the multi-node tests cannot quietly skip the pooler.
 */
export function multiNodeEnv(databaseUrl: string): Record<string, string> {
  const pooler = process.env.TEST_PGBOUNCER_URL;
  if (!pooler) {
    if (process.env.CI)
      throw new Error('TEST_PGBOUNCER_URL is not set: in CI the multi-node tests run through PgBouncer');
    return { DATABASE_URL: databaseUrl };
  }
  const direct = new URL(databaseUrl);
  const through = new URL(pooler);
  through.pathname = direct.pathname;
  return {
    DATABASE_URL: through.toString(),
    DATABASE_DIRECT_URL: databaseUrl,
    LOWROUTER_PG_PREPARE: 'false',
  };
}
