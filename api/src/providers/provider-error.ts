/**
 * Expected upstream failures as values. Every adapter's `parseError`, every in-stream error event and every
 * transport failure in call.ts ends up as one `ProviderError`; nothing upstream is thrown.
 */

export type ProviderErrorKind =
  | 'auth'
  | 'bad_request'
  | 'not_found'
  | 'context_length'
  | 'rate_limited'
  | 'overloaded'
  | 'upstream'
  | 'timeout'
  | 'network'
  | 'content_filter'
  /** The gateway's own caller went away (its signal aborted): says nothing about the upstream. */
  | 'client_closed';

export interface ProviderError {
  kind: ProviderErrorKind;
  /** HTTP status of the upstream response; null for transport failures and errors inside a 200 stream. */
  status: number | null;
  /** Worth trying again (same or another endpoint) — decided from the status, not from the body text. */
  retryable: boolean;
  /** Wait before retrying, in ms, when the upstream said so (retry-after-ms, retry-after, Gemini RetryInfo). */
  retryAfterMs?: number;
  /** Human-readable, with anything that looks like an API key scrubbed. */
  message: string;
  /** Provider id (catalog) the error came from. */
  provider: string;
  /** Upstream's machine-readable code/type when it sent one (`insufficient_quota`, `overloaded_error`, …). */
  code?: string;
  /** Request field the error is about, when known (`temperature`). */
  param?: string;
}

/** Status → kind and default retryability (SDK convention: 408, 409, 429 and ≥ 500 are retried). */
export function kindFromStatus(status: number): { kind: ProviderErrorKind; retryable: boolean } {
  if (status === 401 || status === 402 || status === 403) return { kind: 'auth', retryable: false };
  if (status === 404) return { kind: 'not_found', retryable: false };
  if (status === 408) return { kind: 'timeout', retryable: true };
  if (status === 409) return { kind: 'upstream', retryable: true };
  if (status === 429) return { kind: 'rate_limited', retryable: true };
  if (status === 503 || status === 529) return { kind: 'overloaded', retryable: true };
  if (status === 504) return { kind: 'timeout', retryable: true };
  if (status >= 500) return { kind: 'upstream', retryable: true };
  return { kind: 'bad_request', retryable: false };
}

const CONTEXT_LENGTH_PATTERNS = [
  /context[_ ]length/i, // OpenAI code context_length_exceeded, "maximum context length is …" (OpenAI, Mistral, vLLM)
  /context window/i,
  /prompt is too long/i, // Anthropic
  /input length and `?max_tokens`? exceed/i, // Anthropic
  /exceeds the maximum number of tokens/i, // Gemini "The input token count (…) exceeds the maximum number of tokens allowed"
  /too many (input )?tokens/i,
  /reduce the length of the messages/i, // OpenAI, Groq
  /too large for model with/i, // Mistral
];

/** True when an error message/code says the prompt did not fit the model's context. */
export function looksLikeContextLength(text: string): boolean {
  return CONTEXT_LENGTH_PATTERNS.some((re) => re.test(text));
}

/** Bodies that blame the API key while using 400 (Gemini API_KEY_INVALID, xAI). */
export function looksLikeBadKey(text: string): boolean {
  return (
    /API_KEY_INVALID/.test(text) ||
    (/api[ _-]?key/i.test(text) && /(invalid|incorrect|not valid|wrong|missing|expired)/i.test(text))
  );
}

const CONTENT_FILTER_PATTERNS = [
  /content[_ ]filter/i,
  /content_policy_violation/i,
  /ResponsibleAIPolicyViolation/,
];

export function looksLikeContentFilter(text: string): boolean {
  return CONTENT_FILTER_PATTERNS.some((re) => re.test(text));
}

/**
 * The usual refinement of a status-derived kind by body text: context length and bad keys and content
 * filters travel as 400s. Retryability still comes from the status (or `x-should-retry`).
 */
export function refineKind(status: number, text: string): ProviderErrorKind {
  const base = kindFromStatus(status).kind;
  if (base === 'bad_request' || status === 413) {
    if (looksLikeBadKey(text)) return 'auth';
    if (looksLikeContextLength(text)) return 'context_length';
    if (looksLikeContentFilter(text)) return 'content_filter';
  }
  return base;
}

// ---------------------------------------------------------------------------------------------
// Retry delays

/** Case-insensitive header access over fetch Headers or a plain record. */
export type HeaderSource =
  | { get(name: string): string | null }
  | Record<string, string | string[] | undefined>;

export function headerValue(headers: HeaderSource | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(n: string): string | null }).get(name) ?? undefined;
  }
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>)) {
    if (k.toLowerCase() === wanted && v !== undefined) return Array.isArray(v) ? v[0] : v;
  }
  return undefined;
}

/** The longest wait an upstream may ask for (1 h, ms): its number reaches clients' retry-after headers. */
export const MAX_RETRY_AFTER_MS = 3_600_000;
/** An upstream's wait, never trusted: a whole number of ms in [0, MAX_RETRY_AFTER_MS]. */
const wait = (ms: number) => Math.min(MAX_RETRY_AFTER_MS, Math.max(0, Math.round(ms)));

/**
 * Upstream's requested wait in ms: `retry-after-ms`, then `retry-after` (delta-seconds or an HTTP date,
 * relative to `nowMs`). Undefined when absent or unparseable; clamped to [0, MAX_RETRY_AFTER_MS].
 */
export function retryAfterMsFromHeaders(
  headers: HeaderSource | undefined,
  nowMs: number,
): number | undefined {
  const ms = headerValue(headers, 'retry-after-ms');
  if (ms !== undefined && ms.trim() !== '' && Number.isFinite(Number(ms))) {
    return wait(Number(ms));
  }
  const ra = headerValue(headers, 'retry-after')?.trim();
  if (!ra) return undefined;
  if (/^\d+(\.\d+)?$/.test(ra)) return wait(Number(ra) * 1000);
  const date = Date.parse(ra);
  if (Number.isNaN(date)) return undefined;
  return wait(date - nowMs);
}

/** Parses a protobuf Duration string as Google sends it (`"34.4s"`, `"1s"`, `"0.5s"`) into ms. */
export function durationToMs(duration: unknown): number | undefined {
  if (typeof duration !== 'string') return undefined;
  const m = /^(\d+(?:\.\d+)?)s$/.exec(duration.trim());
  return m ? wait(Number(m[1]) * 1000) : undefined;
}

/** "Please try again in 330ms" / "in 4.77s" (OpenAI, Groq 429 messages) → ms. A last-resort hint. */
export function retryHintFromMessage(message: string): number | undefined {
  const m = /try again in (\d+(?:\.\d+)?)(ms|s)\b/i.exec(message);
  if (!m) return undefined;
  const n = Number(m[1]);
  return wait(m[2] === 'ms' ? n : n * 1000);
}

/** `x-should-retry: true|false` overrides the status-derived decision (Stainless SDK convention). */
export function shouldRetryOverride(headers: HeaderSource | undefined): boolean | undefined {
  const v = headerValue(headers, 'x-should-retry')?.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Secret scrubbing

const KEY_PATTERNS: RegExp[] = [
  /\bsk-[A-Za-z0-9_-]{8,}/g, // OpenAI, Anthropic (sk-ant-…), DeepSeek, …
  /\bAIza[0-9A-Za-z_-]{8,}/g, // Google API keys
  /\blr_[A-Za-z0-9]{8,}/g, // LowRouter's own keys
  /\bgsk_[A-Za-z0-9]{10,}/g, // Groq
  /\bxai-[A-Za-z0-9]{10,}/g, // xAI
  /\b(?:pk|rk|tgp_v1)_[A-Za-z0-9_-]{10,}/g,
  /\bBearer\s+[A-Za-z0-9._~+/=-]{8,}/gi,
  /([?&](?:key|api[_-]?key|access_token)=)[^&\s"']+/gi,
  /(["']?(?:x-api-key|api-key|x-goog-api-key|authorization)["']?\s*[:=]\s*["']?)[^\s"',}]+/gi,
  // Upstreams echo a masked key ("Incorrect API key provided: sk-abc*****wxyz"); drop the visible ends too.
  /[A-Za-z0-9_<>.-]*\*{3,}[A-Za-z0-9_<>.-]*/g,
];

/** Runs of at least this many characters of a configured credential are removed wherever they appear. */
export const MIN_SECRET_RUN = 8;

/**
 * Removes every run of ≥ MIN_SECRET_RUN consecutive characters of any of `keys` from `text`: an
 * upstream that echoes a key's head, tail or middle leaks nothing usable. Every window of
 * MIN_SECRET_RUN characters of the text that also occurs in a key is marked, and each stretch of
 * marked characters becomes one `[redacted]` (linear in the text's length). Shorter keys (4–7
 * characters) are removed only where they occur whole.
 */
function scrubConfigured(text: string, keys: readonly (string | undefined)[]): string {
  const grams = new Set<string>();
  let out = text;
  for (const key of keys) {
    if (!key || key.length < 4) continue;
    if (key.length < MIN_SECRET_RUN) out = out.split(key).join('[redacted]');
    else for (let i = 0; i + MIN_SECRET_RUN <= key.length; i++) grams.add(key.slice(i, i + MIN_SECRET_RUN));
  }
  if (!grams.size || out.length < MIN_SECRET_RUN) return out;
  const marked = new Uint8Array(out.length);
  let any = false;
  for (let i = 0; i + MIN_SECRET_RUN <= out.length; i++) {
    if (grams.has(out.slice(i, i + MIN_SECRET_RUN))) {
      marked.fill(1, i, i + MIN_SECRET_RUN);
      any = true;
    }
  }
  if (!any) return out;
  let result = '';
  for (let i = 0; i < out.length; ) {
    if (!marked[i]) {
      result += out[i++];
      continue;
    }
    while (i < out.length && marked[i]) i++;
    result += '[redacted]';
  }
  return result;
}

/**
 * Removes secrets from text that may reach logs or clients: every run of 8+ characters of a
 * configured key, then anything shaped like a common API key, bearer token or credential header.
 */
export function scrubSecrets(text: string, keys: readonly (string | undefined)[] = []): string {
  let out = scrubConfigured(text, keys);
  for (const re of KEY_PATTERNS) {
    out = out.replace(re, (match, prefix: unknown) =>
      typeof prefix === 'string' && match.startsWith(prefix) ? `${prefix}[redacted]` : '[redacted]',
    );
  }
  return out;
}

/** Builds a ProviderError with a scrubbed, length-capped message. */
export function providerError(
  fields: Omit<ProviderError, 'message'> & { message: string },
  keys: readonly (string | undefined)[] = [],
): ProviderError {
  const message = scrubSecrets(fields.message, keys).slice(0, 2000);
  const out: ProviderError = { ...fields, message };
  for (const k of Object.keys(out) as (keyof ProviderError)[]) {
    if (out[k] === undefined) delete out[k];
  }
  return out;
}
