/**
 * The usage part of the dashboard, drawn from `usage` buckets: totals, four small charts per day (or
 * week) and tables by model, provider and region. Energy and gCO2e are ranges; bars show the midpoint
 * with a whisker from min to max, tables show "min–max". Every carbon figure sits next to its limits.
 */
import { barChart } from '../charts';
import { type DateRange, bucketKeys, fillBuckets } from '../dates';
import { h } from '../dom';
import { type MinMax, cost, int, mid, range, sig } from '../format';
import { limitsNote } from '../limits';

/** The fields every bucket of the dashboard asks for. */
export const MEASURES_FRAGMENT = /* GraphQL */ `
  fragment Measures on UsageBucket { requests errors embeddingRequests costUsd energyWh { min max } gco2e { min max } }
`;

export interface Measures {
  requests: number;
  errors: number;
  /** Of requests, those to /v1/embeddings (no footprint estimate). */
  embeddingRequests: number;
  costUsd: number;
  energyWh: MinMax;
  gco2e: MinMax;
}

export interface SeriesBucket extends Measures {
  day: string | null;
  week: string | null;
}

const EMPTY: Measures = {
  requests: 0,
  errors: 0,
  embeddingRequests: 0,
  costUsd: 0,
  energyWh: { min: 0, max: 0 },
  gco2e: { min: 0, max: 0 },
};

/** The totals of the range as a definition list. */
export function totalsList(t: Measures | undefined): HTMLElement {
  const m = t ?? EMPTY;
  const item = (label: string, value: string, id: string) =>
    h('div', {}, h('dt', {}, label), h('dd', { id }, value));
  return h(
    'dl',
    { class: 'totals' },
    item('Requests', int(m.requests), 'total-requests'),
    item('Errors', int(m.errors), 'total-errors'),
    // Embeddings carry no energy or carbon estimate: shown apart so the footprint below reads right.
    item('Of which embeddings', int(m.embeddingRequests ?? 0), 'total-embeddings'),
    item('Cost', cost(m.costUsd), 'total-cost'),
    item('Energy', `${range(m.energyWh)} Wh`, 'total-wh'),
    item('Carbon', `${range(m.gco2e)} gCO2e`, 'total-gco2e'),
  );
}

const money = (n: number) => (n === 0 ? '0' : `$${sig(n, 2)}`);

/** Four small bar charts over every bucket of the range (quiet days as zero bars). */
export function usageCharts(series: SeriesBucket[], r: DateRange, bucket: 'DAY' | 'WEEK'): HTMLElement {
  const keys = bucketKeys(r, bucket);
  const filled = fillBuckets<Measures & { day?: string | null; week?: string | null }>(
    keys,
    series,
    (b) => (bucket === 'DAY' ? b.day : b.week) ?? null,
    EMPTY,
  );
  const per = bucket === 'DAY' ? 'day' : 'week';
  const label = (i: number) => keys[i]!.slice(5);
  const svg = (title: string, unit: string, format: (n: number) => string, pick: (m: Measures) => Datum) =>
    barChart(
      filled.map((m, i) => ({ label: label(i), ...pick(m) })),
      { title, unit, width: 420, height: 180, format, fontSize: CHART_FONT_PX },
    );
  const figure = (id: string, heading: string, markup: string, note?: HTMLElement) => {
    const holder = h('div', { class: 'chart-box' });
    // charts.ts escapes every text it writes; this is the one place markup is parsed.
    holder.innerHTML = markup;
    return h('figure', { id }, h('figcaption', {}, h('strong', {}, heading), note ?? null), holder);
  };
  const ranged = (r2: MinMax) => ({ value: mid(r2), min: r2.min, max: r2.max });
  return h(
    'div',
    { class: 'charts' },
    figure(
      'chart-cost',
      `Cost per ${per} (USD)`,
      svg(`Cost per ${per}, USD`, 'USD', money, (m) => ({ value: m.costUsd })),
    ),
    figure(
      'chart-requests',
      `Requests per ${per}`,
      svg(
        `Requests per ${per}`,
        'requests',
        (n) => int(n),
        (m) => ({ value: m.requests }),
      ),
    ),
    figure(
      'chart-energy',
      `Energy per ${per} (Wh)`,
      svg(
        `Energy per ${per}, Wh (bar: midpoint, line: range)`,
        'Wh',
        (n) => sig(n),
        (m) => ranged(m.energyWh),
      ),
      limitsNote('span'),
    ),
    figure(
      'chart-carbon',
      `Carbon per ${per} (gCO2e)`,
      svg(
        `Carbon per ${per}, gCO2e (bar: midpoint, line: range)`,
        'gCO2e',
        (n) => sig(n),
        (m) => ranged(m.gco2e),
      ),
      limitsNote('span'),
    ),
  );
}

type Datum = { value: number; min?: number; max?: number };

/** What style.css gives `.charts .chart text`. */
const CHART_FONT_PX = 13;

export interface Column<T> {
  label: string;
  /** Right-aligned, tabular, unwrapped figures. */
  num?: boolean;
  /** Any other class for the column's cells. */
  cls?: string;
  cell: (row: T) => string | Node;
}

/** A table that becomes cards below 40rem; the first column names the row. */
export function dataTable<T>(
  id: string,
  caption: (string | Node)[],
  columns: Column<T>[],
  rows: T[],
  rowAttrs: (row: T) => Record<string, string> = () => ({}),
): HTMLElement {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: 'cards', id },
      h('caption', {}, ...caption),
      h(
        'thead',
        {},
        h('tr', {}, ...columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label))),
      ),
      h(
        'tbody',
        {},
        ...rows.map((row) =>
          h(
            'tr',
            rowAttrs(row),
            ...columns.map((c, i) =>
              h(
                'td',
                { 'data-label': i ? c.label : null, class: (c.num ? 'num' : c.cls) ?? null },
                c.cell(row),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

/** "12", or "12 (3 errors)". */
const requestsCell = (m: Measures) =>
  m.errors ? `${int(m.requests)} (${int(m.errors)} error${m.errors === 1 ? '' : 's'})` : int(m.requests);

const measureColumns: Column<Measures>[] = [
  { label: 'Requests', num: true, cell: requestsCell },
  { label: 'Cost', num: true, cell: (m) => cost(m.costUsd) },
  { label: 'Energy (Wh)', num: true, cell: (m) => range(m.energyWh) },
  { label: 'gCO2e', num: true, cell: (m) => range(m.gco2e) },
];

/** Usage by one dimension, most expensive first (then most requests). */
export function breakdownTable<T extends Measures>(
  id: string,
  title: string,
  keyLabel: string,
  rows: T[],
  keyOf: (row: T) => string,
): HTMLElement {
  const sorted = [...rows].sort((a, b) => b.costUsd - a.costUsd || b.requests - a.requests);
  return dataTable<T>(
    id,
    [h('strong', {}, title), ' ', limitsNote('span')],
    [{ label: keyLabel, cell: (r) => keyOf(r) }, ...(measureColumns as Column<T>[])],
    sorted,
    (r) => ({ 'data-key': keyOf(r) }),
  );
}

/** The charts' figures as a table, for screen readers and exact values. */
export function seriesTable(series: SeriesBucket[], bucket: 'DAY' | 'WEEK'): HTMLElement {
  const keyOf = (b: SeriesBucket) => (bucket === 'DAY' ? b.day : b.week) ?? '';
  const rows = [...series].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  return h(
    'details',
    { class: 'series' },
    h('summary', {}, `The ${bucket === 'DAY' ? 'daily' : 'weekly'} figures as a table`),
    dataTable<SeriesBucket>(
      'series',
      [
        bucket === 'DAY' ? 'Days with usage (UTC). ' : 'Weeks with usage (from Monday, UTC). ',
        limitsNote('span'),
      ],
      [
        { label: bucket === 'DAY' ? 'Day' : 'Week of', cell: keyOf },
        ...(measureColumns as Column<SeriesBucket>[]),
      ],
      rows,
    ),
  );
}
