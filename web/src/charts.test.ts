import { describe, expect, it } from 'vitest';
import { barChart, hbarChart, lineChart, niceCeil, topWithOther } from './charts';

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

describe('a day of data', () => {
  it('draws one labelled bar with its value printed over it', () => {
    const svg = barChart([{ label: '12-01', value: 4 }], {
      title: 'Requests per day',
      width: 248,
      height: 132,
      values: true,
    });
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(1);
    expect(svg).toContain('text-anchor="middle">12-01</text>');
    // The value sits above the bar, which reaches the (raised) top of the plot.
    expect(svg).toMatch(/<text class="value" x="144" y="\d+(\.\d)?" text-anchor="middle">4<\/text>/);
    const valueY = Number(/class="value" x="144" y="([\d.]+)"/.exec(svg)![1]);
    const barY = Number(/class="bar" x="[\d.]+" y="([\d.]+)"/.exec(svg)![1]);
    expect(valueY).toBeLessThan(barY);
    expect(valueY).toBeGreaterThan(0);
  });

  it('always labels the last bar (today), whatever the thinning', () => {
    const data = Array.from({ length: 30 }, (_, i) => ({ label: `d${i}`, value: i === 29 ? 1 : 0 }));
    const svg = barChart(data, { title: 't' });
    expect(svg).toContain('text-anchor="middle">d29</text>');
    expect(svg.match(/text-anchor="middle"/g)!.length).toBeLessThanOrEqual(8);
  });

  it('labels fewer days when the chart is phone-narrow, so labels never touch', () => {
    const week = ['11-25', '11-26', '11-27', '11-28', '11-29', '11-30', '12-01'].map((label) => ({
      label,
      value: 1,
    }));
    const labels = (width: number) =>
      [...barChart(week, { title: 't', width, fontSize: 13 }).matchAll(/middle">([^<]+)</g)].map((m) => m[1]);
    expect(labels(1100)).toEqual(week.map((d) => d.label));
    expect(labels(328)).toEqual(['11-25', '11-27', '11-29', '12-01']);
  });

  it('keeps the last label inside a narrow chart', () => {
    const month = Array.from({ length: 30 }, (_, i) => ({
      label: `11-${String(i + 1).padStart(2, '0')}`,
      value: 1,
    }));
    const svg = barChart(month, { title: 't', width: 328, fontSize: 13 });
    const x = Number(/x="([\d.]+)" y="\d+" text-anchor="middle">11-30</.exec(svg)![1]);
    // "11-30" is about 5 × 13 × 0.62 ≈ 40 px wide: its centre stays 20 px from the edge.
    expect(x).toBeLessThanOrEqual(328 - 20);
  });

  it('prints no value over zero bars', () => {
    const svg = barChart(
      [
        { label: 'a', value: 0 },
        { label: 'b', value: 0 },
      ],
      { title: 't', values: true },
    );
    expect(svg).not.toContain('class="value"');
    expect(svg).toContain('height="0"');
  });
});

describe('horizontal bars', () => {
  const opts = { title: 'gCO2e by model', unit: 'gCO2e', width: 360, fontSize: 13 };

  it('draws one row per datum, labels above bars, values after them, scaled to the largest', () => {
    const svg = hbarChart(
      [
        { label: 'openai/gpt-4o-mini', value: 2 },
        { label: 'mistral/mistral-small-2506', value: 1 },
      ],
      opts,
    );
    expect(svg).toMatchInlineSnapshot(
      `"<svg class="chart hbar" viewBox="0 0 360 80" width="360" height="80" role="img" aria-label="gCO2e by model" xmlns="http://www.w3.org/2000/svg"><title>gCO2e by model</title><g><title>openai/gpt-4o-mini: 2 gCO2e</title><text class="label" x="0" y="14">openai/gpt-4o-mini</text><rect class="track" x="0" y="19" width="345" height="15"/><rect class="bar" x="0" y="19" width="345" height="15"/><text class="value" x="349" y="32">2</text></g><g><title>mistral/mistral-small-2506: 1 gCO2e</title><text class="label" x="0" y="54">mistral/mistral-small-2506</text><rect class="track" x="0" y="59" width="345" height="15"/><rect class="bar" x="0" y="59" width="172.5" height="15"/><text class="value" x="176.5" y="72">1</text></g></svg>"`,
    );
  });

  it('draws no bar for zero values, and no NaN when every value is zero', () => {
    const svg = hbarChart(
      [
        { label: 'a', value: 0 },
        { label: 'b', value: 0 },
      ],
      opts,
    );
    expect(svg).not.toContain('class="bar"');
    expect(svg).not.toContain('NaN');
    expect(svg.match(/class="value"[^>]*>0</g)).toHaveLength(2);
  });

  it('draws a whisker for a range and prints the value past it', () => {
    const svg = hbarChart([{ label: 'eu', value: 3, min: 2, max: 4 }], opts);
    // Scaled to the max (4): the plot is 360 − room for "3" (15) → 345 px wide.
    expect(svg).toContain('<line class="range" x1="172.5" x2="345"');
    expect(svg).toContain('<text class="value" x="349"');
    expect(svg).toContain('<title>eu: 3 gCO2e (2–4)</title>');
  });

  it('cuts labels too long for the row, keeping them whole in the tooltip, and escapes them', () => {
    const long = `<b>${'x'.repeat(80)}`;
    const svg = hbarChart([{ label: long, value: 1 }], opts);
    expect(svg).not.toContain('<b>');
    expect(svg).toContain(`<title>&lt;b&gt;${'x'.repeat(80)}: 1 gCO2e</title>`);
    const shown = /class="label"[^>]*>([^<]*)</.exec(svg)![1]!;
    expect(shown.endsWith('…')).toBe(true);
    expect(shown.replace('&lt;', '<').replace('&gt;', '>').length).toBeLessThanOrEqual(
      Math.floor(360 / (13 * 0.6)),
    );
  });

  it('makes an empty chart one empty row high, never zero', () => {
    expect(hbarChart([], opts)).toContain('viewBox="0 0 360 40"');
  });
});

describe('the "other" bucket', () => {
  const sum = (rest: { k: string; v: number }[]) => ({
    k: `Other (${rest.length})`,
    v: rest.reduce((t, r) => t + r.v, 0),
  });

  it('keeps the n largest and merges the rest into one row', () => {
    const models = Array.from({ length: 40 }, (_, i) => ({ k: `m${i}`, v: i }));
    const top = topWithOther(models, 7, (r) => r.v, sum);
    expect(top.map((r) => r.k)).toEqual(['m39', 'm38', 'm37', 'm36', 'm35', 'm34', 'm33', 'Other (33)']);
    expect(top.at(-1)!.v).toBe((32 * 33) / 2);
  });

  it('merges nothing when one row more than n would be all that is left', () => {
    const rows = Array.from({ length: 8 }, (_, i) => ({ k: `m${i}`, v: 8 - i }));
    expect(topWithOther(rows, 7, (r) => r.v, sum).map((r) => r.k)).toEqual(rows.map((r) => r.k));
  });

  it('keeps the given order among equal values (zero rows included)', () => {
    const rows = [
      { k: 'a', v: 0 },
      { k: 'b', v: 0 },
      { k: 'c', v: 1 },
    ];
    expect(topWithOther(rows, 7, (r) => r.v, sum).map((r) => r.k)).toEqual(['c', 'a', 'b']);
  });
});
