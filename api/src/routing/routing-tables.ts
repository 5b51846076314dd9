/**
 * Precomputed routing tables: every active endpoint joined with its model, provider and region, its
 * ranking candidate (prices, footprint per 1,000 output tokens, credentials) ready for the ranker.
 * Built from the database once, then rebuilt when the catalog hash or grid version changes (checked at
 * most every `refreshMs`, off the request path), so a `lowrouter grid import` reaches new requests on
 * every node within seconds while past requests keep the figures stored on their rows. With the
 * invalidation bus connected (cluster/bus.ts) a grid import arrives as a pushed `grid` event that
 * rebuilds at once, and `refreshMs` is a 60 s safety net; while it is down, 2 s.
 */
import { ecoPer1kOutputTokens, microToUsd } from '@lowrouter/shared';
import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client';
import {
  type EndpointRow,
  type ModelRow,
  type ProviderRow,
  type RegionRow,
  endpoints,
  meta,
  models,
  providers,
  regions,
} from '../db/schema';
import type { ProviderCredentials, ResolvedCredentials } from '../providers/credentials';
import { ecoModel, rowPue } from '../eco/rows';
import { AUTO_MODEL, type RankCandidate } from './rank-types';

export interface EndpointInfo {
  endpoint: EndpointRow;
  model: ModelRow;
  provider: ProviderRow;
  region: RegionRow;
  candidate: RankCandidate;
  credentials: ProviderCredentials | undefined;
  /** The catalog these figures come from, `<catalog hash, 12>[+<grid import id>]`, stored on request rows. */
  catalogVersion?: string;
}

export interface RoutingTables {
  version: string;
  byEndpoint: Map<string, EndpointInfo>;
  candidates: RankCandidate[];
  models: Map<string, ModelRow>;
  /** Upstream names and aliases → catalog model id (`gpt-4o-mini` → `openai/gpt-4o-mini`). */
  modelAliases: Map<string, string>;
  regions: RegionRow[];
  providers: ProviderRow[];
}

async function readVersion(db: Db): Promise<string> {
  const rows = await db
    .select()
    .from(meta)
    .where(inArray(meta.key, ['catalog_hash', 'catalog_version']));
  return rows
    .map((r) => `${r.key}=${r.value}`)
    .sort()
    .join(';');
}

/** `catalog_hash=…;catalog_version=…` → `<hash, 12>[+<grid import id>]`. */
export function catalogVersionOf(version: string): string {
  const kv = new Map(version.split(';').map((p) => p.split('=', 2) as [string, string]));
  const hash = (kv.get('catalog_hash') ?? 'unknown').slice(0, 12);
  const grid = kv.get('catalog_version');
  return grid ? `${hash}+${grid}` : hash;
}

export async function loadRoutingTables(db: Db, credentials: ResolvedCredentials): Promise<RoutingTables> {
  const version = await readVersion(db);
  const catalogVersion = catalogVersionOf(version);
  const [ps, rs, ms, es] = await Promise.all([
    db.select().from(providers),
    db.select().from(regions),
    db.select().from(models),
    db.select().from(endpoints).where(eq(endpoints.active, true)),
  ]);
  const pMap = new Map(ps.map((p) => [p.id, p]));
  const rMap = new Map(rs.map((r) => [r.id, r]));
  const mMap = new Map(ms.map((m) => [m.id, m]));
  const byEndpoint = new Map<string, EndpointInfo>();
  for (const e of es) {
    const model = mMap.get(e.modelId);
    const provider = pMap.get(e.providerId);
    const region = rMap.get(e.regionId);
    if (!model || !provider || !region) continue;
    const eco = ecoPer1kOutputTokens({
      model: ecoModel(model),
      pue: rowPue(provider, region),
      gridGco2ePerKwh: region.gridGco2ePerKwh,
    });
    const candidate: RankCandidate = {
      endpoint: {
        id: e.id,
        modelId: e.modelId,
        providerId: e.providerId,
        regionId: e.regionId,
        inputPerMTokUsd: microToUsd(e.inputMicroPerMTok),
        outputPerMTokUsd: microToUsd(e.outputMicroPerMTok),
        ...(e.cachedInputMicroPerMTok !== null
          ? { cachedInputPerMTokUsd: microToUsd(e.cachedInputMicroPerMTok) }
          : {}),
      },
      model: {
        id: model.id,
        tier: model.tier as RankCandidate['model']['tier'],
        contextWindow: model.contextWindow,
        maxOutputTokens: model.maxOutputTokens,
        toolCalling: model.toolCalling,
      },
      region: {
        id: region.id,
        country: region.country,
        gridIntensity: { gco2ePerKwh: region.gridGco2ePerKwh },
        locationConfidence: region.locationConfidence,
      },
      hasCredentials: credentials.isAvailable(provider.id),
      gco2ePer1kOutputTokens: eco.gco2e.mid,
      whPer1kOutputTokens: eco.energyWh.mid,
    };
    byEndpoint.set(e.id, {
      endpoint: e,
      model,
      provider,
      region,
      candidate,
      credentials: credentials.get(provider.id),
      catalogVersion,
    });
  }
  const modelAliases = new Map<string, string>();
  for (const m of ms) {
    for (const a of m.aliases) modelAliases.set(a, m.id);
    const short = m.id.slice(m.id.indexOf('/') + 1);
    if (!modelAliases.has(short)) modelAliases.set(short, m.id);
  }
  return {
    version,
    byEndpoint,
    candidates: [...byEndpoint.values()].map((i) => i.candidate),
    models: mMap,
    modelAliases,
    regions: rs,
    providers: ps,
  };
}

/** A requested model name → catalog id: `lowrouter/auto`, a catalog id, or an upstream alias; null when unknown. */
export function resolveModelId(tables: RoutingTables, model: string): string | null {
  if (model === AUTO_MODEL) return AUTO_MODEL;
  if (tables.models.has(model)) return model;
  return tables.modelAliases.get(model) ?? null;
}

export interface TablesCache {
  get(): Promise<RoutingTables>;
  /** Rebuild now (after a local catalog or grid change). */
  refresh(): Promise<RoutingTables>;
}

export function createTablesCache(
  db: Db,
  credentials: ResolvedCredentials,
  /** `refreshMs`: ms between version checks; a function is asked each time (the bus's `ttl`). */
  opts: { refreshMs?: number | (() => number); now?: () => number } = {},
): TablesCache {
  const refreshOpt = opts.refreshMs ?? 2_000;
  const refreshMs = typeof refreshOpt === 'function' ? refreshOpt : () => refreshOpt;
  const now = opts.now ?? Date.now;
  let current: Promise<RoutingTables> | undefined;
  let checkedAt = 0;
  let checking = false;
  const refresh = () => {
    const previous = current;
    const next = loadRoutingTables(db, credentials);
    // A failed rebuild keeps serving the tables it was to replace (the caller of refresh sees the error).
    current = previous ? next.catch(() => previous) : next;
    checkedAt = now();
    return next;
  };
  return {
    async get() {
      if (!current) return refresh();
      const tables = await current;
      if (!checking && now() - checkedAt >= refreshMs()) {
        checking = true;
        checkedAt = now();
        readVersion(db)
          .then((v) => (v !== tables.version ? refresh() : undefined))
          .catch(() => {})
          .finally(() => {
            checking = false;
          });
      }
      return tables;
    },
    refresh,
  };
}
