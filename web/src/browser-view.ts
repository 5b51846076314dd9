/**
 * The model browser's view in the page: the same filter and order as the server applies to a query
 * string (api/src/http/pages/model-browser.ts `applyView`), over the data-* values the server wrote on
 * each model's <tbody>. Pure, unit-tested; models usable on this instance always come first.
 */

export const SORT_KEYS = ['price', 'carbon', 'energy', 'name'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

export interface ModelEntry {
  id: string;
  name: string;
  tier: string;
  providers: string[];
  /** Endpoints usable on this instance. */
  usable: number;
  open: boolean;
  price: number;
  input: number;
  carbon: number;
  energy: number;
}

export interface BrowserView {
  q: string;
  provider: string;
  tier: string;
  usableOnly: boolean;
  openWeights: boolean;
  sort: SortKey;
}

export const DEFAULT_VIEW: BrowserView = {
  q: '',
  provider: '',
  tier: '',
  usableOnly: false,
  openWeights: false,
  sort: 'price',
};

const ORDER: Record<SortKey, (a: ModelEntry, b: ModelEntry) => number> = {
  price: (a, b) => a.price - b.price || a.input - b.input,
  carbon: (a, b) => a.carbon - b.carbon,
  energy: (a, b) => a.energy - b.energy,
  name: () => 0,
};

/** The entries the view shows, in its order. */
export function applyView(entries: readonly ModelEntry[], v: BrowserView): ModelEntry[] {
  const q = v.q.trim().toLowerCase();
  return entries
    .filter(
      (m) =>
        (!q || m.name.toLowerCase().includes(q) || m.id.toLowerCase().includes(q)) &&
        (!v.provider || m.providers.includes(v.provider)) &&
        (!v.tier || m.tier === v.tier) &&
        (!v.usableOnly || m.usable > 0) &&
        (!v.openWeights || m.open),
    )
    .sort(
      (a, b) =>
        Number(b.usable > 0) - Number(a.usable > 0) ||
        ORDER[v.sort](a, b) ||
        a.name.localeCompare(b.name) ||
        a.id.localeCompare(b.id),
    );
}

/** The view as the query string the server reads (defaults left out), so the URL can be shared. */
export function viewToSearch(v: BrowserView): string {
  const p = new URLSearchParams();
  if (v.q.trim()) p.set('q', v.q.trim());
  if (v.provider) p.set('provider', v.provider);
  if (v.tier) p.set('tier', v.tier);
  if (v.usableOnly) p.set('usable', '1');
  if (v.openWeights) p.set('open', '1');
  if (v.sort !== 'price') p.set('sort', v.sort);
  const s = p.toString();
  return s ? `?${s}` : '';
}
