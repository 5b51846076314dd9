import { describe, expect, it } from 'vitest';
import { barChart, lineChart, niceCeil } from './charts';

describe('charts', () => {
  it('rounds the axis up to 1, 2 or 5 times a power of ten', () => {
    expect([0, 0.7, 1, 1.01, 3, 7, 42, 0.013, 0.00013].map(niceCeil)).toEqual([
      1, 1, 1, 2, 5, 10, 50, 0.02, 0.0002,
    ]);
  });

  it('draws one bar per datum scaled to the axis, tallest at the top of the plot', () => {
    const svg = barChart(
      [
        { label: 'Mon', value: 5 },
        { label: 'Tue', value: 10 },
      ],
      { title: 'Requests per day', width: 248, height: 132 },
    );
    expect(svg).toMatchInlineSnapshot(
      `"<svg class="chart" viewBox="0 0 248 132" width="248" height="132" role="img" aria-label="Requests per day" xmlns="http://www.w3.org/2000/svg"><title>Requests per day</title><line class="axis" x1="48" x2="240" y1="108" y2="108"/><text x="44" y="112" text-anchor="end">0</text><line class="axis" x1="48" x2="240" y1="58" y2="58"/><text x="44" y="62" text-anchor="end">5</text><line class="axis" x1="48" x2="240" y1="8" y2="8"/><text x="44" y="12" text-anchor="end">10</text><rect class="bar" x="57.6" y="58" width="76.8" height="50"><title>Mon: 5</title></rect><rect class="bar" x="153.6" y="8" width="76.8" height="100"><title>Tue: 10</title></rect><text x="96" y="126" text-anchor="middle">Mon</text><text x="192" y="126" text-anchor="middle">Tue</text></svg>"`,
    );
  });

  it('escapes labels and titles', () => {
    const svg = barChart([{ label: '<b>&"', value: 1 }], { title: "a'<script>", unit: 'g' });
    expect(svg).not.toContain('<script>');
    expect(svg).not.toContain('<b>');
    expect(svg).toContain('&lt;b&gt;&amp;&quot;: 1 g');
    expect(svg).toContain('aria-label="a&#39;&lt;script&gt;"');
  });

  it('thins x labels to about eight and clamps negatives to the axis', () => {
    const data = Array.from({ length: 30 }, (_, i) => ({ label: `d${i}`, value: i === 3 ? -4 : i }));
    const svg = barChart(data, { title: 't' });
    expect(svg.match(/text-anchor="middle"/g)).toHaveLength(8);
    expect(svg).toContain('height="0"><title>d3: -4</title>');
  });

  it('draws a line through every point', () => {
    const svg = lineChart(
      [
        { label: 'a', value: 0 },
        { label: 'b', value: 2 },
        { label: 'c', value: 1 },
      ],
      { title: 'gCO2e per day', unit: 'gCO2e', width: 248, height: 132, format: (n) => n.toFixed(1) },
    );
    expect(svg).toContain('<path class="line" d="M48 108 L144 8 L240 58"/>');
    expect(svg.match(/<circle/g)).toHaveLength(3);
    expect(svg).toContain('<title>b: 2.0 gCO2e</title>');
    expect(lineChart([], { title: 'empty' })).not.toContain('<path');
  });
});

describe('ranged bars', () => {
  it('draws a whisker from min to max and makes room for the max on the axis', () => {
    const svg = barChart([{ label: 'Mon', value: 3, min: 2, max: 8 }], {
      title: 'gCO2e per day',
      unit: 'gCO2e',
      width: 248,
      height: 132,
    });
    // Axis top: 10 (from max 8, not value 3). Plot 8..108: min 2 → y 88, max 8 → y 28.
    expect(svg).toContain('<text x="44" y="12" text-anchor="end">10</text>');
    expect(svg).toContain('<line class="range" x1="144" x2="144" y1="88" y2="28"/>');
    expect(svg).toContain('<title>Mon: 3 gCO2e (2–8)</title>');
  });

  it('draws no whisker when the range is a point', () => {
    expect(barChart([{ label: 'a', value: 1, min: 1, max: 1 }], { title: 't' })).not.toContain('range');
  });
});

describe('axis labels', () => {
  it('widens the left margin for long labels so they are not cut off', () => {
    const svg = barChart([{ label: 'a', value: 0.00013 }], {
      title: 'Cost per day',
      format: (n) => `$${n}`,
      fontSize: 13,
    });
    // "$0.0002" is 7 characters: 7 × 13 × 0.62 + 8 → 65.
    expect(svg).toContain('<line class="axis" x1="65"');
    expect(svg).toContain('<text x="61" y="12" text-anchor="end">$0.0002</text>');
  });
});
