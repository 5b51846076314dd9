/**
 * The LowRouter catalog as data: providers, regions (grid intensity, PUE), models (parameters, tier)
 * and endpoints (model × provider × region, prices in USD per 1M tokens). See data/README.md.
 */
import {
  type Catalog,
  EndpointSchema,
  ModelSchema,
  ProviderSchema,
  RegionSchema,
} from '@lowrouter/shared/catalog';
import { z } from 'zod';
import endpointsJson from '../endpoints.json' with { type: 'json' };
import modelsJson from '../models.json' with { type: 'json' };
import providersJson from '../providers.json' with { type: 'json' };
import regionsJson from '../regions.json' with { type: 'json' };
import { checkCatalog } from './check-catalog';

export { checkCatalog } from './check-catalog';
export { denseEquivalentSizeB, expectedTier, referenceOutputPriceUsd, tierFor } from './tier';

/** The four files as they sit on disk, before validation. */
export interface RawCatalog {
  providers: unknown;
  regions: unknown;
  models: unknown;
  endpoints: unknown;
}

/** The bundled JSON files, unvalidated (for tests and tooling). */
export const rawCatalog: RawCatalog = {
  providers: providersJson,
  regions: regionsJson,
  models: modelsJson,
  endpoints: endpointsJson,
};

/**
 * Validates raw rows against the shared zod schemas and the cross-row checks.
 * Throws one Error that lists every problem found.
 */
export function parseCatalog(raw: RawCatalog): Catalog {
  const problems: string[] = [];
  const parse = <T>(file: string, schema: z.ZodType<T>, rows: unknown): T[] => {
    const result = z.array(schema).safeParse(rows);
    if (result.success) return result.data;
    for (const issue of result.error.issues) {
      problems.push(`${file}: ${issue.path.join('.')}: ${issue.message}`);
    }
    return [];
  };
  const catalog: Catalog = {
    providers: parse('providers.json', ProviderSchema, raw.providers),
    regions: parse('regions.json', RegionSchema, raw.regions),
    models: parse('models.json', ModelSchema, raw.models),
    endpoints: parse('endpoints.json', EndpointSchema, raw.endpoints),
  };
  if (problems.length === 0) problems.push(...checkCatalog(catalog));
  if (problems.length > 0) {
    throw new Error(`catalog has ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  }
  return catalog;
}

/** The bundled catalog, validated. Throws with every problem listed if the data is inconsistent. */
export function loadCatalog(): Catalog {
  return parseCatalog(rawCatalog);
}

export {
  type EmbeddingCatalog,
  type EmbeddingEndpoint,
  type EmbeddingModel,
  loadEmbeddingCatalog,
  parseEmbeddingCatalog,
} from './embeddings';
