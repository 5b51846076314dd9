/**
 * Where the analytics reads go (DbHandle.readDb) and how far behind the primary they may be: on a
 * PostgreSQL standby (DATABASE_READ_URL), the replay lag; on the primary (no DATABASE_READ_URL, and
 * always on PGlite), none.
 */
import { sql } from 'drizzle-orm';
import { type Db, resultRows } from '../db/client';

export interface ReadSource {
  /** 'replica': the read handle is a server in recovery (a hot standby); 'primary' otherwise. */
  kind: 'primary' | 'replica';
  /**
   * Seconds the standby's replay is behind, at most: now() minus the commit time of the last replayed
   * transaction while WAL it has received is still unreplayed; 0 once it has replayed all it received,
   * and on the primary.
   */
  lagSeconds: number;
}

/** Asks the read handle itself, so a DATABASE_READ_URL naming a primary reports 'primary'. */
export async function readSource(readDb: Db): Promise<ReadSource> {
  const [row] = resultRows<{ standby: boolean; lag: number | string | null }>(
    await readDb.execute(sql`
      select pg_is_in_recovery() as standby,
        case
          when not pg_is_in_recovery() then 0
          when pg_last_wal_receive_lsn() is not distinct from pg_last_wal_replay_lsn() then 0
          else extract(epoch from now() - pg_last_xact_replay_timestamp())
        end::float8 as lag`),
  );
  const lag = Number(row?.lag ?? 0);
  return {
    kind: row?.standby ? 'replica' : 'primary',
    lagSeconds: Number.isFinite(lag) ? Math.max(0, lag) : 0,
  };
}
