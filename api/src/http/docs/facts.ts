/**
 * Figures the docs quote, read from the database when a page renders (never copied into the text):
 * catalog counts, the regions above the running high-intensity threshold, and the endpoints the
 * worked examples use. Config-derived figures (fee, threshold, limits) are read from `Config` by the
 * pages themselves.
 */
import { and, asc, desc, eq, gt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import { endpoints, models, providers, regions } from '../../db/schema';

export interface ExampleEndpoint {
  endpointId: string;
  modelId: string;
  modelName: string;
  providerId: string;
  providerName: string;
  regionId: string;
  regionName: string;
  country: string;
  inputMicroPerMTok: number;
  outputMicroPerMTok: number;
  cachedInputMicroPerMTok: number | null;
  cacheWriteMicroPerMTok: number | null;
  maxOutputTokens: number;
  activeParamsMinB: number;
  activeParamsMaxB: number;
  totalParamsMinB: number;
  totalParamsMaxB: number;
  paramsConfidence: string;
  paramsSource: string;
  tps: number | null;
  ttftSeconds: number | null;
  providerPueMin: number;
  providerPueMax: number;
  regionPueMin: number | null;
  regionPueMax: number | null;
  gridGco2ePerKwh: number;
  gridSource: string;
  gridYear: number;
}

export interface DocsFacts {
  providers: number;
  selfHostedProviders: number;
  regions: number;
  countries: number;
  models: number;
  /** Active endpoints (model × provider × region). */
  endpoints: number;
  /** Models per capability tier, for auto mode. */
  tiers: { tier: string; models: number }[];
  /** Regions whose location is only assumed (no provider page documents it). */
  assumedRegions: number;
  /** Regions whose grid intensity is strictly above the running threshold. */
  highIntensityRegions: number;
  /** Grid sources in use, most regions first. */
  gridSources: { source: string; year: number; regions: number }[];
  /** Regions whose grid figure came from an operator's `lowrouter grid import`. */
  importedGridRegions: number;
  /** The methodology's worked example: a model with disclosed parameters (null on an empty catalog). */
  ecoExample: ExampleEndpoint | null;
  /** The credits page's example: the endpoint whose whole output allowance costs the most. */
  holdExample: ExampleEndpoint | null;
}

const exampleColumns = {
  endpointId: endpoints.id,
  modelId: models.id,
  modelName: models.name,
  providerId: providers.id,
  providerName: providers.name,
  regionId: regions.id,
  regionName: regions.name,
  country: regions.country,
  inputMicroPerMTok: endpoints.inputMicroPerMTok,
  outputMicroPerMTok: endpoints.outputMicroPerMTok,
  cachedInputMicroPerMTok: endpoints.cachedInputMicroPerMTok,
  cacheWriteMicroPerMTok: endpoints.cacheWriteMicroPerMTok,
  maxOutputTokens: models.maxOutputTokens,
  activeParamsMinB: models.activeParamsMinB,
  activeParamsMaxB: models.activeParamsMaxB,
  totalParamsMinB: models.totalParamsMinB,
  totalParamsMaxB: models.totalParamsMaxB,
  paramsConfidence: models.paramsConfidence,
  paramsSource: models.paramsSource,
  tps: models.tps,
  ttftSeconds: models.ttftSeconds,
  providerPueMin: providers.pueMin,
  providerPueMax: providers.pueMax,
  regionPueMin: regions.pueMin,
  regionPueMax: regions.pueMax,
  gridGco2ePerKwh: regions.gridGco2ePerKwh,
  gridSource: regions.gridSource,
  gridYear: regions.gridYear,
};

const count = sql<number>`count(*)::int`;

export async function loadDocsFacts(db: Db, highIntensityThreshold: number): Promise<DocsFacts> {
  const exampleQuery = () =>
    db
      .select(exampleColumns)
      .from(endpoints)
      .innerJoin(models, eq(models.id, endpoints.modelId))
      .innerJoin(providers, eq(providers.id, endpoints.providerId))
      .innerJoin(regions, eq(regions.id, endpoints.regionId));
  const [
    [prov],
    [reg],
    [mod],
    [ep],
    tiers,
    [high],
    gridSources,
    [imported],
    [ecoExample],
    [holdExample],
    [assumed],
  ] = await Promise.all([
    db
      .select({ n: count, selfHosted: sql<number>`count(*) filter (where ${providers.selfHosted})::int` })
      .from(providers),
    db.select({ n: count, countries: sql<number>`count(distinct ${regions.country})::int` }).from(regions),
    db
      .select({ n: sql<number>`count(distinct ${endpoints.modelId})::int` })
      .from(endpoints)
      .where(eq(endpoints.active, true)),
    db.select({ n: count }).from(endpoints).where(eq(endpoints.active, true)),
    db
      .select({ tier: models.tier, models: count })
      .from(models)
      .groupBy(models.tier)
      .orderBy(asc(models.tier)),
    db.select({ n: count }).from(regions).where(gt(regions.gridGco2ePerKwh, highIntensityThreshold)),
    db
      .select({ source: regions.gridSource, year: regions.gridYear, regions: count })
      .from(regions)
      .groupBy(regions.gridSource, regions.gridYear)
      .orderBy(desc(count), asc(regions.gridSource)),
    db.select({ n: count }).from(regions).where(sql`${regions.gridOrigin} <> 'catalog'`),
    exampleQuery()
      .where(and(eq(endpoints.active, true), eq(models.paramsConfidence, 'disclosed')))
      .orderBy(asc(models.totalParamsMaxB), asc(endpoints.id))
      .limit(1),
    exampleQuery()
      .where(eq(endpoints.active, true))
      .orderBy(
        desc(sql`${models.maxOutputTokens}::bigint * ${endpoints.outputMicroPerMTok}`),
        asc(endpoints.id),
      )
      .limit(1),
    db.select({ n: count }).from(regions).where(eq(regions.locationConfidence, 'assumed')),
  ]);
  return {
    providers: prov?.n ?? 0,
    selfHostedProviders: prov?.selfHosted ?? 0,
    regions: reg?.n ?? 0,
    countries: reg?.countries ?? 0,
    models: mod?.n ?? 0,
    endpoints: ep?.n ?? 0,
    tiers,
    assumedRegions: assumed?.n ?? 0,
    highIntensityRegions: high?.n ?? 0,
    gridSources,
    importedGridRegions: imported?.n ?? 0,
    ecoExample: ecoExample ?? null,
    holdExample: holdExample ?? null,
  };
}
