/**
 * Embedding answers for the fake upstreams, in the documented wire shapes (no recording exists in the
 * reference set): OpenAI `{object:"list", data:[{object:"embedding", index, embedding}], model,
 * usage:{prompt_tokens, total_tokens}}` (floats, or Float32 little-endian base64 when the request says
 * `encoding_format: "base64"`), Mistral the same plus `id` and `usage.completion_tokens: 0`.
 * Vectors are deterministic (a hash of the text), unit length, with the model's dimensions or the
 * requested `dimensions`; prompt_tokens is 4 characters per token, at least 1 per input.
 */
import { createHash } from 'node:crypto';

const DIMENSIONS: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
  'mistral-embed': 1024,
};

function vectorFor(text: string, dims: number): number[] {
  const out: number[] = new Array(dims);
  let block = createHash('sha256').update(text).digest();
  for (let i = 0; i < dims; i++) {
    if (i % 32 === 0 && i > 0) block = createHash('sha256').update(block).digest();
    out[i] = (block[i % 32]! - 127.5) / 127.5;
  }
  const norm = Math.hypot(...out) || 1;
  // Rounded to float32, as the upstreams return them.
  return out.map((x) => Math.fround(x / norm));
}

export function embeddingAnswer(protocol: 'openai' | 'mistral', body: Record<string, unknown>): string {
  const model = String(body['model'] ?? '');
  const inputs = typeof body['input'] === 'string' ? [body['input']] : ((body['input'] as string[]) ?? []);
  const dims = typeof body['dimensions'] === 'number' ? body['dimensions'] : (DIMENSIONS[model] ?? 256);
  const base64 = protocol === 'openai' && body['encoding_format'] === 'base64';
  const tokens = inputs.reduce((n, s) => n + Math.max(1, Math.ceil(String(s).length / 4)), 0);
  const data = inputs.map((s, index) => {
    const v = vectorFor(String(s), dims);
    const embedding = base64 ? Buffer.from(new Float32Array(v).buffer).toString('base64') : v;
    return protocol === 'mistral'
      ? { object: 'embedding', embedding, index }
      : { object: 'embedding', index, embedding };
  });
  return JSON.stringify(
    protocol === 'mistral'
      ? {
          id: `embd-${createHash('md5').update(inputs.join('\n')).digest('hex')}`,
          object: 'list',
          data,
          model,
          usage: { prompt_tokens: tokens, total_tokens: tokens, completion_tokens: 0 },
        }
      : { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } },
  );
}
