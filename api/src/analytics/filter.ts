/**
 * What every analytics read shares: the filter (the same for usage, requests and the CSV exports),
 * its validation, and the organisation a caller may read.
 */
import type { Principal } from '../auth/key-store';
import type { Scope } from '../auth/keys';
import { AnalyticsError, badInput } from './errors';

/** `error` means every request that is not `ok` (upstream errors and client disconnects), as `usage_daily.errors` counts them. */
export type StatusFilter = 'ok' | 'error';

export interface AnalyticsFilter {
  /** Inclusive. */
  from?: Date | null;
  /** Exclusive. */
  to?: Date | null;
  models?: readonly string[] | null;
  providers?: readonly string[] | null;
  regions?: readonly string[] | null;
  countries?: readonly string[] | null;
  apiKeys?: readonly string[] | null;
  status?: StatusFilter | null;
}

export const LIST_FILTERS = ['models', 'providers', 'regions', 'countries', 'apiKeys'] as const;
export const MAX_FILTER_VALUES = 100;
/** Longest accepted filter value (ids and model names are far shorter). */
export const MAX_FILTER_VALUE_LENGTH = 200;
/**
 * Dates outside [1970, 10000) are refused: the database has no year 0, JavaScript writes years past
 * 9999 as `+010000-…`, which SQL cannot read, and no request row lies outside this range anyway.
 */
export const MIN_FILTER_DATE_MS = Date.UTC(1970, 0, 1);
export const MAX_FILTER_DATE_MS = Date.UTC(10000, 0, 1);

/** Throws a BAD_USER_INPUT error naming the field when the filter cannot be answered. */
export function validateFilter(f: AnalyticsFilter): void {
  for (const k of ['from', 'to'] as const) {
    const d = f[k];
    if (d && Number.isNaN(d.getTime())) throw badInput(k, `${k} is not a valid date-time`);
    if (d && (d.getTime() < MIN_FILTER_DATE_MS || d.getTime() >= MAX_FILTER_DATE_MS))
      throw badInput(k, `${k} must lie between 1970-01-01 and 9999-12-31`);
  }
  if (f.from && f.to && f.from.getTime() >= f.to.getTime())
    throw badInput('to', 'to must be after from (from is inclusive, to exclusive)');
  for (const k of LIST_FILTERS) {
    const v = f[k];
    if (v && v.length > MAX_FILTER_VALUES)
      throw badInput(k, `${k} takes at most ${MAX_FILTER_VALUES} values, got ${v.length}`);
    for (const x of v ?? []) {
      // The database refuses NUL in text; refusing it here makes that a 400, not a 500.
      if (x.includes('\0')) throw badInput(k, `${k} must not contain NUL characters`);
      if (x.length > MAX_FILTER_VALUE_LENGTH)
        throw badInput(k, `${k} values are at most ${MAX_FILTER_VALUE_LENGTH} characters`);
    }
  }
  if (f.status != null && f.status !== 'ok' && f.status !== 'error')
    throw badInput('status', `status is ok or error, got ${JSON.stringify(f.status)}`);
}

/** A list filter that constrains something: null when absent or empty (an empty list filters nothing). */
export const listOrNull = (v: readonly string[] | null | undefined): string[] | null =>
  v?.length ? [...new Set(v)] : null;

/**
 * The organisation `p` reads: its own, unless it names another, which only the instance admin may.
 * The key needs `scope` (the admin scope grants every scope).
 */
export function readableOrg(p: Principal | null, orgId: string | null | undefined, scope: Scope): string {
  if (!p)
    throw new AnalyticsError(
      'UNAUTHENTICATED',
      'this needs an API key: send it as `Authorization: Bearer lr_…`',
    );
  if (!p.scopes.includes(scope) && !p.scopes.includes('admin'))
    throw new AnalyticsError(
      'FORBIDDEN',
      `this needs the ${scope} scope; the key has ${p.scopes.join(', ')}`,
    );
  if (!orgId || orgId === p.orgId) return p.orgId;
  if (!p.instanceAdmin)
    throw new AnalyticsError(
      'FORBIDDEN',
      'only the instance admin can read another organisation: leave orgId out to read your own',
      'orgId',
    );
  return orgId;
}
