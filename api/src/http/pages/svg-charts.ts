/**
 * Charts as inline SVG, drawn on the server: a scatter (footprint against price, log scales), labelled
 * horizontal bars, and bars by day. Colours come from classes styled in web/src/style.css (light and
 * dark), never from inline style (the CSP forbids it). Each chart carries a <title> and <desc> for screen
 * readers, and every mark a <title> that a pointer shows. Every text is escaped by `html`.
 */
import { type MinMax, sig } from '../../../../web/src/format';
import { type Raw, html, raw } from './layout';

const n = (v: number) => Number(v.toFixed(1));

/** Powers of ten covering [lo, hi] on a log scale, with 2 and 5 in between when the span is short. */
export function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  const from = Math.floor(Math.log10(lo));
  const to = Math.ceil(Math.log10(hi));
  const steps = to - from <= 2 ? [1, 2, 5] : [1];
  for (let e = from; e <= to; e++)
    for (const s of steps) {
      const v = s * 10 ** e;
      if (v >= lo * 0.999 && v <= hi * 1.001) ticks.push(Number(v.toPrecision(3)));
    }
  return ticks;
}

export interface ScatterPoint {
  /** Shown beside the dot and in its tooltip. */
  label: string;
  /** A link for the dot and its label (e.g. the model's page). */
  href?: string;
  x: number;
  y: number;
  /** The vertical spread (e.g. across regions), drawn as a line through the dot. */
  ySpan?: MinMax;
  /** A class for the dot's colour (e.g. `tier-small`), set on the <circle>. */
  className?: string;
  /** A hollow dot (e.g. not usable on this instance). */
  hollow?: boolean;
  /** Extra words for the tooltip. */
  detail?: string;
}

export interface ScatterOptions {
  title: string;
  description: string;
  xLabel: string;
  yLabel: string;
  formatX?: (v: number) => string;
  formatY?: (v: number) => string;
  width?: number;
  height?: number;
}

/** A log–log scatter with labelled dots; labels that would overlap another are left to the tooltip. */
export function scatterSvg(points: readonly ScatterPoint[], o: ScatterOptions): Raw {
  const W = o.width ?? 760;
  const H = o.height ?? 380;
  const m = { l: 56, r: 16, t: 12, b: 44 };
  const fx = o.formatX ?? ((v: number) => sig(v));
  const fy = o.formatY ?? ((v: number) => sig(v));
  const pts = points.filter((p) => p.x > 0 && p.y > 0);
  if (!pts.length) return html`<p class="muted">No data to draw.</p>`;
  const ys = pts.flatMap((p) => [p.y, p.ySpan?.min ?? p.y, p.ySpan?.max ?? p.y]).filter((v) => v > 0);
  const xs = pts.map((p) => p.x);
  const pad = (lo: number, hi: number) => [lo / 1.5, hi * 1.5] as const;
  const [x0, x1] = pad(Math.min(...xs), Math.max(...xs));
  const [y0, y1] = pad(Math.min(...ys), Math.max(...ys));
  const X = (v: number) =>
    m.l + ((Math.log10(v) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0))) * (W - m.l - m.r);
  const Y = (v: number) =>
    H -
    m.b -
    ((Math.log10(Math.max(v, y0)) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * (H - m.t - m.b);

  const grid = html`${logTicks(x0, x1).map(
    (t) =>
      html`<line class="grid" x1="${n(X(t))}" x2="${n(X(t))}" y1="${m.t}" y2="${H - m.b}"/><text class="tick" x="${n(X(t))}" y="${H - m.b + 14}" text-anchor="middle">${fx(t)}</text>`,
  )}${logTicks(y0, y1).map(
    (t) =>
      html`<line class="grid" x1="${m.l}" x2="${W - m.r}" y1="${n(Y(t))}" y2="${n(Y(t))}"/><text class="tick" x="${m.l - 6}" y="${n(Y(t)) + 4}" text-anchor="end">${fy(t)}</text>`,
  )}`;

  // Labels: right of the dot, else left, else none (the tooltip still names it).
  const placed: { x0: number; x1: number; y0: number; y1: number }[] = pts.map((p) => ({
    x0: X(p.x) - 4,
    x1: X(p.x) + 4,
    y0: Y(p.y) - 4,
    y1: Y(p.y) + 4,
  }));
  const overlaps = (b: (typeof placed)[number]) =>
    placed.some((q) => b.x0 < q.x1 && q.x0 < b.x1 && b.y0 < q.y1 && q.y0 < b.y1);
  const labelOf = (p: ScatterPoint): Raw => {
    const w = p.label.length * 5.6;
    const cx = X(p.x);
    const cy = Y(p.y);
    // Right, left, above, below: [text x, baseline y, anchor, box left].
    const spots: [number, number, 'start' | 'end' | 'middle', number][] = [
      [cx + 6, cy + 3.5, 'start', cx + 6],
      [cx - 6, cy + 3.5, 'end', cx - 6 - w],
      [cx, cy - 7, 'middle', cx - w / 2],
      [cx, cy + 14, 'middle', cx - w / 2],
    ];
    for (const [tx, ty, anchor, bx] of spots) {
      const box = { x0: bx, x1: bx + w, y0: ty - 8, y1: ty + 1 };
      if (box.x0 < m.l || box.x1 > W - m.r || box.y0 < m.t || box.y1 > H - m.b || overlaps(box)) continue;
      placed.push(box);
      return html`<text class="label" x="${n(tx)}" y="${n(ty)}"${raw(anchor === 'start' ? '' : ` text-anchor="${anchor}"`)}>${p.label}</text>`;
    }
    return html``;
  };
  // Place labels from the bottom left (the cheap, low-footprint corner people look at first).
  const order = [...pts].sort((a, b) => a.y - b.y || a.x - b.x);
  const labels = new Map(order.map((p) => [p, labelOf(p)]));

  const marks = pts.map((p) => {
    const cx = n(X(p.x));
    const cy = n(Y(p.y));
    const tip = `${p.label}: ${o.xLabel} ${fx(p.x)}, ${o.yLabel} ${fy(p.y)}${p.ySpan ? ` (${fy(p.ySpan.min)}–${fy(p.ySpan.max)})` : ''}${p.detail ? `. ${p.detail}` : ''}`;
    const body = html`<title>${tip}</title>${
      p.ySpan && p.ySpan.max > p.ySpan.min
        ? html`<line class="span" x1="${cx}" x2="${cx}" y1="${n(Y(p.ySpan.min))}" y2="${n(Y(p.ySpan.max))}"/>`
        : ''
    }<circle class="dot${p.className ? ` ${p.className}` : ''}${p.hollow ? ' hollow' : ''}" cx="${cx}" cy="${cy}" r="4"/>${labels.get(p) ?? ''}`;
    const cls = `pt${p.className ? ` ${p.className}` : ''}`;
    return p.href
      ? html`<a class="${cls}" href="${p.href}">${body}</a>`
      : html`<g class="${cls}">${body}</g>`;
  });

  return html`<svg class="chart scatter" viewBox="0 0 ${W} ${H}" role="img">
<title>${o.title}</title><desc>${o.description}</desc>
${grid}
<line class="axis" x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}"/><line class="axis" x1="${m.l}" x2="${m.l}" y1="${m.t}" y2="${H - m.b}"/>
<text class="axis-label" x="${n((m.l + W - m.r) / 2)}" y="${H - 8}" text-anchor="middle">${o.xLabel}</text>
<text class="axis-label" x="12" y="${n((m.t + H - m.b) / 2)}" text-anchor="middle" transform="rotate(-90 12 ${n((m.t + H - m.b) / 2)})">${o.yLabel}</text>
${marks}
</svg>`;
}

export interface Bar {
  label: string;
  value: number;
  /** A range drawn over the bar (min–max of the estimate). */
  span?: MinMax;
  href?: string;
}

/** Labelled horizontal bars, largest first as given; values printed at the end of each bar. */
export function barsSvg(
  bars: readonly Bar[],
  o: { title: string; description: string; format?: (v: number) => string; unit?: string; width?: number },
): Raw {
  if (!bars.some((b) => b.value > 0)) return html`<p class="muted">Nothing recorded yet.</p>`;
  const W = o.width ?? 640;
  const row = 22;
  const labelW = Math.min(220, Math.max(...bars.map((b) => b.label.length)) * 6.4 + 8);
  const valueW = 90;
  const H = bars.length * row + 4;
  const max = Math.max(...bars.map((b) => b.span?.max ?? b.value), 1e-12);
  const fmt = o.format ?? ((v: number) => sig(v));
  const len = (v: number) => (v / max) * (W - labelW - valueW);
  return html`<svg class="chart bars" viewBox="0 0 ${W} ${H}" role="img">
<title>${o.title}</title><desc>${o.description}</desc>
${bars.map((b, i) => {
  const y = i * row + 2;
  const label = b.label.length > 34 ? `${b.label.slice(0, 33)}…` : b.label;
  return html`<g class="bar-row"><title>${b.label}: ${fmt(b.value)}${o.unit ? ` ${o.unit}` : ''}${b.span ? ` (${fmt(b.span.min)}–${fmt(b.span.max)})` : ''}</title><text class="label" x="${labelW - 6}" y="${y + 14}" text-anchor="end">${label}</text><rect class="bar" x="${labelW}" y="${y + 3}" width="${n(Math.max(len(b.value), 1))}" height="${row - 8}"/>${
    b.span && b.span.max > b.span.min
      ? html`<line class="range" x1="${n(labelW + len(b.span.min))}" x2="${n(labelW + len(b.span.max))}" y1="${y + row / 2 - 1}" y2="${y + row / 2 - 1}"/>`
      : ''
  }<text class="value" x="${n(labelW + len(Math.max(b.value, b.span?.max ?? 0)) + 6)}" y="${y + 14}">${fmt(b.value)}</text></g>`;
})}
</svg>`;
}

export interface DayBar {
  /** YYYY-MM-DD (UTC). */
  day: string;
  value: number;
  span?: MinMax;
}

/** Vertical bars, one per day (days without data drawn as gaps), dated on the first, middle and last. */
export function dayBarsSvg(
  days: readonly DayBar[],
  o: { title: string; description: string; format?: (v: number) => string; unit: string },
): Raw {
  if (!days.some((d) => d.value > 0)) return html`<p class="muted">Nothing recorded in these days yet.</p>`;
  const W = 640;
  const H = 200;
  const m = { l: 48, r: 8, t: 10, b: 26 };
  const fmt = o.format ?? ((v: number) => sig(v));
  const max = Math.max(...days.map((d) => d.span?.max ?? d.value), 1e-12);
  const slot = (W - m.l - m.r) / days.length;
  const Y = (v: number) => H - m.b - (v / max) * (H - m.t - m.b);
  const labelled = new Set([0, Math.floor((days.length - 1) / 2), days.length - 1]);
  return html`<svg class="chart days" viewBox="0 0 ${W} ${H}" role="img">
<title>${o.title}</title><desc>${o.description}</desc>
<line class="axis" x1="${m.l}" x2="${W - m.r}" y1="${H - m.b}" y2="${H - m.b}"/>
<text class="tick" x="${m.l - 6}" y="${m.t + 8}" text-anchor="end">${fmt(max)}</text><text class="tick" x="${m.l - 6}" y="${H - m.b}" text-anchor="end">0</text>
<text class="tick" x="4" y="${m.t + 22}">${o.unit}</text>
${days.map((d, i) => {
  const x = m.l + i * slot;
  const w = Math.max(slot - 2, 1);
  return html`<g class="day"><title>${d.day}: ${fmt(d.value)} ${o.unit}${d.span ? ` (${fmt(d.span.min)}–${fmt(d.span.max)})` : ''}</title>${
    d.value > 0
      ? html`<rect class="bar" x="${n(x + 1)}" y="${n(Y(d.value))}" width="${n(w)}" height="${n(H - m.b - Y(d.value))}"/>`
      : ''
  }${
    d.span && d.span.max > d.span.min
      ? html`<line class="range" x1="${n(x + 1 + w / 2)}" x2="${n(x + 1 + w / 2)}" y1="${n(Y(d.span.min))}" y2="${n(Y(d.span.max))}"/>`
      : ''
  }${labelled.has(i) ? html`<text class="tick" x="${n(x + 1 + w / 2)}" y="${H - 8}" text-anchor="${i === 0 ? 'start' : i === days.length - 1 ? 'end' : 'middle'}">${d.day}</text>` : ''}</g>`;
})}
</svg>`;
}
