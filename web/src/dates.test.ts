import { describe, expect, it } from 'vitest';
import {
  bucketKeys,
  bucketOf,
  dayCount,
  fillBuckets,
  firstShown,
  lastDays,
  mondayOf,
  parseRange,
  toFilter,
} from './dates';

const NOW = Date.parse('2026-11-21T22:30:00Z');

describe('dates', () => {
  it('defaults to the last 30 UTC days, today included', () => {
    const r = lastDays(NOW);
    expect(r).toEqual({ from: '2026-10-23', to: '2026-11-21' });
    expect(dayCount(r)).toBe(30);
  });

  it('sends the range as [first midnight, midnight after the last day)', () => {
    expect(toFilter({ from: '2026-02-27', to: '2026-02-28' })).toEqual({
      from: '2026-02-27T00:00:00.000Z',
      to: '2026-03-01T00:00:00.000Z',
    });
  });

  it('refuses malformed or reversed ranges', () => {
    expect(parseRange('2026-11-01', '2026-11-21')).toEqual({ from: '2026-11-01', to: '2026-11-21' });
    expect(parseRange('2026-11-21', '2026-11-01')).toBeNull();
    expect(parseRange('yesterday', '2026-11-01')).toBeNull();
    expect(parseRange(null, '2026-11-01')).toBeNull();
  });

  it('buckets by day up to a quarter, by ISO week beyond', () => {
    expect(bucketOf({ from: '2026-01-01', to: '2026-04-02' })).toBe('DAY');
    expect(bucketOf({ from: '2026-01-01', to: '2026-04-03' })).toBe('WEEK');
    expect(mondayOf('2026-11-22')).toBe('2026-11-16');
    expect(mondayOf('2026-11-16')).toBe('2026-11-16');
    expect(bucketKeys({ from: '2026-11-18', to: '2026-12-01' }, 'WEEK')).toEqual([
      '2026-11-16',
      '2026-11-23',
      '2026-11-30',
    ]);
  });

  it('fills the buckets the API left out with an empty one', () => {
    const keys = bucketKeys({ from: '2026-11-19', to: '2026-11-21' }, 'DAY');
    const filled = fillBuckets(keys, [{ day: '2026-11-20', n: 3 }], (b) => b.day, { day: null, n: 0 });
    expect(filled.map((b) => b.n)).toEqual([0, 3, 0]);
  });
});

describe('where the daily chart starts', () => {
  const has = (n: number) => n > 0;
  it('starts a week before the end when the only usage is today', () => {
    const month = [...Array(29).fill(0), 3];
    expect(firstShown(month, has, 7)).toBe(23);
  });
  it('starts at the first day with usage when that leaves more than a week', () => {
    expect(firstShown([0, 0, 0, 1, 0, 0, 0, 0, 0, 2], has, 7)).toBe(3);
  });
  it('keeps every day of a range shorter than a week, and says -1 with no usage', () => {
    expect(firstShown([0, 0, 5], has, 7)).toBe(0);
    expect(firstShown([0, 0, 0], has, 7)).toBe(-1);
    expect(firstShown([], has, 7)).toBe(-1);
  });
});
