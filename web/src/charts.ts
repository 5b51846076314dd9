/**
 * Inline SVG charts of our own: a bar chart and a line chart as SVG markup strings (no library). All
 * text is escaped; colours come from CSS classes (.bar, .line, .axis), so dark mode and the CSP (no
 * inline styles) both hold. Each chart has role="img" and a <title>; pair it with a table for details.
 */

export interface Datum {
  label: string;
  value: number;
  /** An estimate's range around `value` (e.g. min and max gCO2e), drawn as a whisker on the bar. */
  min?: number;
  max?: number;
}

export interface ChartOptions {
  /** What the chart shows, read by screen readers: "Requests per day". */
  title: string;
  /** Appended to values in tooltips and the axis: "gCO2e". */
  unit?: string;
  width?: number;
  height?: number;
  /** Formats values for the axis and tooltips. */
  format?: (n: number) => string;
  /** The font size the page's CSS gives chart text, px: sizes the margin for the axis labels. */
  fontSize?: number;
  /** Print each non-zero value over its bar (bar charts; use with few bars). */
  values?: boolean;
  /** The widest a bar may be, px (bar charts): a week on a wide screen stays bars, not blocks. */
  maxBarWidth?: number;
}

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`);

/** The smallest 1, 2 or 5 × 10^k at or above `n` (0 → 1), so the axis top is a round number. */
export function niceCeil(n: number): number {
  if (!(n > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  // toPrecision: 2 × 1e-4 is 0.00019999999999999998 in floating point, and would print so.
  for (const m of [1, 2, 5, 10]) if (m * p >= n * (1 - 1e-12)) return Number((m * p).toPrecision(12));
  return 10 * p;
}

const round = (n: number) => Math.round(n * 10) / 10;
const defaultFormat = (n: number) => String(Number(n.toPrecision(3)));

interface Frame {
  w: number;
  h: number;
  left: number;
  top: number;
  plotW: number;
  plotH: number;
  max: number;
  fmt: (n: number) => string;
  unit: string;
  /** Font size of the chart's text, px. */
  fs: number;
}

function frame(values: number[], o: ChartOptions): Frame {
  const w = o.width ?? 600;
  const h = o.height ?? 200;
  const max = niceCeil(Math.max(0, ...values));
  const fmt = o.format ?? defaultFormat;
  // Room for the widest axis label (≈0.6 em per character), at least 48.
  const widest = Math.max(...[0, max / 2, max].map((v) => fmt(v).length));
  const left = Math.max(48, Math.ceil(widest * (o.fontSize ?? 11) * 0.62) + 8);
  // Values printed over the bars need a line of room above the tallest one.
  const top = o.values ? Math.ceil((o.fontSize ?? 11) * 1.2) + 6 : 8;
  return {
    w,
    h,
    left,
    top,
    plotW: w - left - 8,
    plotH: h - top - 24,
    max,
    fmt,
    unit: o.unit ? ` ${o.unit}` : '',
    fs: o.fontSize ?? 11,
  };
}

function open(f: Frame, o: ChartOptions): string {
  const y = (v: number) => round(f.top + f.plotH - (v / f.max) * f.plotH);
  const grid = [0, f.max / 2, f.max]
    .map(
      (v) =>
        `<line class="axis" x1="${f.left}" x2="${f.left + f.plotW}" y1="${y(v)}" y2="${y(v)}"/>` +
        `<text x="${f.left - 4}" y="${y(v) + 4}" text-anchor="end">${esc(f.fmt(v))}</text>`,
    )
    .join('');
  return (
    `<svg class="chart" viewBox="0 0 ${f.w} ${f.h}" width="${f.w}" height="${f.h}" role="img" aria-label="${esc(o.title)}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${esc(o.title)}</title>${grid}`
  );
}

/**
 * Labels under the plot: at most 8, fewer when the plot is too narrow for them, evenly spaced so they
 * never overlap, counted back from the last datum so the latest (today's) bar is always labelled.
 */
function xLabels(f: Frame, data: Datum[], xOf: (i: number) => number): string {
  // As many as fit side by side (≈0.62 em per character and a gap), and never more than 8.
  const widest = Math.max(1, ...data.map((d) => d.label.length));
  const fit = Math.max(1, Math.floor(f.plotW / (widest * f.fs * 0.62 + 10)));
  const step = Math.max(1, Math.ceil(data.length / Math.min(8, fit)));
  const last = data.length - 1;
  // A label centred on the last (or first) bar of a narrow chart would stick out: keep it inside.
  const inside = (x: number, label: string) => {
    const half = (label.length * f.fs * 0.62) / 2;
    return Math.min(Math.max(x, half), f.w - half);
  };
  return data
    .map((d, i) =>
      (last - i) % step === 0
        ? `<text x="${round(inside(xOf(i), d.label))}" y="${f.h - 6}" text-anchor="middle">${esc(d.label)}</text>`
        : '',
    )
    .join('');
}

/** "label: value unit", or "label: value unit (min–max)" for a ranged datum. */
function tip(f: Frame, d: Datum): string {
  const r = d.min !== undefined && d.max !== undefined && d.min !== d.max;
  return `${d.label}: ${f.fmt(d.value)}${f.unit}${r ? ` (${f.fmt(d.min!)}–${f.fmt(d.max!)})` : ''}`;
}

/**
 * Vertical bars, one per datum, with a tooltip (<title>) each. Negative values draw as zero. A datum
 * with min and max gets a whisker from min to max over its bar (the axis leaves room for the max).
 */
export function barChart(data: Datum[], o: ChartOptions): string {
  const f = frame(
    data.map((d) => Math.max(d.value, d.max ?? 0)),
    o,
  );
  const yOf = (v: number) => round(f.top + f.plotH - (Math.max(0, v) / f.max) * f.plotH);
  const slot = data.length ? f.plotW / data.length : f.plotW;
  const bw = Math.max(1, Math.min(slot * 0.8, o.maxBarWidth ?? Number.POSITIVE_INFINITY));
  const bars = data
    .map((d, i) => {
      const v = Math.max(0, d.value);
      const bh = round((v / f.max) * f.plotH);
      const x = round(f.left + i * slot + (slot - bw) / 2);
      const cx = round(f.left + i * slot + slot / 2);
      const whisker =
        d.min !== undefined && d.max !== undefined && d.max > d.min
          ? `<line class="range" x1="${cx}" x2="${cx}" y1="${yOf(d.min)}" y2="${yOf(d.max)}"/>`
          : '';
      // With few bars there is room to print each value over its bar (above the whisker).
      const value =
        o.values && v > 0
          ? `<text class="value" x="${cx}" y="${round(Math.min(f.top + f.plotH - bh, d.max !== undefined ? yOf(d.max) : Number.POSITIVE_INFINITY) - 4)}" text-anchor="middle">${esc(f.fmt(d.value))}</text>`
          : '';
      return `<rect class="bar" x="${x}" y="${round(f.top + f.plotH - bh)}" width="${round(bw)}" height="${bh}"><title>${esc(tip(f, d))}</title></rect>${whisker}${value}`;
    })
    .join('');
  return `${open(f, o)}${bars}${xLabels(f, data, (i) => f.left + i * slot + slot / 2)}</svg>`;
}

/** One line through the points, with a dot (and tooltip) per point. */
export function lineChart(data: Datum[], o: ChartOptions): string {
  const f = frame(
    data.map((d) => d.value),
    o,
  );
  const xOf = (i: number) => f.left + (data.length > 1 ? (i / (data.length - 1)) * f.plotW : f.plotW / 2);
  const yOf = (v: number) => round(f.top + f.plotH - (Math.max(0, v) / f.max) * f.plotH);
  const path = data.map((d, i) => `${i ? 'L' : 'M'}${round(xOf(i))} ${yOf(d.value)}`).join(' ');
  const dots = data
    .map(
      (d, i) =>
        `<circle class="bar" cx="${round(xOf(i))}" cy="${yOf(d.value)}" r="3"><title>${esc(`${d.label}: ${f.fmt(d.value)}${f.unit}`)}</title></circle>`,
    )
    .join('');
  return `${open(f, o)}${data.length ? `<path class="line" d="${path}"/>` : ''}${dots}${xLabels(f, data, xOf)}</svg>`;
}

export interface HBarOptions {
  /** What the chart shows, read by screen readers: "gCO2e by model". */
  title: string;
  /** Appended to values in tooltips: "gCO2e". */
  unit?: string;
  /** viewBox width; the SVG scales down to its container. */
  width?: number;
  /** Formats the value printed after each bar and in its tooltip. */
  format?: (n: number) => string;
  /** The font size the page's CSS gives chart text, px: sizes the rows and the room for values. */
  fontSize?: number;
}

/**
 * Horizontal bars, one row per datum in the order given: the label on its own line above the bar (so a
 * long model id keeps the full width, also at 360 px), the value printed after the bar, and a whisker
 * from min to max for a ranged datum. Bars are scaled to the largest value (or max); zero draws no bar.
 */
export function hbarChart(data: Datum[], o: HBarOptions): string {
  const w = o.width ?? 360;
  const fs = o.fontSize ?? 11;
  const fmt = o.format ?? defaultFormat;
  const labelH = Math.ceil(fs * 1.25);
  const barH = Math.ceil(fs * 1.1);
  const rowH = labelH + barH + 8;
  const h = Math.max(rowH, data.length * rowH);
  // Room after the longest bar for the widest value (≈0.62 em per character).
  const valueW = Math.ceil(Math.max(1, ...data.map((d) => fmt(d.value).length)) * fs * 0.62) + 6;
  const plotW = Math.max(40, w - valueW);
  const top = Math.max(0, ...data.map((d) => Math.max(d.value, d.max ?? 0)));
  const scale = (v: number) => (top > 0 ? round((Math.max(0, v) / top) * plotW) : 0);
  const unit = o.unit ? ` ${o.unit}` : '';
  // Labels longer than the row are cut with an ellipsis; the tooltip keeps them whole.
  const maxChars = Math.max(4, Math.floor(w / (fs * 0.6)));
  const cutLabel = (s: string) => (s.length > maxChars ? `${s.slice(0, maxChars - 1)}…` : s);
  const rows = data
    .map((d, i) => {
      const y = i * rowH;
      const barY = y + labelH + 2;
      const bw = scale(d.value);
      const ranged = d.min !== undefined && d.max !== undefined && d.max > d.min;
      const tipText = `${d.label}: ${fmt(d.value)}${unit}${ranged ? ` (${fmt(d.min!)}–${fmt(d.max!)})` : ''}`;
      const cy = round(barY + barH / 2);
      const whisker = ranged
        ? `<line class="range" x1="${scale(d.min!)}" x2="${scale(d.max!)}" y1="${cy}" y2="${cy}"/>`
        : '';
      const valueX = Math.max(bw, ranged ? scale(d.max!) : 0) + 4;
      return (
        `<g><title>${esc(tipText)}</title>` +
        `<text class="label" x="0" y="${y + labelH - 3}">${esc(cutLabel(d.label))}</text>` +
        `<rect class="track" x="0" y="${barY}" width="${plotW}" height="${barH}"/>` +
        (bw > 0 ? `<rect class="bar" x="0" y="${barY}" width="${bw}" height="${barH}"/>` : '') +
        whisker +
        `<text class="value" x="${round(valueX)}" y="${round(barY + barH - 2)}">${esc(fmt(d.value))}</text></g>`
      );
    })
    .join('');
  return (
    `<svg class="chart hbar" viewBox="0 0 ${w} ${h}" width="${w}" height="${h}" role="img" aria-label="${esc(o.title)}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${esc(o.title)}</title>${rows}</svg>`
  );
}

/**
 * The `n` largest rows in order, and when more remain, one more row that merges them (`merge` builds it
 * from the rest), so a chart of 40 models stays a chart of n + 1 bars. Rows with the same value keep
 * their order.
 */
export function topWithOther<T>(rows: T[], n: number, value: (t: T) => number, merge: (rest: T[]) => T): T[] {
  const sorted = [...rows].sort((a, b) => value(b) - value(a));
  if (sorted.length <= n + 1) return sorted;
  return [...sorted.slice(0, n), merge(sorted.slice(n))];
}
