import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadCatalog } from '@lowrouter/data';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../db/client';
import { auditLog, gridFactorVersions, regions } from '../db/schema';
import { seedCatalog } from '../db/seed';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { applyGridImport, knownRegions, parseGridCsv } from './grid-import';

const catalog = loadCatalog();
const region = catalog.regions.find((r) => r.country !== 'ZZ')!;
const otherInCountry = catalog.regions.filter((r) => r.country === region.country && r.id !== region.id);

describe('grid factor files', () => {
  const known = {
    regionIds: new Set(catalog.regions.map((r) => r.id)),
    countries: new Set(catalog.regions.map((r) => r.country)),
  };

  it('accept region and country lines with quoted sources', () => {
    const csv = `region_id,country,gco2e_per_kwh,year,source,basis\n${region.id},,123.4,2024,"IEA Emissions Factors 2025, licensed",direct\n,DE,300,2024,IEA,lifecycle\n`;
    const { lines, problems } = parseGridCsv(csv, known);
    expect(problems).toEqual([]);
    expect(lines).toEqual([
      {
        line: 2,
        regionId: region.id,
        country: undefined,
        gco2ePerKwh: 123.4,
        year: 2024,
        source: 'IEA Emissions Factors 2025, licensed',
        basis: 'direct',
      },
      {
        line: 3,
        regionId: undefined,
        country: 'DE',
        gco2ePerKwh: 300,
        year: 2024,
        source: 'IEA',
        basis: 'lifecycle',
      },
    ]);
  });

  it('name the line and the field of every problem', () => {
    const csv =
      'region_id,gco2e_per_kwh,year,source,basis\nnope:x,100,2024,IEA,direct\n' +
      `${region.id},-5,2024,IEA,direct\n${region.id},100,1890,IEA,direct\n${region.id},100,2024,IEA,market\n`;
    const { problems } = parseGridCsv(csv, known);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [2, 'region_id'],
      [3, 'gco2e_per_kwh'],
      [4, 'year'],
      [5, 'basis'],
    ]);
  });

  it('refuse a header without the required columns', () => {
    const { problems } = parseGridCsv('region,value\nx,1\n', known);
    expect(problems.map((p) => p.field)).toEqual(['gco2e_per_kwh', 'year', 'source', 'basis', 'region_id']);
  });
});

describe.each(testDrivers())('grid import on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(driver);
    await seedCatalog(t.handle.db, catalog);
  });
  afterAll(() => t.cleanup());

  it('updates the regions it names, records the version and the audit entry; a region line beats its country line', async () => {
    const csv = `region_id,country,gco2e_per_kwh,year,source,basis\n${region.id},,111,2024,Operator licence A,direct\n,${region.country},222,2024,Operator licence B,direct\n`;
    const { lines, problems } = parseGridCsv(csv, await knownRegions(t.handle.db));
    expect(problems).toEqual([]);
    const result = await applyGridImport(t.handle.db, lines, { fileName: 'factors.csv' });
    expect(result.regionsUpdated).toBe(1 + otherInCountry.length);

    const [own] = await t.handle.db.select().from(regions).where(eq(regions.id, region.id));
    expect(own).toMatchObject({
      gridGco2ePerKwh: 111,
      gridSource: 'Operator licence A',
      gridBasis: 'direct',
      gridOrigin: result.importId,
    });
    for (const r of otherInCountry) {
      const [row] = await t.handle.db.select().from(regions).where(eq(regions.id, r.id));
      expect(row!.gridGco2ePerKwh).toBe(222);
    }
    const versions = await t.handle.db
      .select()
      .from(gridFactorVersions)
      .where(eq(gridFactorVersions.importId, result.importId));
    expect(versions).toHaveLength(2);
    const [entry] = await t.handle.db.select().from(auditLog).where(eq(auditLog.targetId, result.importId));
    expect(entry).toMatchObject({ action: 'grid.import', details: { file: 'factors.csv', lines: 2 } });
  });
});

describe('lowrouter grid import', () => {
  const exec = promisify(execFile);
  const dir = mkdtempSync(join(tmpdir(), 'lowrouter-grid-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const env = { ...process.env, LOWROUTER_DATA_DIR: dir, DATABASE_URL: '', LOWROUTER_LOG_LEVEL: 'silent' };
  delete (env as Record<string, unknown>).DATABASE_URL;
  const cli = (args: string[]) =>
    exec('node_modules/.bin/tsx', ['api/src/cli.ts', ...args], { env, cwd: join(__dirname, '../../..') });

  it('imports a valid file and reports what changed', async () => {
    const file = join(dir, 'ok.csv');
    writeFileSync(
      file,
      `region_id,gco2e_per_kwh,year,source,basis\n${region.id},77,2024,Operator licence,direct\n`,
    );
    const { stdout } = await cli(['grid', 'import', file]);
    expect(stdout).toMatch(/imported 1 factor\(s\) as grid_\w+; 1 region\(s\) now use them/);
    const db = await openDb({ dataDir: dir });
    const [row] = await db.db.select().from(regions).where(eq(regions.id, region.id));
    await db.close();
    expect(row!.gridGco2ePerKwh).toBe(77);
  });

  it('writes nothing when one line is bad, and says which', async () => {
    const file = join(dir, 'bad.csv');
    writeFileSync(
      file,
      `region_id,gco2e_per_kwh,year,source,basis\n${region.id},88,2024,Operator,direct\n${region.id}x,1,2024,Operator,direct\n`,
    );
    const err = await cli(['grid', 'import', file]).catch((e) => e);
    expect(err.code).toBe(1);
    expect(err.stderr).toContain('bad.csv:3: region_id: unknown region');
    expect(err.stderr).toContain('nothing imported');
    const db = await openDb({ dataDir: dir });
    const [row] = await db.db.select().from(regions).where(eq(regions.id, region.id));
    await db.close();
    expect(row!.gridGco2ePerKwh).toBe(77);
  });
});
