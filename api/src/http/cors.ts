/**
 * CORS for /v1/* and /graphql, from LOWROUTER_CORS_ORIGINS: exact origins only, none by default. An
 * allowed origin gets its own origin back (never `*`, never credentials: keys travel in the
 * Authorization header, not in cookies); any other origin gets no CORS header at all, so the browser
 * refuses to hand the answer to its page. Preflights (OPTIONS) are answered 204 before any auth.
 */

const METHODS = 'GET, POST, OPTIONS';
const DEFAULT_HEADERS = 'authorization, content-type';
const EXPOSED = 'x-lowrouter-request-id, x-lowrouter-provider, x-lowrouter-region, retry-after';
/** A list of header names as browsers send it in Access-Control-Request-Headers. */
const HEADER_LIST = /^[A-Za-z0-9-]+(\s*,\s*[A-Za-z0-9-]+)*$/;

export interface Cors {
  /** Headers for an answer to a request from `origin` (Vary always when CORS is configured). */
  headers(origin: string | null | undefined): Record<string, string>;
  /** Headers for a preflight (OPTIONS) from `origin` asking for `requestHeaders`. */
  preflight(
    origin: string | null | undefined,
    requestHeaders: string | null | undefined,
  ): Record<string, string>;
}

export function createCors(origins: readonly string[]): Cors {
  const allowed = new Set(origins);
  const vary: Record<string, string> = allowed.size ? { vary: 'Origin' } : {};
  const ok = (origin: string | null | undefined): origin is string => !!origin && allowed.has(origin);
  return {
    headers(origin) {
      if (!ok(origin)) return vary;
      return { ...vary, 'access-control-allow-origin': origin, 'access-control-expose-headers': EXPOSED };
    },
    preflight(origin, requestHeaders) {
      if (!ok(origin)) return vary;
      // The SDKs send their own headers (x-stainless-*): a well-formed list is allowed as asked.
      const asked = requestHeaders?.trim();
      return {
        ...vary,
        'access-control-allow-origin': origin,
        'access-control-allow-methods': METHODS,
        'access-control-allow-headers':
          asked && asked.length <= 2000 && HEADER_LIST.test(asked) ? asked : DEFAULT_HEADERS,
        'access-control-max-age': '600',
      };
    },
  };
}

/** Parses LOWROUTER_CORS_ORIGINS: comma-separated `scheme://host[:port]`, or a message saying what is wrong. */
export function parseCorsOrigins(value: string | undefined): string[] | { error: string } {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const o of list) {
    let u: URL | null = null;
    try {
      u = new URL(o);
    } catch {}
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.origin !== o || o.includes('*'))
      return {
        error: `${JSON.stringify(o.slice(0, 80))} is not an exact origin: write scheme://host[:port] without a path or trailing slash, e.g. https://app.example.com (no wildcards)`,
      };
  }
  return list;
}
