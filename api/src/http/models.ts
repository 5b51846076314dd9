/**
 * GET /v1/models: the catalog's models plus `lowrouter/auto`, in OpenAI's list shape, then the
 * embedding models (data/embeddings.json, `type: "embedding"`) for /v1/embeddings.
 */
import { loadEmbeddingCatalog } from '@lowrouter/data';
import type { RoutingTables } from '../routing/routing-tables';
import { AUTO_MODEL } from '../routing/rank-types';

export function modelsJson(tables: RoutingTables) {
  const served = new Set(tables.candidates.map((c) => c.model.id));
  const data = [...tables.models.values()]
    .filter((m) => served.has(m.id))
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((m) => ({
      id: m.id,
      object: 'model',
      created: 0,
      owned_by: m.vendor,
      tier: m.tier,
      context_window: m.contextWindow,
      max_output_tokens: m.maxOutputTokens,
    }));
  return {
    object: 'list',
    data: [
      {
        id: AUTO_MODEL,
        object: 'model',
        created: 0,
        owned_by: 'lowrouter',
        tier: null,
        description: 'LowRouter picks the smallest model that can do the job',
      },
      ...data,
      ...loadEmbeddingCatalog().models.map((m) => ({
        id: m.id,
        object: 'model',
        created: 0,
        owned_by: m.vendor,
        type: 'embedding',
        dimensions: m.dimensions,
        max_input_tokens: m.maxInputTokens,
      })),
    ],
  };
}
