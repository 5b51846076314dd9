/**
 * Where a canonical request goes: the catalog rows (provider, endpoint, region) plus what configuration
 * adds (base URL override, `{resource}`-style placeholder values) and the model's output limit.
 * Pure URL building lives here so every adapter resolves templates the same way.
 */
import type { AuthStyle, Endpoint, Provider, Region } from '@lowrouter/shared';
import { type CanonicalRequest, textOf, type Warning } from './canonical';
import type { ProviderError } from './provider-error';

export interface Target {
  provider: Pick<
    Provider,
    'id' | 'protocol' | 'baseUrl' | 'auth' | 'chatPath' | 'streamChatPath' | 'query' | 'bodyDefaults'
  > & { modelInBody?: boolean };
  endpoint: Pick<Endpoint, 'upstreamModel'>;
  region?: Pick<Region, 'providerRegionId'>;
  /** Configured base URL (`LOWROUTER_<ID>_BASE_URL`); replaces `provider.baseUrl`. */
  baseUrl?: string;
  /** Values for placeholders other than `{region}`/`{model}`/`{deployment}` (e.g. `{resource}`, `{project}`). */
  placeholders?: Record<string, string>;
  /** The model's output-token limit; Anthropic's required `max_tokens` defaults to it. */
  maxOutputTokens?: number;
}

/** Header that carries the key; call.ts fills it (`Bearer <key>` for authorization, the bare key otherwise). */
export type AuthHeader = 'authorization' | 'x-api-key' | 'api-key' | 'x-goog-api-key';

export function authHeaderFor(style: AuthStyle): AuthHeader | null {
  switch (style) {
    case 'bearer':
      return 'authorization';
    case 'x-api-key':
      return 'x-api-key';
    case 'api-key':
      return 'api-key';
    case 'x-goog-api-key':
      return 'x-goog-api-key';
    default:
      return null;
  }
}

/** The wire request an adapter builds. It never holds the key: call.ts sets `authHeader` itself. */
export interface BuiltRequest {
  url: string;
  method: 'POST';
  headers: Record<string, string>;
  /** Name of the header call.ts must fill with the key (null: no auth). */
  authHeader: AuthHeader | null;
  body: Record<string, unknown>;
  /** State the response/stream parsers need (tool-id maps, estimates); opaque to callers. */
  context: RequestContext;
  /** Parameters this protocol cannot honour; surfaced on the response. */
  warnings: Warning[];
}

export interface RequestContext {
  provider: string;
  /** The upstream model requested, used when a response names none. */
  model: string;
  stream: boolean;
  /** True when the CLIENT asked for `stream_options.include_usage`; LowRouter always asks upstream. */
  clientRequestedUsage: boolean;
  /** ≈ prompt tokens (4 characters per token), used only when the upstream reports no usage. */
  estimatedInputTokens: number;
  /** Mistral: 9-character wire id → the caller's original tool-call id. */
  toolIdsFromWire?: Record<string, string>;
}

export type BuildResult = { ok: true; request: BuiltRequest } | { ok: false; error: ProviderError };

/**
 * Resolves `{name}` placeholders: `{model}` and `{deployment}` → the endpoint's upstream model (URL-encoded,
 * `@` kept for Vertex ids such as `claude-sonnet-4-5@20250929`), `{region}` → the region's provider id,
 * others from `target.placeholders`. Throws on an unresolved placeholder: that is a configuration bug
 * (credentials.ts reports such providers as unavailable, so routing never picks them).
 */
export function fillTemplate(template: string, target: Target): string {
  return template.replace(/\{([A-Za-z0-9_]+)\}/g, (whole, name: string) => {
    if (name === 'model' || name === 'deployment') {
      return encodeURIComponent(target.endpoint.upstreamModel).replace(/%40/g, '@');
    }
    if (name === 'region' && target.region) return target.region.providerRegionId;
    const v = target.placeholders?.[name];
    if (v !== undefined) return v;
    throw new Error(`provider ${target.provider.id}: no value for ${whole} in its URL`);
  });
}

/**
 * Joins base URL + path template + `provider.query`.
 * - A configured base URL that is a bare origin (`http://gpu-box:11434`) keeps the catalog base URL's path
 *   (`/v1`), so operators can point a provider at another host without knowing its path layout.
 * - A version segment the base already ends with is not repeated (`…/v1` + `/v1/messages` → `…/v1/messages`).
 * - Without a chatPath in the row, the protocol default is used, prefixed with `versionPrefix` when the
 *   base is a bare origin (`https://api.anthropic.com` → `/v1/messages`).
 */
export function buildUrl(
  target: Target,
  stream: boolean,
  defaults: { path: string; streamPath?: string; versionPrefix: string },
): string {
  const p = target.provider;
  let base = fillTemplate(target.baseUrl ?? p.baseUrl, target).replace(/\/+$/, '');
  if (target.baseUrl && new URL(base).pathname.replace(/\/+$/, '') === '') {
    base += fillTemplate(p.baseUrl.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, ''), target).replace(/\/+$/, '');
  }
  const explicit = stream ? (p.streamChatPath ?? p.chatPath) : p.chatPath;
  let path: string;
  if (explicit !== undefined) {
    path = fillTemplate(explicit, target);
  } else {
    path = fillTemplate(stream ? (defaults.streamPath ?? defaults.path) : defaults.path, target);
    if (new URL(base).pathname.replace(/\/+$/, '') === '') path = defaults.versionPrefix + path;
  }
  if (path && !path.startsWith('/') && !path.startsWith('?') && !path.startsWith(':')) path = `/${path}`;
  const version = /\/(v\d+[a-z0-9]*)$/i.exec(new URL(base).pathname)?.[1];
  if (version && path.startsWith(`/${version}/`)) path = path.slice(version.length + 1);
  const url = new URL(base + path);
  for (const [k, v] of Object.entries(p.query ?? {})) url.searchParams.set(k, fillTemplate(v, target));
  return url.toString();
}

/** Merges `provider.bodyDefaults` under the built body and drops `model` when it travels in the URL. */
export function finishBody(target: Target, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(target.provider.bodyDefaults ?? {}), ...body };
  if (target.provider.modelInBody === false) delete out['model'];
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}

/** The fields of RequestContext every adapter fills the same way. */
export function baseContext(req: CanonicalRequest, target: Target): RequestContext {
  let chars = 0;
  for (const m of req.messages) {
    chars += textOf(m.content).length;
    if (m.role === 'assistant') for (const tc of m.tool_calls ?? []) chars += tc.function.arguments.length;
  }
  for (const t of req.tools ?? []) chars += JSON.stringify(t.function).length;
  return {
    provider: target.provider.id,
    model: target.endpoint.upstreamModel,
    stream: req.stream === true,
    clientRequestedUsage: req.stream_options?.include_usage === true,
    estimatedInputTokens: Math.ceil(chars / 4),
  };
}

/** ≈ tokens for a text (4 characters per token, rounded up): only for upstreams that report no usage. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}
