/**
 * Per-request GraphQL context. DataLoaders are created lazily per request (never shared between
 * requests, so one caller never sees another's cache) and return results in key order.
 */
import DataLoader from 'dataloader';
import type { Principal, KeyStore } from '../auth/key-store';
import type { Config } from '../config';
import type { Db } from '../db/client';
import type { InferenceDeps } from '../inference/complete';

export interface GraphQLDeps {
  /** The primary: writes, and reads that must see them (balances, keys, policies, the audit log). */
  db: Db;
  /**
   * Reads that may lag by the replica's replay delay: usage, requests, footprint reports
   * (DbHandle.readDb; the primary itself without DATABASE_READ_URL).
   */
  readDb: Db;
  config: Config;
  keys: KeyStore;
  inference: InferenceDeps;
  /** The caller, when the request carried a valid API key. */
  principal: Principal | null;
}

export interface Context extends GraphQLDeps {
  loaders: Map<string, DataLoader<unknown, unknown>>;
}

export function createContext(deps: GraphQLDeps): Context {
  return { ...deps, loaders: new Map() };
}

/** The request's loader named `name`, created on first use with `batch`. */
export function loaderFor<K, V>(
  ctx: Context,
  name: string,
  batch: (keys: readonly K[]) => Promise<ArrayLike<V | Error>>,
): DataLoader<K, V> {
  let loader = ctx.loaders.get(name) as DataLoader<K, V> | undefined;
  if (!loader) {
    loader = new DataLoader<K, V>(batch);
    ctx.loaders.set(name, loader as DataLoader<unknown, unknown>);
  }
  return loader;
}

/** Orders rows by the requested keys (one row per key, or null where missing). */
export function byKey<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): (R | null)[] {
  const map = new Map(rows.map((r) => [keyOf(r), r] as const));
  return keys.map((k) => map.get(k) ?? null);
}

/** Groups rows by the requested keys (every key gets an array, maybe empty). */
export function groupByKey<K, R>(keys: readonly K[], rows: R[], keyOf: (row: R) => K): R[][] {
  const map = new Map<K, R[]>();
  for (const r of rows) {
    const k = keyOf(r);
    const list = map.get(k);
    if (list) list.push(r);
    else map.set(k, [r]);
  }
  return keys.map((k) => map.get(k) ?? []);
}
