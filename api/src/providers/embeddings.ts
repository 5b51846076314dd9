/**
 * Pure transforms for embedding calls. OpenAI and Mistral (the providers with embedding endpoints in
 * data/embeddings.json) both take `{model, input: string[]}` at `<base>/embeddings` and answer
 * `{data: [{index, embedding}], usage: {prompt_tokens}}`; OpenAI also takes `dimensions` and
 * `encoding_format` (Mistral takes neither, so vectors are always asked for as floats and the gateway
 * encodes base64 itself when the client wants it).
 */
import type { Provider } from '@lowrouter/shared';
import type { ProviderError } from './provider-error';
import { type AuthHeader, authHeaderFor, buildUrl } from './target';

export interface EmbeddingTarget {
  provider: Pick<Provider, 'id' | 'protocol' | 'baseUrl' | 'auth' | 'query' | 'bodyDefaults'>;
  upstreamModel: string;
  /** Path under the provider's base URL (`/embeddings`). */
  path: string;
  region?: { providerRegionId: string };
  baseUrl?: string;
  placeholders?: Record<string, string>;
}

export interface BuiltEmbeddingRequest {
  url: string;
  authHeader: AuthHeader | null;
  body: Record<string, unknown>;
}

export function buildEmbeddingRequest(
  t: EmbeddingTarget,
  input: readonly string[],
  dimensions: number | undefined,
): BuiltEmbeddingRequest {
  const url = buildUrl(
    {
      provider: { ...t.provider, chatPath: t.path, streamChatPath: undefined } as never,
      endpoint: { upstreamModel: t.upstreamModel },
      ...(t.region ? { region: t.region } : {}),
      ...(t.baseUrl ? { baseUrl: t.baseUrl } : {}),
      ...(t.placeholders ? { placeholders: t.placeholders } : {}),
    },
    false,
    { path: t.path, versionPrefix: '/v1' },
  );
  const openai = t.provider.protocol === 'openai';
  return {
    url,
    authHeader: authHeaderFor(t.provider.auth),
    body: {
      model: t.upstreamModel,
      input: [...input],
      ...(openai ? { encoding_format: 'float' } : {}),
      ...(openai && dimensions !== undefined ? { dimensions } : {}),
    },
  };
}

export type ParsedEmbeddings =
  | { ok: true; vectors: number[][]; promptTokens: number | undefined }
  | { ok: false; error: ProviderError };

/** Float32 little-endian base64 (what OpenAI sends for `encoding_format: "base64"`) → numbers. */
export function fromBase64(b64: string): number[] {
  const buf = Buffer.from(b64, 'base64');
  const out: number[] = new Array(buf.length >> 2);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

/** Numbers → Float32 little-endian base64, as the OpenAI SDK expects for `encoding_format: "base64"`. */
export function toBase64(v: readonly number[]): string {
  const buf = Buffer.allocUnsafe(v.length * 4);
  for (let i = 0; i < v.length; i++) buf.writeFloatLE(v[i]!, i * 4);
  return buf.toString('base64');
}

/** A 2xx body → one vector per input, in input order; anything else is an upstream error. */
export function parseEmbeddingResponse(json: unknown, inputs: number, provider: string): ParsedEmbeddings {
  const bad = (message: string): ParsedEmbeddings => ({
    ok: false,
    error: { kind: 'upstream', status: 200, retryable: true, provider, message },
  });
  const data = (json as { data?: unknown } | null)?.data;
  if (!Array.isArray(data)) return bad('the upstream answer has no data list');
  if (data.length !== inputs) return bad(`the upstream returned ${data.length} vectors for ${inputs} inputs`);
  const vectors: number[][] = new Array(inputs);
  for (const [i, d] of data.entries()) {
    const index = typeof d?.index === 'number' ? d.index : i;
    const e = d?.embedding;
    const v =
      typeof e === 'string'
        ? fromBase64(e)
        : Array.isArray(e) && e.every((x) => typeof x === 'number' && Number.isFinite(x))
          ? (e as number[])
          : null;
    if (!v || !Number.isInteger(index) || index < 0 || index >= inputs || vectors[index])
      return bad(`the upstream answer has an invalid vector at ${i}`);
    vectors[index] = v;
  }
  const usage = (json as { usage?: { prompt_tokens?: unknown } }).usage;
  const p = usage?.prompt_tokens;
  return { ok: true, vectors, promptTokens: typeof p === 'number' ? p : undefined };
}
