import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, type ModelEntry, applyView, viewToSearch } from './browser-view';

const entry = (id: string, o: Partial<ModelEntry> = {}): ModelEntry => ({
  id,
  name: id,
  tier: 'small',
  providers: ['openai'],
  usable: 1,
  open: false,
  price: 1,
  input: 1,
  carbon: 1,
  energy: 1,
  ...o,
});

describe('applyView', () => {
  it('puts models usable here first whatever the order, so a free unusable one is not first', () => {
    const list = [
      entry('self-hosted', { price: 0, usable: 0 }),
      entry('b', { price: 2 }),
      entry('a', { price: 1 }),
    ];
    expect(applyView(list, DEFAULT_VIEW).map((m) => m.id)).toEqual(['a', 'b', 'self-hosted']);
    expect(applyView(list, { ...DEFAULT_VIEW, sort: 'name' }).map((m) => m.id)).toEqual([
      'a',
      'b',
      'self-hosted',
    ]);
  });

  it('sorts by footprint and filters by provider, tier, usability and name', () => {
    const list = [
      entry('x', { carbon: 3, providers: ['mistral'], tier: 'large' }),
      entry('y', { carbon: 1, open: true }),
      entry('z', { carbon: 2, usable: 0 }),
    ];
    expect(applyView(list, { ...DEFAULT_VIEW, sort: 'carbon' }).map((m) => m.id)).toEqual(['y', 'x', 'z']);
    expect(applyView(list, { ...DEFAULT_VIEW, provider: 'mistral' }).map((m) => m.id)).toEqual(['x']);
    expect(applyView(list, { ...DEFAULT_VIEW, tier: 'large' }).map((m) => m.id)).toEqual(['x']);
    expect(applyView(list, { ...DEFAULT_VIEW, usableOnly: true }).map((m) => m.id)).toEqual(['x', 'y']);
    expect(applyView(list, { ...DEFAULT_VIEW, openWeights: true }).map((m) => m.id)).toEqual(['y']);
    expect(applyView(list, { ...DEFAULT_VIEW, q: ' Z ' }).map((m) => m.id)).toEqual(['z']);
  });
});

describe('viewToSearch', () => {
  it('writes what the server reads and leaves defaults out', () => {
    expect(viewToSearch(DEFAULT_VIEW)).toBe('');
    expect(viewToSearch({ ...DEFAULT_VIEW, provider: 'mistral', usableOnly: true, sort: 'carbon' })).toBe(
      '?provider=mistral&usable=1&sort=carbon',
    );
  });
});
