/**
 * Which providers LowRouter can call, and with what: a pure function of the environment and the catalog.
 *
 * For a provider id such as `azure-openai` the prefix is `LOWROUTER_AZURE_OPENAI` (upper-cased,
 * non-alphanumerics as `_`):
 * - `<PREFIX>_API_KEY` — the key; for the four first-party ids the usual variables also work
 *   (OPENAI_API_KEY, ANTHROPIC_API_KEY, MISTRAL_API_KEY, GEMINI_API_KEY or GOOGLE_API_KEY for `google`);
 *   the LOWROUTER_ variable wins;
 * - `<PREFIX>_BASE_URL` — replaces the catalog base URL (required for self-hosted / auth 'none' providers);
 * - `<PREFIX>_<NAME>` — value of a `{name}` placeholder in the base URL, chat path or query
 *   (`LOWROUTER_AZURE_OPENAI_RESOURCE` for `{resource}`); `{region}`, `{model}` and `{deployment}` come from
 *   the catalog instead.
 *
 * A provider is AVAILABLE when it has what it needs: a key unless its auth is 'none', a configured base URL
 * when it is self-hosted or keyless, and a value for every configuration placeholder. Unavailable is not
 * failed: routing simply never considers it.
 */
import type { Provider } from '@lowrouter/shared';

export interface ProviderCredentials {
  apiKey?: string;
  /** Configured base URL, when set (overrides the catalog's). */
  baseUrl?: string;
  /** Values for configuration placeholders found in the provider's URL templates. */
  placeholders: Record<string, string>;
}

/** Available providers only; `isAvailable` answers for any id. */
export interface ResolvedCredentials extends ReadonlyMap<string, ProviderCredentials> {
  isAvailable(providerId: string): boolean;
}

type CatalogProvider = Pick<Provider, 'id' | 'auth' | 'baseUrl'> &
  Partial<Pick<Provider, 'chatPath' | 'streamChatPath' | 'query' | 'selfHosted'>>;

const CONVENTIONAL_KEYS: Record<string, readonly string[]> = {
  openai: ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  mistral: ['MISTRAL_API_KEY'],
  google: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
};

/** Placeholders filled from the catalog rows rather than from configuration. */
const CATALOG_PLACEHOLDERS = new Set(['region', 'model', 'deployment']);

/** `azure-openai` → `LOWROUTER_AZURE_OPENAI`. */
export function envPrefix(providerId: string): string {
  return `LOWROUTER_${providerId.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

function placeholdersIn(p: CatalogProvider, baseUrl: string): string[] {
  const templates = [baseUrl, p.chatPath ?? '', p.streamChatPath ?? '', ...Object.values(p.query ?? {})];
  const names = new Set<string>();
  for (const t of templates) for (const m of t.matchAll(/\{([A-Za-z0-9_]+)\}/g)) names.add(m[1]!);
  return [...names].filter((n) => !CATALOG_PLACEHOLDERS.has(n));
}

export function resolveCredentials(
  env: Record<string, string | undefined>,
  providers: readonly CatalogProvider[],
): ResolvedCredentials {
  const read = (name: string) => {
    const v = env[name]?.trim();
    return v ? v : undefined;
  };
  const map = new Map<string, ProviderCredentials>();
  for (const p of providers) {
    const prefix = envPrefix(p.id);
    const apiKey = read(`${prefix}_API_KEY`) ?? (CONVENTIONAL_KEYS[p.id] ?? []).map(read).find(Boolean);
    const baseUrl = read(`${prefix}_BASE_URL`);
    if (p.auth !== 'none' && !apiKey) continue;
    if ((p.auth === 'none' || p.selfHosted) && !baseUrl) continue;
    const placeholders: Record<string, string> = {};
    let complete = true;
    for (const name of placeholdersIn(p, baseUrl ?? p.baseUrl)) {
      const v = read(`${prefix}_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`);
      if (v === undefined) complete = false;
      else placeholders[name] = v;
    }
    if (!complete) continue;
    const creds: ProviderCredentials = { placeholders };
    if (apiKey) creds.apiKey = apiKey;
    if (baseUrl) creds.baseUrl = baseUrl;
    map.set(p.id, creds);
  }
  return Object.assign(map, { isAvailable: (providerId: string) => map.has(providerId) });
}
