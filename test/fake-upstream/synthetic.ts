/**
 * A deterministic synthetic OpenAI-compatible answer (also valid Mistral wire) for benchmarks and demos:
 * the same words for the same settings, and correct usage — prompt_tokens estimated at 4 characters per
 * token over the message texts, completion_tokens = number of words.
 */

const WORDS = [
  'LowRouter',
  'synthetic',
  'answer',
  'from',
  'the',
  'fake',
  'upstream,',
  'deterministic',
  'and',
  'instant.',
];

export function syntheticWords(count: number): string[] {
  return Array.from({ length: Math.max(1, count) }, (_, i) => WORDS[i % WORDS.length]!);
}

/** ≈ prompt tokens of an OpenAI-style body (4 characters per token over message text). */
export function estimatePromptTokens(body: Record<string, unknown>): number {
  let chars = 0;
  for (const m of (body['messages'] as { content?: unknown }[] | undefined) ?? []) {
    const c = m.content;
    if (typeof c === 'string') chars += c.length;
    else if (Array.isArray(c)) for (const p of c) if (typeof p?.text === 'string') chars += p.text.length;
  }
  return Math.max(1, Math.ceil(chars / 4));
}

function usage(prompt: number, completion: number) {
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: 0 },
  };
}

const ID = 'chatcmpl-synthetic';
const CREATED = 1_750_000_000;

export function syntheticCompletion(body: Record<string, unknown>, words: number): string {
  const text = syntheticWords(words).join(' ');
  return JSON.stringify({
    id: ID,
    object: 'chat.completion',
    created: CREATED,
    model: String(body['model'] ?? 'synthetic'),
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: usage(estimatePromptTokens(body), words),
  });
}

/**
 * SSE events (each a complete `data: …\n\n` string): role chunk, `chunks` content chunks, finish chunk,
 * a usage chunk when the request asked for it (`stream_options.include_usage`), `[DONE]`.
 * Mistral style puts usage in the finish chunk instead, as Mistral does.
 */
export function syntheticStream(
  body: Record<string, unknown>,
  words: number,
  chunks?: number,
  style: 'openai' | 'mistral' = 'openai',
): string[] {
  const model = String(body['model'] ?? 'synthetic');
  const list = syntheticWords(words);
  const pieces = Math.min(list.length, Math.max(1, chunks ?? list.length));
  const per = Math.ceil(list.length / pieces);
  const chunk = (delta: object, finish: string | null = null) =>
    `data: ${JSON.stringify({ id: ID, object: 'chat.completion.chunk', created: CREATED, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
  const out = [chunk({ role: 'assistant', content: '' })];
  for (let i = 0; i < list.length; i += per) {
    out.push(chunk({ content: (i === 0 ? '' : ' ') + list.slice(i, i + per).join(' ') }));
  }
  const u = usage(estimatePromptTokens(body), words);
  if (style === 'mistral') {
    out.push(
      `data: ${JSON.stringify({ id: ID, object: 'chat.completion.chunk', created: CREATED, model, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }], usage: u })}\n\n`,
    );
  } else {
    out.push(chunk({}, 'stop'));
    const wantsUsage =
      (body['stream_options'] as { include_usage?: boolean } | undefined)?.include_usage === true;
    if (wantsUsage) {
      out.push(
        `data: ${JSON.stringify({ id: ID, object: 'chat.completion.chunk', created: CREATED, model, choices: [], usage: u })}\n\n`,
      );
    }
  }
  out.push('data: [DONE]\n\n');
  return out;
}
