/**
 * The public catalog as the model browser sees it: one query for everything (fetched once), flattened
 * to one row per endpoint, then filtered and sorted in the page. Pure functions, unit-tested.
 */
import type { MinMax } from './format';

/** Only the fields the browser shows (and the ids it filters on). */
export const CATALOG_QUERY = /* GraphQL */ `
  query Catalog {
    providers { id name }
    models {
      id name tier openWeights
      endpoints {
        id
        provider { id }
        region { id name country }
        inputPricePerMTokUsd outputPricePerMTokUsd
        eco { whPer1kOutputTokens { min max } gco2ePer1kOutputTokens { min max } confidence }
      }
    }
  }
`;

export type Tier = 'small' | 'medium' | 'large' | 'frontier';
export const TIERS: readonly Tier[] = ['small', 'medium', 'large', 'frontier'];

export interface CatalogData {
  providers: { id: string; name: string }[];
  models: {
    id: string;
    name: string;
    tier: Tier;
    openWeights: boolean;
    endpoints: {
      id: string;
      provider: { id: string };
      region: { id: string; name: string; country: string };
      inputPricePerMTokUsd: number;
      outputPricePerMTokUsd: number;
      eco: { whPer1kOutputTokens: MinMax; gco2ePer1kOutputTokens: MinMax; confidence: string };
    }[];
  }[];
}

export interface Row {
  endpointId: string;
  modelId: string;
  model: string;
  tier: Tier;
  openWeights: boolean;
  providerId: string;
  provider: string;
  regionId: string;
  region: string;
  country: string;
  inputUsd: number;
  outputUsd: number;
  wh: MinMax;
  gco2e: MinMax;
  confidence: string;
}

export function toRows(data: CatalogData): Row[] {
  const providerName = new Map(data.providers.map((p) => [p.id, p.name]));
  return data.models.flatMap((m) =>
    m.endpoints.map((e) => ({
      endpointId: e.id,
      modelId: m.id,
      model: m.name,
      tier: m.tier,
      openWeights: m.openWeights,
      providerId: e.provider.id,
      provider: providerName.get(e.provider.id) ?? e.provider.id,
      regionId: e.region.id,
      region: e.region.name,
      country: e.region.country,
      inputUsd: e.inputPricePerMTokUsd,
      outputUsd: e.outputPricePerMTokUsd,
      wh: e.eco.whPer1kOutputTokens,
      gco2e: e.eco.gco2ePer1kOutputTokens,
      confidence: e.eco.confidence,
    })),
  );
}

export interface Filter {
  provider: string;
  region: string;
  country: string;
  tier: string;
  openWeights: boolean;
  search: string;
}

export const SORTS = {
  price: 'Output price, lowest first',
  input: 'Input price, lowest first',
  carbon: 'gCO2e, lowest first',
  energy: 'Wh, lowest first',
  model: 'Model name',
} as const;
export type SortKey = keyof typeof SORTS;

export interface View {
  filter: Filter;
  sort: SortKey;
}

export const EMPTY_FILTER: Filter = {
  provider: '',
  region: '',
  country: '',
  tier: '',
  openWeights: false,
  search: '',
};

export function filterRows(rows: readonly Row[], f: Filter): Row[] {
  const q = f.search.trim().toLowerCase();
  return rows.filter(
    (r) =>
      (!f.provider || r.providerId === f.provider) &&
      (!f.region || r.regionId === f.region) &&
      (!f.country || r.country === f.country) &&
      (!f.tier || r.tier === f.tier) &&
      (!f.openWeights || r.openWeights) &&
      (!q || r.model.toLowerCase().includes(q) || r.modelId.toLowerCase().includes(q)),
  );
}

const mid = (r: MinMax) => (r.min + r.max) / 2;

const BY: Record<SortKey, (a: Row, b: Row) => number> = {
  price: (a, b) => a.outputUsd - b.outputUsd || a.inputUsd - b.inputUsd,
  input: (a, b) => a.inputUsd - b.inputUsd || a.outputUsd - b.outputUsd,
  carbon: (a, b) => mid(a.gco2e) - mid(b.gco2e),
  energy: (a, b) => mid(a.wh) - mid(b.wh),
  model: () => 0,
};

/** Sorted copy; ties fall back to model name then endpoint id, so the order is stable across runs. */
export function sortRows(rows: readonly Row[], key: SortKey): Row[] {
  return [...rows].sort(
    (a, b) => BY[key](a, b) || a.model.localeCompare(b.model) || a.endpointId.localeCompare(b.endpointId),
  );
}

/** The choices each filter offers, from the rows: [value, label] sorted by label. */
export function choices(rows: readonly Row[]) {
  const uniq = (pairs: [string, string][]) =>
    [...new Map(pairs).entries()].sort((a, b) => a[1].localeCompare(b[1]));
  return {
    providers: uniq(rows.map((r) => [r.providerId, r.provider])),
    regions: (provider: string) =>
      uniq(
        rows
          .filter((r) => !provider || r.providerId === provider)
          .map((r) => [r.regionId, `${r.region} (${r.country})`]),
      ),
    countries: uniq(rows.map((r) => [r.country, r.country])),
  };
}

/** The view as URL search parameters, defaults left out, so a filtered table can be linked. */
export function viewToSearch(v: View): string {
  const p = new URLSearchParams();
  for (const k of ['provider', 'region', 'country', 'tier', 'search'] as const) {
    if (v.filter[k]) p.set(k, v.filter[k]);
  }
  if (v.filter.openWeights) p.set('open', '1');
  if (v.sort !== 'price') p.set('sort', v.sort);
  const s = p.toString();
  return s ? `?${s}` : '';
}

export function viewFromSearch(search: string): View {
  const p = new URLSearchParams(search);
  const sort = p.get('sort') ?? 'price';
  return {
    filter: {
      provider: p.get('provider') ?? '',
      region: p.get('region') ?? '',
      country: p.get('country') ?? '',
      tier: p.get('tier') ?? '',
      openWeights: p.get('open') === '1',
      search: p.get('search') ?? '',
    },
    sort: sort in SORTS ? (sort as SortKey) : 'price',
  };
}
