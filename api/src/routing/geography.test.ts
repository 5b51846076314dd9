import { describe, expect, test } from 'vitest';
import {
  EEA_COUNTRIES,
  EU_COUNTRIES,
  expandRegionSelectors,
  normalizeSelector,
  regionMatches,
  selectorKind,
} from './geography';

const regions = [
  { id: 'scaleway:fr-par', country: 'FR' },
  { id: 'azure:francecentral', country: 'FR' },
  { id: 'azure:norwayeast', country: 'NO' },
  { id: 'aws:us-east-1', country: 'US' },
  { id: 'azure:switzerlandnorth', country: 'CH' },
];

describe('geographies', () => {
  test('EU has the 27 member states and EEA adds Iceland, Liechtenstein and Norway', () => {
    expect(new Set(EU_COUNTRIES).size).toBe(27);
    expect(EU_COUNTRIES).toEqual(expect.arrayContaining(['FR', 'DE', 'IE', 'HR', 'CY']));
    expect(EU_COUNTRIES).not.toContain('GB');
    expect(EEA_COUNTRIES.filter((c) => !EU_COUNTRIES.includes(c)).sort()).toEqual(['IS', 'LI', 'NO']);
  });

  test('Switzerland is in neither', () => {
    expect(EEA_COUNTRIES).not.toContain('CH');
  });
});

describe('expandRegionSelectors', () => {
  test.each([
    { selectors: ['EU'], ids: ['azure:francecentral', 'scaleway:fr-par'] },
    { selectors: ['eea'], ids: ['azure:francecentral', 'azure:norwayeast', 'scaleway:fr-par'] },
    { selectors: ['US'], ids: ['aws:us-east-1'] },
    { selectors: ['fr'], ids: ['azure:francecentral', 'scaleway:fr-par'] },
    { selectors: ['CH', 'aws:us-east-1'], ids: ['aws:us-east-1', 'azure:switzerlandnorth'] },
    { selectors: ['JP'], ids: [] },
  ])('$selectors → $ids', ({ selectors, ids }) => {
    const result = expandRegionSelectors(selectors, regions);
    expect(result.ok && [...result.regionIds].sort()).toEqual(ids);
  });

  test('refuses unknown selectors with a message naming them', () => {
    expect(expandRegionSelectors(['EU', 'XX'], regions)).toEqual({
      ok: false,
      unknown: ['XX'],
      message:
        "unknown region selector 'XX': use a region id such as scaleway:fr-par, an ISO 3166 country code such as FR, or one of EU, EEA, US",
    });
    const result = expandRegionSelectors(['Europe', 'gcp:nowhere'], regions);
    expect(result.ok ? [] : result.unknown).toEqual(['Europe', 'gcp:nowhere']);
  });

  test('points out that the United Kingdom is GB', () => {
    const result = expandRegionSelectors(['UK'], regions);
    expect(result.ok ? '' : result.message).toContain('(the United Kingdom is GB)');
  });
});

test('selectors are classified and normalised by their spelling', () => {
  expect(['scaleway:fr-par', 'fr', 'Eu', 'EEA', 'XX'].map(selectorKind)).toEqual([
    'region',
    'country',
    'geography',
    'geography',
    undefined,
  ]);
  expect(normalizeSelector(' eu ')).toBe('EU');
  expect(regionMatches('XX', { id: 'a:b', country: 'XX' })).toBe(false);
});

describe('a region located only as "in the EU"', () => {
  const eu = { id: 'mistral:eu', country: 'EU' };
  test('satisfies EU and EEA residency but no single country', () => {
    expect(regionMatches('EU', eu)).toBe(true);
    expect(regionMatches('EEA', eu)).toBe(true);
    expect(regionMatches('FR', eu)).toBe(false);
    expect(regionMatches('US', eu)).toBe(false);
  });
});
