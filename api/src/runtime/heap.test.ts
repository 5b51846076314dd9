import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config';
import { applyHeapSettings, heapGrowingFlag } from './heap';

describe('LOWROUTER_HEAP_GROWING_PERCENT', () => {
  it('defaults to 50% growth past the live heap and accepts 0 for V8 own choice', () => {
    expect(loadConfig({}).heapGrowingPercent).toBe(50);
    expect(loadConfig({ LOWROUTER_HEAP_GROWING_PERCENT: '0' }).heapGrowingPercent).toBe(0);
    expect(heapGrowingFlag(50)).toBe('--heap-growing-percent=50');
    expect(heapGrowingFlag(0)).toBeNull();
  });

  it('refuses a value that is not a whole percent up to 300, naming the setting', () => {
    for (const bad of ['-1', '301', '12.5', 'lots'])
      expect(() => loadConfig({ LOWROUTER_HEAP_GROWING_PERCENT: bad })).toThrow(
        /invalid configuration: LOWROUTER_HEAP_GROWING_PERCENT/,
      );
  });

  it('sets the V8 flag unless node was started with one, which wins', () => {
    const set: string[] = [];
    expect(applyHeapSettings(30, [], (f) => set.push(f))).toBe('--heap-growing-percent=30');
    expect(applyHeapSettings(30, ['--heap-growing-percent=80'], (f) => set.push(f))).toBeNull();
    expect(applyHeapSettings(0, [], (f) => set.push(f))).toBeNull();
    expect(set).toEqual(['--heap-growing-percent=30']);
  });
});
