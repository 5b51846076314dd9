/**
 * The one GraphQL client of every page. Public pages send no credentials; signed-in pages send the API
 * key the user pasted, from sessionStorage, as `Authorization: Bearer` (never a cookie or the URL), so
 * closing the tab signs out.
 */
import { Client, fetchExchange } from '@urql/core';

const KEY_ITEM = 'lowrouter.apiKey';

/** The API key of this tab, if the user signed in. */
export function storedKey(): string | null {
  try {
    return sessionStorage.getItem(KEY_ITEM);
  } catch {
    return null;
  }
}

export function storeKey(key: string | null): void {
  if (key) sessionStorage.setItem(KEY_ITEM, key);
  else sessionStorage.removeItem(KEY_ITEM);
}

export function createGraphqlClient(url = '/graphql'): Client {
  return new Client({
    url,
    // No document cache: it would add __typename to every object (a fifth more JSON for the catalog)
    // and the pages fetch each query once anyway. Identical queries in flight still share one request.
    exchanges: [fetchExchange],
    fetchOptions: (): RequestInit => {
      const key = storedKey();
      const headers: Record<string, string> = key ? { authorization: `Bearer ${key}` } : {};
      return { credentials: 'omit', headers };
    },
  });
}

/** A page view: draws into `element`, returns what stops its subscriptions and timers. */
export type View = (element: HTMLElement, client: Client) => () => void;
