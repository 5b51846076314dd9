/**
 * The embedding catalog (data/embeddings.json): encoder models and the endpoints that serve them, with
 * a source on every figure. Kept apart from the chat catalog on purpose: embedding models have no
 * output, no tier and no EcoLogits parameters, and must never be picked for a chat request.
 * Prices in USD per 1M input tokens; `path` is appended to the provider's (configured) base URL.
 */
import { Sourced } from '@lowrouter/shared/catalog';
import { z } from 'zod';
import embeddingsJson from '../embeddings.json' with { type: 'json' };

export const EmbeddingModelSchema = z.strictObject({
  /** `vendor/name`, like chat models. */
  id: z.string().regex(/^[a-z0-9-]+\/[a-z0-9.-]+$/),
  name: z.string().min(1),
  vendor: z.string().min(1),
  /** Length of the vectors the model returns by default. */
  dimensions: z.number().int().positive(),
  /** True when the upstream takes `dimensions` to return shorter vectors. */
  shortenable: z.boolean(),
  /** Most tokens one input may have. */
  maxInputTokens: z.number().int().positive(),
  /** Upstream names that resolve to this model. */
  aliases: z.array(z.string().min(1)),
  source: Sourced,
});
export type EmbeddingModel = z.infer<typeof EmbeddingModelSchema>;

export const EmbeddingEndpointSchema = z.strictObject({
  /** `<model>@<region>`. */
  id: z.string().min(3),
  modelId: z.string().min(1),
  providerId: z.string().min(1),
  regionId: z.string().min(1),
  upstreamModel: z.string().min(1),
  path: z.string().startsWith('/'),
  /** USD per 1M input tokens, standard tier, as published. */
  inputPerMTokUsd: z.number().nonnegative(),
  price: Sourced,
});
export type EmbeddingEndpoint = z.infer<typeof EmbeddingEndpointSchema>;

export const EmbeddingCatalogSchema = z.strictObject({
  models: z.array(EmbeddingModelSchema),
  endpoints: z.array(EmbeddingEndpointSchema),
});
export type EmbeddingCatalog = z.infer<typeof EmbeddingCatalogSchema>;

/**
 * Validates the embedding catalog; `known` (provider and region ids of the chat catalog) lets it
 * check that every endpoint's provider and region exist. Throws one Error listing every problem.
 */
export function parseEmbeddingCatalog(
  raw: unknown,
  known?: { providers: readonly string[]; regions: readonly string[] },
): EmbeddingCatalog {
  const parsed = EmbeddingCatalogSchema.safeParse(raw);
  if (!parsed.success)
    throw new Error(
      `embeddings.json: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  const c = parsed.data;
  const problems: string[] = [];
  const models = new Set(c.models.map((m) => m.id));
  if (models.size !== c.models.length) problems.push('duplicate model id');
  if (new Set(c.endpoints.map((e) => e.id)).size !== c.endpoints.length)
    problems.push('duplicate endpoint id');
  for (const e of c.endpoints) {
    if (!models.has(e.modelId)) problems.push(`${e.id}: unknown model ${e.modelId}`);
    if (e.id !== `${e.modelId}@${e.regionId}`) problems.push(`${e.id}: id must be <modelId>@<regionId>`);
    if (known && !known.providers.includes(e.providerId))
      problems.push(`${e.id}: unknown provider ${e.providerId}`);
    if (known && !known.regions.includes(e.regionId)) problems.push(`${e.id}: unknown region ${e.regionId}`);
    if (!e.regionId.startsWith(`${e.providerId}:`))
      problems.push(`${e.id}: region ${e.regionId} is not ${e.providerId}'s`);
  }
  for (const m of c.models)
    if (!c.endpoints.some((e) => e.modelId === m.id)) problems.push(`${m.id}: no endpoint serves it`);
  if (problems.length)
    throw new Error(`embeddings.json has ${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
  return c;
}

let cached: EmbeddingCatalog | undefined;

/** The bundled embedding catalog, validated once. */
export function loadEmbeddingCatalog(): EmbeddingCatalog {
  cached ??= parseEmbeddingCatalog(embeddingsJson);
  return cached;
}
