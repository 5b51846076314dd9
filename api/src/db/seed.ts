/**
 * Imports the catalog from data/ into the database. Idempotent: an unchanged catalog (same hash) is a
 * no-op; a changed one is upserted in one transaction. Grid factors an operator imported
 * (`lowrouter grid import`) are never overwritten by the catalog, endpoints that left data/ are
 * deactivated rather than deleted, and past requests keep the figures stored on their own rows.
 */
import { createHash } from 'node:crypto';
import type { Catalog } from '@lowrouter/shared';
import { usdToMicro } from '@lowrouter/shared';
import { and, eq, notInArray, sql } from 'drizzle-orm';
import { audit } from '../audit';
import type { Db } from './client';
import { endpoints, gridFactorVersions, meta, models, providers, regions } from './schema';

export function catalogHash(catalog: Catalog): string {
  return createHash('sha256').update(JSON.stringify(catalog)).digest('hex');
}

export interface SeedResult {
  changed: boolean;
  hash: string;
}

const excluded = (column: string) => sql.raw(`excluded.${column}`);

export async function seedCatalog(db: Db, catalog: Catalog): Promise<SeedResult> {
  const hash = catalogHash(catalog);
  const current = await db.select({ value: meta.value }).from(meta).where(eq(meta.key, 'catalog_hash'));
  if (current[0]?.value === hash) return { changed: false, hash };

  const changed = await db.transaction(async (tx) => {
    // Nodes starting together serialise here (the audit lock), and only the first imports.
    await tx.execute(sql`select pg_advisory_xact_lock(7411, 2)`);
    const [again] = await tx.select({ value: meta.value }).from(meta).where(eq(meta.key, 'catalog_hash'));
    if (again?.value === hash) return false;
    await tx
      .insert(providers)
      .values(
        catalog.providers.map((p) => ({
          id: p.id,
          name: p.name,
          protocol: p.protocol,
          baseUrl: p.baseUrl,
          auth: p.auth,
          selfHosted: p.selfHosted,
          pueMin: p.pue.min,
          pueMax: p.pue.max,
          pueSource: `${p.pueSource.source} (${p.pueSource.date})`,
          spec: p,
        })),
      )
      .onConflictDoUpdate({
        target: providers.id,
        set: {
          name: excluded('name'),
          protocol: excluded('protocol'),
          baseUrl: excluded('base_url'),
          auth: excluded('auth'),
          selfHosted: excluded('self_hosted'),
          pueMin: excluded('pue_min'),
          pueMax: excluded('pue_max'),
          pueSource: excluded('pue_source'),
          spec: excluded('spec'),
          updatedAt: sql`now()`,
        },
      });

    await tx
      .insert(regions)
      .values(
        catalog.regions.map((r) => ({
          id: r.id,
          providerId: r.providerId,
          providerRegionId: r.providerRegionId,
          name: r.name,
          country: r.country,
          gridZone: r.gridZone,
          gridGco2ePerKwh: r.gridIntensity.gco2ePerKwh,
          gridYear: r.gridIntensity.year,
          gridSource: r.gridIntensity.source,
          gridBasis: r.gridIntensity.basis,
          pueMin: r.pue?.min ?? null,
          pueMax: r.pue?.max ?? null,
          locationConfidence: r.locationConfidence,
          locationNote: r.locationNote ?? null,
          locationSource: r.locationSource ?? null,
          source: r.source.source,
          sourceDate: r.source.date,
        })),
      )
      .onConflictDoUpdate({
        target: regions.id,
        set: {
          providerId: excluded('provider_id'),
          providerRegionId: excluded('provider_region_id'),
          name: excluded('name'),
          country: excluded('country'),
          gridZone: excluded('grid_zone'),
          // An operator's imported factor wins over the catalog's until they import again.
          gridGco2ePerKwh: sql`case when ${regions.gridOrigin} = 'catalog' then excluded.grid_gco2e_per_kwh else ${regions.gridGco2ePerKwh} end`,
          gridYear: sql`case when ${regions.gridOrigin} = 'catalog' then excluded.grid_year else ${regions.gridYear} end`,
          gridSource: sql`case when ${regions.gridOrigin} = 'catalog' then excluded.grid_source else ${regions.gridSource} end`,
          gridBasis: sql`case when ${regions.gridOrigin} = 'catalog' then excluded.grid_basis else ${regions.gridBasis} end`,
          pueMin: excluded('pue_min'),
          pueMax: excluded('pue_max'),
          locationConfidence: excluded('location_confidence'),
          locationNote: excluded('location_note'),
          locationSource: excluded('location_source'),
          source: excluded('source'),
          sourceDate: excluded('source_date'),
        },
      });

    // Record the catalog's factors as versions once per distinct figure, for the audit trail.
    await tx.execute(sql`
      insert into ${gridFactorVersions} (region_id, gco2e_per_kwh, year, source, basis, import_id)
      select r.id, r.grid_gco2e_per_kwh, r.grid_year, r.grid_source, r.grid_basis, ${`catalog:${hash.slice(0, 12)}`}
      from ${regions} r
      where r.grid_origin = 'catalog' and not exists (
        select 1 from ${gridFactorVersions} v
        where v.region_id = r.id and v.gco2e_per_kwh = r.grid_gco2e_per_kwh and v.source = r.grid_source
      )`);

    await tx
      .insert(models)
      .values(
        catalog.models.map((m) => ({
          id: m.id,
          name: m.name,
          vendor: m.vendor,
          architecture: m.architecture,
          openWeights: m.openWeights,
          activeParamsMinB: m.activeParamsB.min,
          activeParamsMaxB: m.activeParamsB.max,
          totalParamsMinB: m.totalParamsB.min,
          totalParamsMaxB: m.totalParamsB.max,
          paramsConfidence: m.paramsConfidence,
          paramsSource: `${m.paramsSource.source} (${m.paramsSource.date})`,
          contextWindow: m.contextWindow,
          maxOutputTokens: m.maxOutputTokens,
          tier: m.tier,
          toolCalling: m.toolCalling,
          vision: m.vision,
          tps: m.deployment?.tps ?? null,
          ttftSeconds: m.deployment?.ttftSeconds ?? null,
          aliases: m.aliases,
        })),
      )
      .onConflictDoUpdate({
        target: models.id,
        set: Object.fromEntries(
          [
            ['name', 'name'],
            ['vendor', 'vendor'],
            ['architecture', 'architecture'],
            ['openWeights', 'open_weights'],
            ['activeParamsMinB', 'active_params_min_b'],
            ['activeParamsMaxB', 'active_params_max_b'],
            ['totalParamsMinB', 'total_params_min_b'],
            ['totalParamsMaxB', 'total_params_max_b'],
            ['paramsConfidence', 'params_confidence'],
            ['paramsSource', 'params_source'],
            ['contextWindow', 'context_window'],
            ['maxOutputTokens', 'max_output_tokens'],
            ['tier', 'tier'],
            ['toolCalling', 'tool_calling'],
            ['vision', 'vision'],
            ['tps', 'tps'],
            ['ttftSeconds', 'ttft_seconds'],
            ['aliases', 'aliases'],
          ].map(([k, c]) => [k, excluded(c as string)]),
        ),
      });

    await tx
      .insert(endpoints)
      .values(
        catalog.endpoints.map((e) => ({
          id: e.id,
          modelId: e.modelId,
          providerId: e.providerId,
          regionId: e.regionId,
          upstreamModel: e.upstreamModel,
          inputMicroPerMTok: usdToMicro(e.inputPerMTokUsd),
          outputMicroPerMTok: usdToMicro(e.outputPerMTokUsd),
          cachedInputMicroPerMTok:
            e.cachedInputPerMTokUsd === undefined ? null : usdToMicro(e.cachedInputPerMTokUsd),
          cacheWriteMicroPerMTok:
            e.cacheWritePerMTokUsd === undefined ? null : usdToMicro(e.cacheWritePerMTokUsd),
          priceSource: e.price.source,
          priceDate: e.price.date,
          active: true,
        })),
      )
      .onConflictDoUpdate({
        target: endpoints.id,
        set: Object.fromEntries(
          [
            ['modelId', 'model_id'],
            ['providerId', 'provider_id'],
            ['regionId', 'region_id'],
            ['upstreamModel', 'upstream_model'],
            ['inputMicroPerMTok', 'input_micro_per_mtok'],
            ['outputMicroPerMTok', 'output_micro_per_mtok'],
            ['cachedInputMicroPerMTok', 'cached_input_micro_per_mtok'],
            ['cacheWriteMicroPerMTok', 'cache_write_micro_per_mtok'],
            ['priceSource', 'price_source'],
            ['priceDate', 'price_date'],
            ['active', 'active'],
          ].map(([k, c]) => [k, excluded(c as string)]),
        ),
      });
    const ids = catalog.endpoints.map((e) => e.id);
    const deactivated = await tx
      .update(endpoints)
      .set({ active: false })
      .where(and(notInArray(endpoints.id, ids), eq(endpoints.active, true)))
      .returning({ id: endpoints.id });
    await audit(tx, {
      orgId: null,
      actorKeyId: null,
      action: 'catalog.import',
      targetType: 'catalog',
      targetId: hash.slice(0, 12),
      details: {
        hash,
        previousHash: current[0]?.value ?? null,
        providers: catalog.providers.length,
        regions: catalog.regions.length,
        models: catalog.models.length,
        endpoints: catalog.endpoints.length,
        endpointsDeactivated: deactivated.map((e) => e.id).slice(0, 100),
      },
    });

    await tx
      .insert(meta)
      .values({ key: 'catalog_hash', value: hash })
      .onConflictDoUpdate({ target: meta.key, set: { value: hash, updatedAt: sql`now()` } });
    return true;
  });
  return { changed, hash };
}
