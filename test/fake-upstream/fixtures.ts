/**
 * The fake upstreams' view of the recorded fixtures in api/src/providers/__fixtures__: which file answers a
 * request, its recorded status and headers, and the body transformations the scenarios ask for.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FakeProtocol } from './scenario';

export const FIXTURES_DIR = fileURLToPath(new URL('../../api/src/providers/__fixtures__/', import.meta.url));

/** Folders whose recordings each protocol can replay; the first is the protocol's own. */
const FOLDERS: Record<FakeProtocol, string[]> = {
  openai: ['openai', 'azure-openai', 'groq', 'together', 'ollama', 'openrouter', 'openai-compatible-misc'],
  anthropic: ['anthropic', 'bedrock'],
  mistral: ['mistral'],
  gemini: ['gemini'],
};

const DEFAULTS: Record<
  FakeProtocol,
  { json: string; sse: string; toolJson: string; toolSse: string; sseNoUsage?: string }
> = {
  openai: {
    json: 'openai/chat-nonstream-system-prompt.json',
    sse: 'openai/chat-stream-include-usage.sse',
    sseNoUsage: 'openai/chat-stream-no-usage.sse',
    toolJson: 'openai/chat-tool-call.json',
    toolSse: 'openai/chat-stream-tool-call-include-usage.sse',
  },
  anthropic: {
    json: 'anthropic/messages-nonstream.json',
    sse: 'anthropic/messages-stream.sse',
    toolJson: 'anthropic/messages-tool-use.json',
    toolSse: 'anthropic/messages-stream-tool-use.sse',
  },
  mistral: {
    json: 'mistral/chat-nonstream.json',
    sse: 'mistral/chat-stream-short.sse',
    toolJson: 'mistral/chat-tool-call.json',
    toolSse: 'mistral/chat-stream-short.sse', // no recorded Mistral tool-call stream
  },
  gemini: {
    json: 'gemini/generate-content.json',
    sse: 'gemini/stream-generate-content.sse',
    toolJson: 'gemini/function-call.json',
    toolSse: 'gemini/stream-function-call.sse',
  },
};

/** Resolves a fixture name (`groq/chat-stream.sse`, `chat-stream-short`, …) to `<folder>/<file>`, if it exists. */
export function resolveFixture(protocol: FakeProtocol, name: string): string | undefined {
  const stem = name.replace(/^fixture:/, '');
  const candidates = stem.includes('/') ? [stem] : FOLDERS[protocol].map((f) => `${f}/${stem}`);
  for (const c of candidates) {
    for (const ext of ['', '.json', '.sse', '.txt']) {
      if (existsSync(join(FIXTURES_DIR, c + ext)) && !(c + ext).endsWith('.meta.json')) return c + ext;
    }
  }
  return undefined;
}

/** The fixture a request gets when nothing names one: by protocol, streaming, tools and include_usage. */
export function defaultFixture(
  protocol: FakeProtocol,
  stream: boolean,
  tools: boolean,
  includeUsage: boolean,
): string {
  const d = DEFAULTS[protocol];
  if (!stream) return tools ? d.toolJson : d.json;
  if (tools) return d.toolSse;
  return !includeUsage && d.sseNoUsage ? d.sseNoUsage : d.sse;
}

export interface LoadedFixture {
  name: string;
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

const FRAMING = new Set([
  'content-length',
  'content-encoding',
  'transfer-encoding',
  'connection',
  'keep-alive',
]);

export function loadFixture(name: string): LoadedFixture {
  const body = readFileSync(join(FIXTURES_DIR, name));
  const metaPath = join(FIXTURES_DIR, name.replace(/(\.derived)?\.(json|sse|txt)$/, '.meta.json'));
  const meta = existsSync(metaPath)
    ? (JSON.parse(readFileSync(metaPath, 'utf8')) as {
        status?: number;
        response_headers?: Record<string, string | string[]>;
      })
    : {};
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(meta.response_headers ?? {})) {
    const key = k.toLowerCase();
    const first = Array.isArray(v) ? v[0] : v;
    if (first !== undefined && !FRAMING.has(key)) headers[key] = first;
  }
  if (!headers['content-type'])
    headers['content-type'] = name.endsWith('.sse') ? 'text/event-stream' : 'application/json';
  return { name, status: meta.status ?? 200, headers, body };
}

const USAGE_KEYS = ['usage', 'usageMetadata'];

function stripUsage(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripUsage);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!USAGE_KEYS.includes(k)) out[k] = stripUsage(v);
  return out;
}

/** Removes usage everywhere: JSON bodies, every SSE data payload, and OpenAI's `choices: []` usage-only chunk. */
export function withoutUsage(body: Buffer, sse: boolean): Buffer {
  if (!sse) return Buffer.from(JSON.stringify(stripUsage(JSON.parse(body.toString('utf8')))));
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const events = body.toString('utf8').split(`${eol}${eol}`);
  const kept: string[] = [];
  for (const ev of events) {
    const lines = ev.split(eol).map((line) => {
      if (!line.startsWith('data:')) return line;
      const data = line.slice(5).trim();
      if (!data.startsWith('{')) return line;
      const json = JSON.parse(data) as Record<string, unknown>;
      if (Array.isArray(json['choices']) && json['choices'].length === 0 && json['usage']) return null;
      return `data: ${JSON.stringify(stripUsage(json))}`;
    });
    if (lines.includes(null)) continue;
    kept.push(lines.join(eol));
  }
  return Buffer.from(kept.join(`${eol}${eol}`));
}

/** Corrupts a body: half of a JSON document, or a broken data line after the first SSE event. */
export function malformed(body: Buffer, kind: 'json' | 'sse'): Buffer {
  if (kind === 'json') return body.subarray(0, Math.max(1, Math.floor(body.length / 2)));
  const text = body.toString('utf8');
  const eol = text.includes('\r\n\r\n') ? '\r\n' : '\n';
  const at = text.indexOf(`${eol}${eol}`) + 2 * eol.length;
  return Buffer.from(`${text.slice(0, at)}data: {"broken": tru${eol}${eol}${text.slice(at)}`);
}

/** The protocol's error body for an injected status (a reconstructed/recorded one when it exists). */
export function errorBody(protocol: FakeProtocol, status: number): Buffer {
  const known: Record<string, string> = {
    'openai 429': 'openai/reconstructed/error-429-rate-limit-tokens.json',
    'openai 500': 'openai/reconstructed/error-500-server-error.json',
    'openai 503': 'openai/reconstructed/error-503-overloaded.json',
    'anthropic 429': 'anthropic/reconstructed/error-429-rate-limit.json',
    'anthropic 500': 'anthropic/reconstructed/error-500-api-error.json',
    'anthropic 529': 'anthropic/reconstructed/error-529-overloaded.json',
    'mistral 429': 'mistral/reconstructed/error-429-rate-limited.json',
    'gemini 429': 'gemini/error-429-resource-exhausted-retry-info.json',
    'gemini 503': 'gemini/reconstructed/error-503-unavailable.json',
  };
  const file = known[`${protocol} ${status}`];
  if (file) return readFileSync(join(FIXTURES_DIR, file));
  const message = `fake upstream injected HTTP ${status}`;
  if (protocol === 'anthropic') {
    const type = status === 529 ? 'overloaded_error' : status >= 500 ? 'api_error' : 'invalid_request_error';
    return Buffer.from(JSON.stringify({ type: 'error', error: { type, message } }));
  }
  if (protocol === 'gemini') {
    const s = status === 503 ? 'UNAVAILABLE' : status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT';
    return Buffer.from(JSON.stringify({ error: { code: status, message, status: s } }));
  }
  return Buffer.from(
    JSON.stringify({
      error: {
        message,
        type: status >= 500 ? 'server_error' : 'invalid_request_error',
        param: null,
        code: null,
      },
    }),
  );
}

/** Sets (or, for the value "$missing", deletes) `path` in a usage object, creating nested objects as needed. */
function patchOne(usage: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let at = usage;
  for (const k of keys.slice(0, -1)) {
    const next = at[k];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) at[k] = {};
    at = at[k] as Record<string, unknown>;
  }
  const last = keys.at(-1)!;
  if (value === '$missing') delete at[last];
  else at[last] = value;
}

function patchUsageIn(value: unknown, patch: Record<string, unknown>): void {
  if (Array.isArray(value)) {
    for (const v of value) patchUsageIn(v, patch);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [k, v] of Object.entries(value)) {
    if (USAGE_KEYS.includes(k) && v !== null && typeof v === 'object' && !Array.isArray(v)) {
      for (const [path, x] of Object.entries(patch)) patchOne(v as Record<string, unknown>, path, x);
    } else patchUsageIn(v, patch);
  }
}

/** Overwrites usage fields everywhere (scenario `usage`): JSON bodies and every SSE data payload. */
export function withUsagePatch(body: Buffer, sse: boolean, patch: Record<string, unknown>): Buffer {
  const apply = (text: string) => {
    const json = JSON.parse(text) as unknown;
    patchUsageIn(json, patch);
    return JSON.stringify(json);
  };
  if (!sse) return Buffer.from(apply(body.toString('utf8')));
  const eol = body.includes('\r\n') ? '\r\n' : '\n';
  const lines = body
    .toString('utf8')
    .split(eol)
    .map((line) => {
      if (!line.startsWith('data:')) return line;
      const data = line.slice(5).trim();
      return data.startsWith('{') ? `data: ${apply(data)}` : line;
    });
  return Buffer.from(lines.join(eol));
}
