import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbHandle, openDb, resultRows } from './client';

/** Event-loop turns (setImmediate) that pass while `work` is pending. */
async function turnsDuring(work: Promise<unknown>): Promise<number> {
  let done = false;
  let turns = 0;
  const settled = work.finally(() => {
    done = true;
  });
  while (!done) {
    await new Promise((r) => setImmediate(r));
    turns++;
  }
  await settled;
  return turns;
}

describe('PGlite behind its worker thread', () => {
  let h: DbHandle;
  beforeAll(async () => {
    h = await openDb({ dataDir: 'memory://' });
    await h.exec('create table t (id int primary key, note text)');
  });
  afterAll(() => h.close());

  it('starts with 32 MB of shared buffers, inside the initial wasm memory, and its other defaults', async () => {
    const [buffers] = await h.exec('show shared_buffers');
    expect(buffers).toEqual({ shared_buffers: '32MB' });
    const [path] = await h.exec('show search_path'); // one of PGlite's own start parameters, kept
    expect(path).toEqual({ search_path: 'public' });
  });

  it('keeps the event loop turning while a long statement runs', async () => {
    const long = h.exec('select count(*) as n from generate_series(1, 3000000)');
    // In-thread PGlite runs the statement in one synchronous stretch: a handful of turns at most.
    expect(await turnsDuring(long)).toBeGreaterThan(20);
    expect((await long)[0]).toEqual({ n: 3000000 });
  });

  it('runs a transaction as one unit: an outside statement waits for its commit', async () => {
    let outside: Promise<unknown> | undefined;
    await h.db.transaction(async (tx) => {
      await tx.execute(sql`insert into t values (1, 'in tx')`);
      outside = h.db.execute(sql`select count(*)::int as n from t`);
      await new Promise((r) => setTimeout(r, 50));
      await tx.execute(sql`update t set note = 'committed' where id = 1`);
    });
    expect(resultRows(await outside)).toEqual([{ n: 1 }]);
    expect(resultRows(await h.db.execute(sql`select note from t where id = 1`))).toEqual([
      { note: 'committed' },
    ]);
  });

  it('rolls back when the callback throws, and nested savepoints roll back alone', async () => {
    await expect(
      h.db.transaction(async (tx) => {
        await tx.execute(sql`insert into t values (2, 'lost')`);
        throw new Error('abandon');
      }),
    ).rejects.toThrow('abandon');
    await h.db.transaction(async (tx) => {
      await tx.execute(sql`insert into t values (3, 'kept')`);
      await tx
        .transaction(async (inner) => {
          await inner.execute(sql`insert into t values (4, 'inner')`);
          throw new Error('inner only');
        })
        .catch(() => {});
    });
    expect(resultRows(await h.db.execute(sql`select id from t order by id`))).toEqual([{ id: 1 }, { id: 3 }]);
  });

  it("passes the database's error fields across (a unique violation is 23505)", async () => {
    const err = await h.db.execute(sql`insert into t values (1, 'again')`).catch((e: unknown) => e);
    expect((err as { cause?: { code?: string } }).cause?.code).toBe('23505');
  });

  it('returns rows as in-thread PGlite does: bigint, dates as drizzle asks, arrays, bytes', async () => {
    const rows = resultRows(
      await h.db.execute(
        sql`select 9007199254740993::int8 as big, '2026-01-02T03:04:05Z'::timestamptz as at, array[1,2] as xs, '\\x0102'::bytea as b`,
      ),
    );
    expect(rows).toEqual([
      { big: 9007199254740993n, at: '2026-01-02 03:04:05+00', xs: [1, 2], b: new Uint8Array([1, 2]) },
    ]);
  });
});

describe('PGlite on a directory it cannot use', () => {
  it('refuses to open, and the error says what the file system reported', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lowrouter-pglite-bad-'));
    writeFileSync(join(dir, 'pgdata'), 'not a directory');
    try {
      const err = await openDb({ dataDir: dir }).then(
        () => undefined,
        (e: unknown) => e as Error & { errno?: unknown },
      );
      expect(err?.name).toBe('ErrnoError');
      expect(err?.message).toMatch(/^ErrnoError \{.*"errno":\d+/);
      expect(typeof err?.errno).toBe('number');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
