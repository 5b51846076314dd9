/**
 * What a fake upstream should do with the next request. Scenarios come from three places, merged in this
 * order (later wins): the server default (`setScenario`), the request header `x-fake-scenario`, and the
 * next queued scenario (`POST /__fake/next` or `enqueue`).
 *
 * Header syntax: a JSON object, or comma-separated names and `key=value` pairs, e.g.
 * `x-fake-scenario: rate-limited` · `status=503,retry-after=2` · `synthetic,words=50,chunks=10` ·
 * `fixture=groq/chat-stream.sse,chunk-delay=20` · `cut-mid-stream`.
 */

export type FakeProtocol = 'openai' | 'anthropic' | 'mistral' | 'gemini';

export interface FakeScenario {
  /** Fixture to replay (`<folder>/<file>` under api/src/providers/__fixtures__, or a file of the protocol's folder). */
  fixture?: string;
  /** Answer with a deterministic synthetic completion (OpenAI/Mistral wire) instead of a fixture. */
  synthetic?: boolean;
  /** Words in the synthetic answer (default 12). */
  words?: number;
  /** Delay before the response headers, in ms ("slow headers"). */
  latencyMs?: number;
  /** Delay between body writes, in ms. */
  chunkDelayMs?: number;
  /** Split the body into this many writes (fixtures) or content chunks (synthetic streams). */
  chunks?: number;
  /** Answer with this status and the protocol's error body (429, 500, 503, 529, …). */
  status?: number;
  /** `retry-after` header to send with an injected status (seconds or HTTP date). */
  retryAfter?: string;
  /** `retry-after-ms` header to send with an injected status. */
  retryAfterMs?: number;
  /** Send the first half of the body, then destroy the socket. */
  cut?: boolean;
  /** Send the first half of the body, then end the response cleanly (no terminal marker). */
  truncate?: boolean;
  /** Corrupt the body: a JSON body is cut in half, an event stream gets a broken `data:` line after its first event. */
  malformed?: 'json' | 'sse';
  /** Remove every usage field (and OpenAI's usage-only chunk) from the body. */
  missingUsage?: boolean;
  /**
   * Reset the TCP connection (RST, no answer) instead of answering: `'headers'` before the response
   * headers, a number after that many body writes.
   */
  resetAt?: 'headers' | number;
  /** Send the headers and this many body writes, then send nothing more until the client leaves. */
  hangAt?: number;
  /**
   * Behave like an upstream (or a NAT in front of it) that silently forgot idle keep-alive connections:
   * a request arriving on a connection that already served one is answered with a reset.
   */
  staleSockets?: boolean;
  /**
   * Overwrite fields of every usage object in the body (`usage`, `usageMetadata`, in JSON bodies and in
   * each SSE data payload), as a hostile upstream would: `{ "prompt_tokens": -10000000 }`. A dotted key
   * reaches into a nested object (`prompt_tokens_details.cached_tokens`); the value `"$missing"` deletes.
   */
  usage?: Record<string, unknown>;
}

/** Scenario names usable in `x-fake-scenario` and `POST /__fake/next`. */
export const NAMED_SCENARIOS: Readonly<Record<string, FakeScenario>> = {
  ok: {},
  synthetic: { synthetic: true },
  'rate-limited': { status: 429, retryAfter: '1' },
  'server-error': { status: 500 },
  unavailable: { status: 503 },
  overloaded: { status: 529 },
  'slow-headers': { latencyMs: 2_000 },
  'slow-chunks': { chunkDelayMs: 50 },
  'cut-mid-stream': { cut: true },
  'truncated-stream': { truncate: true },
  'malformed-json': { malformed: 'json' },
  'malformed-sse': { malformed: 'sse' },
  'missing-usage': { missingUsage: true },
  'reset-before-headers': { resetAt: 'headers' },
  'hang-after-headers': { hangAt: 0 },
  'stale-sockets': { staleSockets: true },
};

const NUMERIC_KEYS: Record<string, keyof FakeScenario> = {
  status: 'status',
  latency: 'latencyMs',
  'chunk-delay': 'chunkDelayMs',
  chunks: 'chunks',
  words: 'words',
  'retry-after-ms': 'retryAfterMs',
  'hang-at': 'hangAt',
};

/** Parses a scenario given as a name list / key=value string, a JSON string, or an object. */
export function parseScenario(input: unknown): FakeScenario {
  if (input === undefined || input === null || input === '') return {};
  if (typeof input === 'object') return input as FakeScenario;
  const text = String(input).trim();
  if (text.startsWith('{')) return JSON.parse(text) as FakeScenario;
  const out: Record<string, unknown> = {};
  for (const token of text
    .split(/[,;]/)
    .map((t) => t.trim())
    .filter(Boolean)) {
    const eq = token.indexOf('=');
    if (eq === -1) {
      const named = NAMED_SCENARIOS[token];
      if (!named) throw new Error(`unknown fake scenario '${token}'`);
      Object.assign(out, named);
      continue;
    }
    const key = token.slice(0, eq).trim();
    const value = token.slice(eq + 1).trim();
    if (key in NUMERIC_KEYS) out[NUMERIC_KEYS[key]!] = Number(value);
    else if (key === 'fixture') out['fixture'] = value;
    else if (key === 'retry-after') out['retryAfter'] = value;
    else if (key === 'malformed') out['malformed'] = value;
    else throw new Error(`unknown fake scenario key '${key}'`);
  }
  return out as FakeScenario;
}
