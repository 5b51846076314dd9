/**
 * Operator grid factors. An operator holding a licence (IEA or another) loads their own factors per
 * region or per country. Every line is validated before anything is written; the import then runs
 * in one transaction: versions recorded, regions updated, audit entry written. New requests use the
 * new factors; past requests keep the figures stored on their own rows.
 *
 * CSV header (order free): region_id | country, gco2e_per_kwh, year, source, basis
 *  - region_id: a catalog region id (`aws-bedrock:eu-west-3`); or
 *  - country: ISO 3166-1 alpha-2; applies to every region in that country without a region line.
 */
import { audit } from '../audit';
import { randomBytes } from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { gridFactorVersions, meta, regions } from '../db/schema';

export interface GridFactorLine {
  line: number;
  regionId?: string;
  country?: string;
  gco2ePerKwh: number;
  year: number;
  source: string;
  basis: 'lifecycle' | 'direct';
}

export interface GridImportProblem {
  line: number;
  field: string;
  message: string;
}

/** Splits one CSV line, honouring double quotes ("a, b" and "" escapes). */
export function splitCsvLine(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cur += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim());
}

export function parseGridCsv(
  text: string,
  known: { regionIds: Set<string>; countries: Set<string> },
): { lines: GridFactorLine[]; problems: GridImportProblem[] } {
  const rows = text.split(/\r?\n/);
  const header = splitCsvLine(rows[0] ?? '').map((h) => h.toLowerCase());
  const problems: GridImportProblem[] = [];
  const col = (name: string) => header.indexOf(name);
  for (const required of ['gco2e_per_kwh', 'year', 'source', 'basis']) {
    if (col(required) < 0)
      problems.push({ line: 1, field: required, message: `header must have a ${required} column` });
  }
  if (col('region_id') < 0 && col('country') < 0) {
    problems.push({
      line: 1,
      field: 'region_id',
      message: 'header must have a region_id or a country column',
    });
  }
  if (problems.length) return { lines: [], problems };

  const lines: GridFactorLine[] = [];
  const seen = new Set<string>();
  for (const [i, raw] of rows.slice(1).entries()) {
    const line = i + 2;
    if (!raw.trim()) continue;
    const cells = splitCsvLine(raw);
    const get = (name: string) => (col(name) >= 0 ? (cells[col(name)] ?? '') : '');
    const regionId = get('region_id') || undefined;
    const country = get('country').toUpperCase() || undefined;
    const bad = (field: string, message: string): void => {
      problems.push({ line, field, message });
    };
    if (!regionId && !country) {
      bad('region_id', 'give a region_id or a country');
      continue;
    }
    if (regionId && country) {
      bad('region_id', 'give a region_id or a country, not both');
      continue;
    }
    if (regionId && !known.regionIds.has(regionId)) {
      bad('region_id', `unknown region ${regionId}`);
      continue;
    }
    if (country && !/^[A-Z]{2}$/.test(country)) {
      bad('country', `${country} is not an ISO 3166-1 alpha-2 code`);
      continue;
    }
    if (country && !known.countries.has(country)) {
      bad('country', `no catalog region is in ${country}`);
      continue;
    }
    const g = Number(get('gco2e_per_kwh'));
    if (!get('gco2e_per_kwh') || !Number.isFinite(g) || g <= 0 || g > 2000) {
      bad('gco2e_per_kwh', `must be a number of gCO2e/kWh in (0, 2000], got "${get('gco2e_per_kwh')}"`);
      continue;
    }
    const year = Number(get('year'));
    if (!Number.isInteger(year) || year < 2000 || year > 2100) {
      bad('year', `must be a year, got "${get('year')}"`);
      continue;
    }
    const source = get('source');
    if (source.length < 3) {
      bad('source', 'say where the figure comes from (publisher, edition, licence)');
      continue;
    }
    const basis = get('basis').toLowerCase();
    if (basis !== 'lifecycle' && basis !== 'direct') {
      bad('basis', `must be lifecycle or direct, got "${basis}"`);
      continue;
    }
    const key = regionId ?? `country:${country}`;
    if (seen.has(key)) {
      bad(regionId ? 'region_id' : 'country', `${key} appears twice`);
      continue;
    }
    seen.add(key);
    lines.push({ line, regionId, country, gco2ePerKwh: g, year, source, basis });
  }
  if (!lines.length && !problems.length)
    problems.push({ line: 2, field: 'region_id', message: 'the file has no factors' });
  return { lines, problems };
}

export interface GridImportResult {
  importId: string;
  regionsUpdated: number;
}

/** Applies validated lines in one transaction; a region line wins over its country's line. */
export async function applyGridImport(
  db: Db,
  lines: GridFactorLine[],
  meta_: { actorKeyId?: string | null; fileName: string },
): Promise<GridImportResult> {
  const importId = `grid_${new Date().toISOString().slice(0, 10).replace(/-/g, '')}_${randomBytes(4).toString('hex')}`;
  return db.transaction(async (tx) => {
    const all = await tx.select({ id: regions.id, country: regions.country }).from(regions);
    const explicit = new Map(lines.filter((l) => l.regionId).map((l) => [l.regionId!, l]));
    const byCountry = new Map(lines.filter((l) => l.country).map((l) => [l.country!, l]));
    const targets = all.flatMap((r) => {
      const l = explicit.get(r.id) ?? byCountry.get(r.country);
      return l ? [{ regionId: r.id, l }] : [];
    });
    await tx.insert(gridFactorVersions).values(
      lines.map((l) => ({
        regionId: l.regionId ?? null,
        country: l.country ?? null,
        gco2ePerKwh: l.gco2ePerKwh,
        year: l.year,
        source: l.source,
        basis: l.basis,
        importId,
      })),
    );
    for (const { regionId, l } of targets) {
      await tx
        .update(regions)
        .set({
          gridGco2ePerKwh: l.gco2ePerKwh,
          gridYear: l.year,
          gridSource: l.source,
          gridBasis: l.basis,
          gridOrigin: importId,
        })
        .where(eq(regions.id, regionId));
    }
    await audit(tx, {
      orgId: null,
      actorKeyId: meta_.actorKeyId ?? null,
      action: 'grid.import',
      targetType: 'grid',
      targetId: importId,
      details: { file: meta_.fileName, lines: lines.length, regionsUpdated: targets.length },
    });
    // Gateways watch this version to refresh their in-memory routing tables.
    await tx
      .insert(meta)
      .values({ key: 'catalog_version', value: importId })
      .onConflictDoUpdate({ target: meta.key, set: { value: importId, updatedAt: sql`now()` } });
    return { importId, regionsUpdated: targets.length };
  });
}

export async function knownRegions(db: Db, ids?: string[]) {
  const rows = await db
    .select({ id: regions.id, country: regions.country })
    .from(regions)
    .where(ids ? inArray(regions.id, ids) : undefined);
  return { regionIds: new Set(rows.map((r) => r.id)), countries: new Set(rows.map((r) => r.country)) };
}
