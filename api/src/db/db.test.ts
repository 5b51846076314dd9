import { loadCatalog } from '@lowrouter/data';
import { count, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedCatalog } from './seed';
import { endpoints, models, providers, regions } from './schema';
import { type TestDb, openTestDb, testDrivers } from './testing';

describe.each(testDrivers())('database on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(driver);
  });
  afterAll(() => t.cleanup());

  const counts = async () => {
    const db = t.handle.db;
    const [[p], [r], [m], [e]] = await Promise.all([
      db.select({ n: count() }).from(providers),
      db.select({ n: count() }).from(regions),
      db.select({ n: count() }).from(models),
      db.select({ n: count() }).from(endpoints),
    ]);
    return { providers: p!.n, regions: r!.n, models: m!.n, endpoints: e!.n };
  };

  it('imports the whole catalog on first start', async () => {
    const catalog = loadCatalog();
    const result = await seedCatalog(t.handle.db, catalog);
    expect(result.changed).toBe(true);
    expect(await counts()).toEqual({
      providers: catalog.providers.length,
      regions: catalog.regions.length,
      models: catalog.models.length,
      endpoints: catalog.endpoints.length,
    });
  });

  it('re-importing an unchanged catalog changes nothing', async () => {
    const before = await counts();
    const result = await seedCatalog(t.handle.db, loadCatalog());
    expect(result.changed).toBe(false);
    expect(await counts()).toEqual(before);
  });

  it('a price change updates the endpoint and leaves other rows alone', async () => {
    const catalog = loadCatalog();
    const first = catalog.endpoints[0]!;
    const changed = {
      ...catalog,
      endpoints: catalog.endpoints.map((e) =>
        e.id === first.id ? { ...e, inputPerMTokUsd: 123.456789 } : e,
      ),
    };
    expect((await seedCatalog(t.handle.db, changed)).changed).toBe(true);
    const [row] = await t.handle.db.select().from(endpoints).where(eq(endpoints.id, first.id));
    expect(row!.inputMicroPerMTok).toBe(123_456_789);
    await seedCatalog(t.handle.db, catalog);
  });

  it('an endpoint that leaves the catalog is deactivated, not deleted', async () => {
    const catalog = loadCatalog();
    const gone = catalog.endpoints[1]!;
    await seedCatalog(t.handle.db, {
      ...catalog,
      endpoints: catalog.endpoints.filter((e) => e.id !== gone.id),
    });
    const [row] = await t.handle.db.select().from(endpoints).where(eq(endpoints.id, gone.id));
    expect(row?.active).toBe(false);
    await seedCatalog(t.handle.db, catalog);
    const [back] = await t.handle.db.select().from(endpoints).where(eq(endpoints.id, gone.id));
    expect(back?.active).toBe(true);
  });

  it('an operator-imported grid factor survives a catalog re-import', async () => {
    const catalog = loadCatalog();
    const region = catalog.regions[0]!;
    await t.handle.db
      .update(regions)
      .set({ gridGco2ePerKwh: 42, gridOrigin: 'import:test', gridSource: 'operator licence' })
      .where(eq(regions.id, region.id));
    const bumped = {
      ...catalog,
      regions: catalog.regions.map((r) =>
        r.id === region.id ? { ...r, gridIntensity: { ...r.gridIntensity, gco2ePerKwh: 999 } } : r,
      ),
    };
    await seedCatalog(t.handle.db, bumped);
    const [row] = await t.handle.db.select().from(regions).where(eq(regions.id, region.id));
    expect(row!.gridGco2ePerKwh).toBe(42);
    expect(row!.gridSource).toBe('operator licence');
  });

  it('writes request records over one session of their own, never the shared pool', async () => {
    const pids = async (db: typeof t.handle.db) =>
      new Set(
        (
          await Promise.all(
            Array.from({ length: 6 }, () => db.execute(sql`select pg_backend_pid() as pid, pg_sleep(0.02)`)),
          )
        ).map((r) =>
          String(
            (r as unknown as { rows?: { pid: unknown }[] }).rows?.[0]?.pid ??
              (r as unknown as { pid: unknown }[])[0]?.pid,
          ),
        ),
      );
    const record = await pids(t.handle.recordDb);
    expect(record.size).toBe(1); // every batch meets the same, warm server process
    if (driver === 'postgres') {
      const shared = await pids(t.handle.db);
      expect(shared.size).toBeGreaterThan(1); // six at once spread over the pool
      expect([...record].some((p) => shared.has(p))).toBe(false);
    } else {
      expect(t.handle.recordDb).toBe(t.handle.db); // PGlite: one session
    }
  });
});
