/**
 * The dashboard's date range: UTC days (the usage rollup is kept per UTC day), given as inclusive
 * YYYY-MM-DD dates in the form and sent as [from, to) timestamps. Pure, so it is tested as is.
 */

export interface DateRange {
  /** First day, inclusive, YYYY-MM-DD (UTC). */
  from: string;
  /** Last day, inclusive, YYYY-MM-DD (UTC). */
  to: string;
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** YYYY-MM-DD of a UTC instant. */
export const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);
const dayMs = (d: string) => Date.parse(`${d}T00:00:00Z`);
export const addDays = (d: string, n: number) => isoDay(dayMs(d) + n * DAY_MS);

/** The last `days` UTC days, today included. */
export function lastDays(now: number, days = 30): DateRange {
  const to = isoDay(now);
  return { from: addDays(to, 1 - days), to };
}

/** A valid range from untrusted text (the URL, the inputs), or null with nothing usable. */
export function parseRange(from: string | null, to: string | null): DateRange | null {
  if (!from || !to || !DATE.test(from) || !DATE.test(to)) return null;
  if (Number.isNaN(dayMs(from)) || Number.isNaN(dayMs(to)) || from > to) return null;
  return { from, to };
}

/** Days in the range, both ends included. */
export const dayCount = (r: DateRange) => Math.round((dayMs(r.to) - dayMs(r.from)) / DAY_MS) + 1;

/** The usage filter: from the first day's midnight to the midnight after the last day (exclusive). */
export function toFilter(r: DateRange): { from: string; to: string } {
  return { from: `${r.from}T00:00:00.000Z`, to: `${addDays(r.to, 1)}T00:00:00.000Z` };
}

/** Daily bars up to a quarter; weekly beyond, so bars stay wide enough to read. */
export const bucketOf = (r: DateRange): 'DAY' | 'WEEK' => (dayCount(r) <= 92 ? 'DAY' : 'WEEK');

/** Monday (UTC) of the ISO week holding `d`. */
export function mondayOf(d: string): string {
  const weekday = (new Date(dayMs(d)).getUTCDay() + 6) % 7;
  return addDays(d, -weekday);
}

/** Every bucket key of the range in order: each day, or each week's Monday. */
export function bucketKeys(r: DateRange, bucket: 'DAY' | 'WEEK'): string[] {
  const keys: string[] = [];
  const step = bucket === 'DAY' ? 1 : 7;
  for (let d = bucket === 'DAY' ? r.from : mondayOf(r.from); d <= r.to; d = addDays(d, step)) keys.push(d);
  return keys;
}

/**
 * One item per bucket of the range, in order, using `empty` where the API returned none (it returns
 * buckets with usage only), so a quiet day shows as a zero bar rather than disappearing.
 */
export function fillBuckets<T>(keys: string[], items: T[], keyOf: (t: T) => string | null, empty: T): T[] {
  const byKey = new Map(items.map((t) => [keyOf(t), t] as const));
  return keys.map((k) => byKey.get(k) ?? empty);
}

/**
 * Where a chart of `items` (one per bucket, in order) should start: at the first item with data, but
 * early enough to show at least `keep` items when there are that many, so a first day of use draws a
 * week with one bar rather than a month of empty ones. -1 when no item has data.
 */
export function firstShown<T>(items: T[], hasData: (t: T) => boolean, keep: number): number {
  const first = items.findIndex(hasData);
  if (first < 0) return -1;
  return Math.max(0, Math.min(first, items.length - keep));
}
