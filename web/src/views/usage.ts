/**
 * The usage part of the dashboard, drawn from `usage` buckets: the totals of the range, then charts of
 * one measure (gCO2e, energy, cost or requests) per day and by model, provider and region, and the same
 * figures as tables. Energy and gCO2e are ranges; bars show the midpoint with a whisker from min to max,
 * tables show "min–max". The estimate's limits are said once for the section, by the caller.
 */
import { type Datum as ChartDatum, barChart, hbarChart, topWithOther } from '../charts';
import { type DateRange, bucketKeys, fillBuckets, firstShown } from '../dates';
import { h } from '../dom';
import { type MinMax, cost, int, mid, range, sig } from '../format';

/** Where the figures were read and how far behind the primary they may be (GraphQL `analyticsSource`). */
export interface AnalyticsSource {
  kind: 'PRIMARY' | 'REPLICA';
  /** Seconds the replica's replay is behind; 0 on the primary. */
  lagSeconds: number;
}

/** Replica lag (s) above which the dashboard says its figures may be behind. */
export const STALE_AFTER_SECONDS = 1;

/**
 * "Figures may be 12 s behind …" when the figures come from a replica lagging more than a second;
 * null otherwise (on the primary nothing is said).
 */
export function stalenessText(source: AnalyticsSource | null | undefined): string | null {
  if (!source || source.lagSeconds <= STALE_AFTER_SECONDS) return null;
  const lag = source.lagSeconds;
  const shown = lag < 120 ? `${Math.round(lag)} s` : `${Math.round(lag / 60)} min`;
  return `Figures may be ${shown} behind: they are read from a replica (credit balances are current).`;
}

/** The fields every bucket of the dashboard asks for. */
export const MEASURES_FRAGMENT = /* GraphQL */ `
  fragment Measures on UsageBucket { requests errors inputTokens outputTokens costUsd energyWh { min max } gco2e { min max }
    embeddingRequests cacheHits cacheCostSavedUsd cacheAvoidedGco2e { min max } }
`;

export interface Measures {
  requests: number;
  errors: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  energyWh: MinMax;
  gco2e: MinMax;
  /** Of requests, those to /v1/embeddings (no footprint estimate; absent in older fixtures: 0). */
  embeddingRequests?: number;
  /** Response-cache hits, what they saved and the gCO2e they avoided (absent in older fixtures: 0). */
  cacheHits?: number;
  cacheCostSavedUsd?: number;
  cacheAvoidedGco2e?: MinMax;
}

export interface SeriesBucket extends Measures {
  day: string | null;
  week: string | null;
}

const EMPTY: Measures = {
  requests: 0,
  errors: 0,
  inputTokens: 0,
  outputTokens: 0,
  costUsd: 0,
  energyWh: { min: 0, max: 0 },
  gco2e: { min: 0, max: 0 },
};

/** The sum of buckets (for the "other" row of a chart). */
export function sumMeasures(rows: Measures[]): Measures {
  const add = (a: MinMax, b: MinMax) => ({ min: a.min + b.min, max: a.max + b.max });
  return rows.reduce<Measures>(
    (t, m) => ({
      requests: t.requests + m.requests,
      errors: t.errors + m.errors,
      inputTokens: t.inputTokens + m.inputTokens,
      outputTokens: t.outputTokens + m.outputTokens,
      costUsd: t.costUsd + m.costUsd,
      energyWh: add(t.energyWh, m.energyWh),
      gco2e: add(t.gco2e, m.gco2e),
    }),
    EMPTY,
  );
}

/** The totals of the range as a definition list: the first thing the dashboard shows. */
export function totalsList(t: Measures | undefined): HTMLElement {
  const m = t ?? EMPTY;
  const item = (label: string, id: string, value: string, detail?: string) =>
    h(
      'div',
      {},
      h('dt', {}, label),
      h('dd', {}, h('span', { id }, value), detail ? h('small', { class: 'muted' }, detail) : null),
    );
  return h(
    'dl',
    { class: 'totals', id: 'totals' },
    item(
      'Requests',
      'total-requests',
      int(m.requests),
      m.errors ? `${int(m.errors)} error${m.errors === 1 ? '' : 's'}` : undefined,
    ),
    // Embeddings carry no energy or carbon estimate: counted apart so the footprint figures read right.
    m.embeddingRequests ? item('Of which embeddings', 'total-embeddings', int(m.embeddingRequests)) : null,
    item(
      'Tokens',
      'total-tokens',
      int(m.inputTokens + m.outputTokens),
      `${int(m.inputTokens)} in, ${int(m.outputTokens)} out`,
    ),
    item('Cost', 'total-cost', cost(m.costUsd)),
    item('Energy', 'total-wh', `${range(m.energyWh)} Wh`),
    item('Carbon', 'total-gco2e', `${range(m.gco2e)} gCO2e`),
    // Shown once the response cache has answered something: hits spend nothing, so say what they saved.
    m.cacheHits
      ? item(
          'Cache hits',
          'total-cache',
          int(m.cacheHits),
          `${cost(m.cacheCostSavedUsd ?? 0)} saved, ${range(m.cacheAvoidedGco2e ?? { min: 0, max: 0 })} gCO2e avoided`,
        )
      : null,
  );
}

/** What the charts can show, each bar sized by it. */
export type MeasureKey = 'gco2e' | 'energy' | 'cost' | 'requests';

interface MeasureSpec {
  /** The radio button's label. */
  label: string;
  /** Chart titles: "<noun> per day", "<noun> by model". */
  noun: string;
  unit: string;
  format: (n: number) => string;
  datum: (m: Measures) => { value: number; min?: number; max?: number };
}

const ranged = (r: MinMax) => ({ value: mid(r), min: r.min, max: r.max });

export const MEASURE_SPECS: Record<MeasureKey, MeasureSpec> = {
  gco2e: {
    label: 'Carbon',
    noun: 'gCO2e',
    unit: 'gCO2e',
    format: (n) => sig(n),
    datum: (m) => ranged(m.gco2e),
  },
  energy: {
    label: 'Energy',
    noun: 'Energy, Wh',
    unit: 'Wh',
    format: (n) => sig(n),
    datum: (m) => ranged(m.energyWh),
  },
  cost: { label: 'Cost', noun: 'Cost, USD', unit: '', format: cost, datum: (m) => ({ value: m.costUsd }) },
  requests: {
    label: 'Requests',
    noun: 'Requests',
    unit: 'requests',
    format: int,
    datum: (m) => ({ value: m.requests }),
  },
};

export const isMeasureKey = (s: string | null): s is MeasureKey => !!s && s in MEASURE_SPECS;

/** What style.css gives `.charts .chart text`. */
const CHART_FONT_PX = 13;
/** Days always shown by the daily chart (when the range has them), even before the first request. */
const MIN_DAYS_SHOWN = 7;
/** Bars of a breakdown chart before the rest are merged into "Other". */
const TOP_ROWS = 7;

const figure = (id: string, heading: string, markup: string, note?: string) => {
  const holder = h('div', { class: 'chart-box' });
  // charts.ts escapes every text it writes; this is the one place markup is parsed.
  holder.innerHTML = markup;
  return h(
    'figure',
    { id },
    h('figcaption', {}, h('strong', {}, heading), note ? h('span', { class: 'muted' }, ` ${note}`) : null),
    holder,
  );
};

/**
 * The bars of the daily (or weekly) chart: the measure per bucket of the range, labelled MM-DD. Leading
 * buckets without usage are left out (keeping at least a week), so a new instance shows its first days
 * rather than 29 empty bars; quiet days after the first request stay as zero bars. `first` is the key of
 * the first bar; null (no bars) when the range has no usage at all.
 */
export function seriesData(
  series: SeriesBucket[],
  r: DateRange,
  bucket: 'DAY' | 'WEEK',
  measure: MeasureKey,
): { data: ChartDatum[]; first: string | null; trimmed: boolean } {
  const spec = MEASURE_SPECS[measure];
  const keys = bucketKeys(r, bucket);
  const filled = fillBuckets<Measures & { day?: string | null; week?: string | null }>(
    keys,
    series,
    (b) => (bucket === 'DAY' ? b.day : b.week) ?? null,
    EMPTY,
  );
  const start = firstShown(filled, (m) => m.requests > 0, MIN_DAYS_SHOWN);
  if (start < 0) return { data: [], first: null, trimmed: false };
  return {
    data: filled.slice(start).map((m, i) => ({ label: keys[start + i]!.slice(5), ...spec.datum(m) })),
    first: keys[start]!,
    trimmed: start > 0,
  };
}

/** The chart of `seriesData`, or a sentence when the range has no usage. */
export function seriesChart(
  series: SeriesBucket[],
  r: DateRange,
  bucket: 'DAY' | 'WEEK',
  measure: MeasureKey,
  width: number,
): HTMLElement {
  const spec = MEASURE_SPECS[measure];
  const heading = `${spec.noun} per ${bucket === 'DAY' ? 'day' : 'week'}`;
  const { data, first, trimmed } = seriesData(series, r, bucket, measure);
  if (!first)
    return h(
      'figure',
      { id: 'chart-day' },
      h('figcaption', {}, h('strong', {}, heading)),
      h('p', { class: 'muted empty' }, `No requests from ${r.from} to ${r.to}.`),
    );
  const title = `${heading}${spec.unit && measure !== 'requests' ? ` (${spec.unit})` : ''}${
    measure === 'gco2e' || measure === 'energy' ? '; bar: midpoint, line: range' : ''
  }`;
  return figure(
    'chart-day',
    heading,
    barChart(data, {
      title,
      unit: spec.unit,
      width,
      height: 220,
      maxBarWidth: 64,
      format: spec.format,
      fontSize: CHART_FONT_PX,
      values: data.length <= 10,
    }),
    trimmed ? `(from ${first}: no requests before it in this range)` : undefined,
  );
}

/**
 * The bars of a breakdown (by model, provider or region): rows with something to draw, largest first,
 * the smallest merged into "Other (n <plural>)" beyond the top 7. Rows at zero (requests that failed
 * before routing have no cost or footprint) are left to the tables.
 */
export function breakdownData<T extends Measures>(
  rows: T[],
  keyOf: (row: T) => string,
  measure: MeasureKey,
  plural: string,
): ChartDatum[] {
  const spec = MEASURE_SPECS[measure];
  type Row = { label: string; m: Measures };
  return topWithOther<Row>(
    rows.filter((m) => spec.datum(m).value > 0).map((m) => ({ label: keyOf(m), m })),
    TOP_ROWS,
    (x) => spec.datum(x.m).value,
    (rest) => ({ label: `Other (${rest.length} ${plural})`, m: sumMeasures(rest.map((x) => x.m)) }),
  ).map((x) => ({ label: x.label, ...spec.datum(x.m) }));
}

/** One breakdown as horizontal bars, or a sentence when there is nothing to draw. */
export function breakdownChart<T extends Measures>(
  id: string,
  dimension: string,
  plural: string,
  rows: T[],
  keyOf: (row: T) => string,
  measure: MeasureKey,
  width: number,
): HTMLElement {
  const spec = MEASURE_SPECS[measure];
  const heading = `${spec.noun} by ${dimension}`;
  const data = breakdownData(rows, keyOf, measure, plural);
  if (!data.length)
    return h(
      'figure',
      { id },
      h('figcaption', {}, h('strong', {}, heading)),
      h(
        'p',
        { class: 'muted empty' },
        rows.length ? 'Zero for every row in this range.' : 'No requests in this range.',
      ),
    );
  return figure(
    id,
    heading,
    hbarChart(data, { title: heading, unit: spec.unit, width, format: spec.format, fontSize: CHART_FONT_PX }),
  );
}

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
    [h('strong', {}, title)],
    [{ label: keyLabel, cell: (r) => keyOf(r) }, ...(measureColumns as Column<T>[])],
    sorted,
    (r) => ({ 'data-key': keyOf(r) }),
  );
}

/** The daily (or weekly) figures as a table, for screen readers and exact values. */
export function seriesTable(series: SeriesBucket[], bucket: 'DAY' | 'WEEK'): HTMLElement {
  const keyOf = (b: SeriesBucket) => (bucket === 'DAY' ? b.day : b.week) ?? '';
  const rows = [...series].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  return dataTable<SeriesBucket>(
    'series',
    [
      h('strong', {}, bucket === 'DAY' ? 'Usage per day.' : 'Usage per week.'),
      bucket === 'DAY' ? ' Days with usage (UTC).' : ' Weeks with usage (from Monday, UTC).',
    ],
    [
      { label: bucket === 'DAY' ? 'Day' : 'Week of', cell: keyOf },
      ...(measureColumns as Column<SeriesBucket>[]),
    ],
    rows,
  );
}
