import { describe, expect, it } from 'vitest';
import {
  type CatalogData,
  EMPTY_FILTER,
  choices,
  filterRows,
  sortRows,
  toRows,
  viewFromSearch,
  viewToSearch,
} from './catalog';

const ep = (
  id: string,
  provider: string,
  region: string,
  country: string,
  inUsd: number,
  outUsd: number,
  g: number,
) => ({
  id,
  provider: { id: provider },
  region: { id: region, name: region.split(':')[1]!, country },
  inputPricePerMTokUsd: inUsd,
  outputPricePerMTokUsd: outUsd,
  eco: {
    whPer1kOutputTokens: { min: g / 100, max: g / 50 },
    gco2ePer1kOutputTokens: { min: g, max: g * 2 },
    confidence: 'disclosed-parameters',
  },
});

const data: CatalogData = {
  providers: [
    { id: 'a', name: 'Alpha' },
    { id: 'b', name: 'Beta' },
  ],
  models: [
    {
      id: 'v/big',
      name: 'big',
      tier: 'frontier',
      openWeights: false,
      endpoints: [ep('big@a', 'a', 'a:us', 'US', 3, 15, 5)],
    },
    {
      id: 'v/small',
      name: 'small',
      tier: 'small',
      openWeights: true,
      endpoints: [
        ep('small@a', 'a', 'a:us', 'US', 0.1, 0.4, 0.3),
        ep('small@b', 'b', 'b:fr', 'FR', 0.2, 0.3, 0.05),
      ],
    },
  ],
};
const rows = toRows(data);

describe('catalog rows', () => {
  it('flattens one row per endpoint with the provider name', () => {
    expect(rows.map((r) => [r.endpointId, r.provider, r.country])).toEqual([
      ['big@a', 'Alpha', 'US'],
      ['small@a', 'Alpha', 'US'],
      ['small@b', 'Beta', 'FR'],
    ]);
  });

  it('filters by provider, region, country, tier, open weights and name', () => {
    const ids = (f: Partial<typeof EMPTY_FILTER>) =>
      filterRows(rows, { ...EMPTY_FILTER, ...f }).map((r) => r.endpointId);
    expect(ids({ provider: 'b' })).toEqual(['small@b']);
    expect(ids({ region: 'a:us' })).toEqual(['big@a', 'small@a']);
    expect(ids({ country: 'FR' })).toEqual(['small@b']);
    expect(ids({ tier: 'frontier' })).toEqual(['big@a']);
    expect(ids({ openWeights: true })).toEqual(['small@a', 'small@b']);
    expect(ids({ search: ' SMA ' })).toEqual(['small@a', 'small@b']);
    expect(ids({})).toHaveLength(3);
  });

  it('sorts by output price, input price, carbon, energy or name', () => {
    const order = (k: Parameters<typeof sortRows>[1]) => sortRows(rows, k).map((r) => r.endpointId);
    expect(order('price')).toEqual(['small@b', 'small@a', 'big@a']);
    expect(order('input')).toEqual(['small@a', 'small@b', 'big@a']);
    expect(order('carbon')).toEqual(['small@b', 'small@a', 'big@a']);
    expect(order('energy')).toEqual(['small@b', 'small@a', 'big@a']);
    expect(order('model')).toEqual(['big@a', 'small@a', 'small@b']);
  });

  it('offers each filter value once, regions narrowed by provider', () => {
    const c = choices(rows);
    expect(c.providers).toEqual([
      ['a', 'Alpha'],
      ['b', 'Beta'],
    ]);
    expect(c.regions('b')).toEqual([['b:fr', 'fr (FR)']]);
    expect(c.countries.map(([v]) => v)).toEqual(['FR', 'US']);
  });

  it('round-trips the view through the URL, leaving defaults out', () => {
    const v = { filter: { ...EMPTY_FILTER, provider: 'a', openWeights: true }, sort: 'carbon' as const };
    expect(viewToSearch(v)).toBe('?provider=a&open=1&sort=carbon');
    expect(viewFromSearch(viewToSearch(v))).toEqual(v);
    expect(viewToSearch(viewFromSearch('?sort=bogus'))).toBe('');
  });
});
