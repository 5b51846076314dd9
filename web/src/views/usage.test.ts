import { describe, expect, it } from 'vitest';
import { barChart, hbarChart } from '../charts';
import {
  type Measures,
  type SeriesBucket,
  breakdownData,
  seriesData,
  stalenessText,
  sumMeasures,
} from './usage';

const m = (requests: number, gco2e = requests / 100, costUsd = requests / 1000): Measures => ({
  requests,
  errors: 0,
  inputTokens: requests * 10,
  outputTokens: requests * 5,
  costUsd,
  energyWh: { min: gco2e * 2, max: gco2e * 4 },
  gco2e: { min: gco2e * 0.5, max: gco2e * 1.5 },
});
const day = (d: string, requests: number): SeriesBucket => ({ day: d, week: null, ...m(requests) });
const month = { from: '2026-11-02', to: '2026-12-01' };

describe('the daily chart', () => {
  it('on day one draws a week ending today, one bar with its value, every day labelled', () => {
    const { data, first, trimmed } = seriesData([day('2026-12-01', 4)], month, 'DAY', 'requests');
    expect(first).toBe('2026-11-25');
    expect(trimmed).toBe(true);
    expect(data.map((d) => [d.label, d.value])).toEqual([
      ['11-25', 0],
      ['11-26', 0],
      ['11-27', 0],
      ['11-28', 0],
      ['11-29', 0],
      ['11-30', 0],
      ['12-01', 4],
    ]);
    const svg = barChart(data, {
      title: 'Requests per day',
      width: 560,
      height: 220,
      fontSize: 13,
      values: true,
    });
    expect(svg.match(/text-anchor="middle">\d\d-\d\d</g)).toHaveLength(7);
    expect(svg.match(/<text class="value"[^>]*>4<\/text>/g)).toHaveLength(1);
  });

  it('keeps quiet days after the first request as zero bars', () => {
    const { data } = seriesData([day('2026-11-10', 1), day('2026-11-20', 2)], month, 'DAY', 'requests');
    expect(data[0]).toMatchObject({ label: '11-10', value: 1 });
    expect(data).toHaveLength(22);
    expect(data.filter((d) => d.value === 0)).toHaveLength(20);
  });

  it('draws nothing for a range without usage (the page says so in words)', () => {
    expect(seriesData([], month, 'DAY', 'gco2e')).toEqual({ data: [], first: null, trimmed: false });
  });

  it('carries the estimate range of carbon and energy for the whiskers', () => {
    const { data } = seriesData([day('2026-12-01', 10)], month, 'DAY', 'gco2e');
    expect(data.at(-1)).toEqual({ label: '12-01', value: 0.1, min: 0.05, max: 0.15000000000000002 });
  });
});

describe('breakdown charts', () => {
  it('merges everything beyond the seven largest into "Other", summing their measures', () => {
    const models = Array.from({ length: 40 }, (_, i) => ({ model: `vendor/model-${i}`, ...m(i + 1) }));
    const data = breakdownData(models, (r) => r.model, 'requests', 'models');
    expect(data.map((d) => d.label)).toEqual([
      'vendor/model-39',
      'vendor/model-38',
      'vendor/model-37',
      'vendor/model-36',
      'vendor/model-35',
      'vendor/model-34',
      'vendor/model-33',
      'Other (33 models)',
    ]);
    expect(data.at(-1)!.value).toBe((33 * 34) / 2);
    const svg = hbarChart(data, { title: 'Requests by model', fontSize: 13 });
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(8);
    expect(svg).toContain('<text class="label" x="0" y="294">Other (33 models)</text>');
  });

  it('leaves rows at zero to the tables (a request that failed before routing has no footprint)', () => {
    const rows = [
      { model: 'openai/gpt-4o-mini', ...m(2) },
      { model: '(none: failed before routing)', ...m(1, 0, 0) },
    ];
    expect(breakdownData(rows, (r) => r.model, 'gco2e', 'models').map((d) => d.label)).toEqual([
      'openai/gpt-4o-mini',
    ]);
    expect(breakdownData(rows, (r) => r.model, 'requests', 'models').map((d) => d.label)).toEqual([
      'openai/gpt-4o-mini',
      '(none: failed before routing)',
    ]);
    expect(breakdownData([rows[1]!], (r) => r.model, 'cost', 'models')).toEqual([]);
  });

  it('sums ranges bound by bound', () => {
    expect(sumMeasures([m(1), m(3)]).gco2e).toEqual({ min: 0.02, max: 0.06 });
  });
});

describe('the staleness note', () => {
  it('says nothing on the primary, nor on a replica at most a second behind', () => {
    expect(stalenessText({ kind: 'PRIMARY', lagSeconds: 0 })).toBeNull();
    expect(stalenessText({ kind: 'REPLICA', lagSeconds: 1 })).toBeNull();
    expect(stalenessText(undefined)).toBeNull();
  });

  it('says how far behind a lagging replica is, in seconds then minutes', () => {
    expect(stalenessText({ kind: 'REPLICA', lagSeconds: 12.4 })).toBe(
      'Figures may be 12 s behind: they are read from a replica (credit balances are current).',
    );
    expect(stalenessText({ kind: 'REPLICA', lagSeconds: 600 })).toMatch(/^Figures may be 10 min behind/);
  });
});
