import { describe, expect, it } from 'vitest';
import embeddingsJson from '../embeddings.json' with { type: 'json' };
import { loadCatalog, loadEmbeddingCatalog, parseEmbeddingCatalog } from './index';

const catalog = loadCatalog();
const known = { providers: catalog.providers.map((p) => p.id), regions: catalog.regions.map((r) => r.id) };

describe('embedding catalog', () => {
  it('parses, and every endpoint names a provider and region of the chat catalog', () => {
    expect(() => parseEmbeddingCatalog(embeddingsJson, known)).not.toThrow();
    expect(loadEmbeddingCatalog().models.map((m) => m.id)).toEqual(
      expect.arrayContaining(['openai/text-embedding-3-small', 'mistral/mistral-embed']),
    );
  });

  it('has a source and a date on every model and price', () => {
    const c = loadEmbeddingCatalog();
    for (const row of [...c.models.map((m) => m.source), ...c.endpoints.map((e) => e.price)]) {
      expect(row.source.length).toBeGreaterThan(10);
      expect(row.date).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });

  it('never shares an id with a chat model, so no chat route can pick an encoder', () => {
    const chat = new Set(catalog.models.map((m) => m.id));
    for (const m of loadEmbeddingCatalog().models) expect(chat.has(m.id)).toBe(false);
  });

  it('names every problem: unknown provider, unknown model, a model nothing serves', () => {
    const bad = structuredClone(embeddingsJson) as any;
    bad.endpoints[0].providerId = 'nobody';
    bad.endpoints[1].modelId = 'openai/none';
    expect(() => parseEmbeddingCatalog(bad, known)).toThrow(
      /unknown provider nobody[\s\S]*unknown model openai\/none[\s\S]*openai\/text-embedding-3-large: no endpoint serves it/,
    );
  });
});
