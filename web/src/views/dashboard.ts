/**
 * The dashboard opens on the figures: the totals of a date range, then charts of one measure (gCO2e,
 * energy, cost or requests) per day and by model, provider and region, export buttons for the range,
 * the same figures as tables (folded), the credit balance with its ledger (folded), and the most recent
 * requests with their route and eco estimate; when the figures come from a replica more than a second
 * behind, the status line says so. One GraphQL request draws it all; it is sent again when the
 * range changes, on "Refresh", and every 30 s while the tab is visible. The range and the measure live
 * in the URL (?from=…&to=…&measure=…) so a view can be shared or reloaded.
 */
import type { Client } from '@urql/core';
import { type DateRange, bucketOf, lastDays, parseRange, toFilter } from '../dates';
import { h, replace } from '../dom';
import { limitsNote } from '../limits';
import { signedIn } from './account';
import { CREDITS_FIELDS, type CreditsData, creditsPanel } from './credits';
import { exportButtons } from './exports';
import { REQUEST_FIELDS, type RequestNode, requestsTable } from './requests';
import {
  type AnalyticsSource,
  MEASURES_FRAGMENT,
  MEASURE_SPECS,
  type MeasureKey,
  type Measures,
  type SeriesBucket,
  breakdownChart,
  breakdownTable,
  isMeasureKey,
  seriesChart,
  seriesTable,
  stalenessText,
  totalsList,
} from './usage';

const DASHBOARD_QUERY = /* GraphQL */ `
  query Dashboard($filter: UsageFilter!, $bucket: [UsageGroupBy!]!) {
    credits { ${CREDITS_FIELDS} }
    analyticsSource { kind lagSeconds }
    totals: usage(filter: $filter) { ...Measures }
    series: usage(filter: $filter, groupBy: $bucket) { day week ...Measures }
    byModel: usage(filter: $filter, groupBy: [MODEL]) { model ...Measures }
    byProvider: usage(filter: $filter, groupBy: [PROVIDER]) { provider ...Measures }
    byRegion: usage(filter: $filter, groupBy: [REGION, COUNTRY]) { region country ...Measures }
    requests(first: 20) { nodes { ${REQUEST_FIELDS} } }
  }
  ${MEASURES_FRAGMENT}
`;

interface DashboardData {
  credits: CreditsData;
  analyticsSource: AnalyticsSource;
  totals: Measures[];
  series: SeriesBucket[];
  byModel: (Measures & { model: string | null })[];
  byProvider: (Measures & { provider: string | null })[];
  byRegion: (Measures & { region: string | null; country: string | null })[];
  requests: { nodes: RequestNode[] };
}

const REFRESH_MS = 30_000;
/** What style.css gives `.charts` as column gap (2rem). */
const CHART_GAP_PX = 32;
/** Breakdown charts side by side: three from ~56rem, two from ~34rem, else one. */
const chartColumns = (width: number) => (width >= 900 ? 3 : width >= 540 ? 2 : 1);
const NONE = '(none: failed before routing)';

/** Re-renders `el` with `render`, keeping open <details> open and focus on the same summary. */
function rerender(el: HTMLElement, render: () => void) {
  const keyOf = (d: Element) =>
    `${d.closest('[data-request]')?.getAttribute('data-request') ?? ''}|${d.className}`;
  const open = new Set([...el.querySelectorAll('details[open]')].map(keyOf));
  const active = document.activeElement;
  const focused =
    active?.closest('details') && el.contains(active) ? keyOf(active.closest('details')!) : null;
  render();
  for (const d of el.querySelectorAll('details')) {
    const k = keyOf(d);
    if (open.has(k)) d.open = true;
    if (k === focused) d.querySelector('summary')?.focus();
  }
}

function rangeFromUrl(): DateRange {
  const q = new URLSearchParams(location.search);
  return parseRange(q.get('from'), q.get('to')) ?? lastDays(Date.now());
}

const regionKey = (b: { region: string | null; country: string | null }) =>
  b.region ? `${b.region}${b.country ? ` (${b.country})` : ''}` : NONE;

function measureFromUrl(): MeasureKey {
  const m = new URLSearchParams(location.search).get('measure');
  return isMeasureKey(m) ? m : 'gco2e';
}

function dashboard(element: HTMLElement, client: Client): () => void {
  let current = rangeFromUrl();
  let measure = measureFromUrl();
  let last: { data: DashboardData; range: DateRange } | undefined;
  const from = h('input', { type: 'date', name: 'from', id: 'from', required: true, value: current.from });
  const to = h('input', { type: 'date', name: 'to', id: 'to', required: true, value: current.to });
  const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
  // Announced (role=status) only for what the user asked for; the refresh time is not a live region, so
  // the 30 s refresh stays silent.
  const status = h('span', { role: 'status', id: 'dashboard-status' }, 'Loading…');
  const updated = h('span', { id: 'dashboard-updated' });
  // Said only when the figures come from a replica more than a second behind (DATABASE_READ_URL).
  const stale = h('span', { id: 'dashboard-stale' });
  const statusLine = h('p', { class: 'muted' }, status, ' ', updated, ' ', stale);
  const totals = h('div', { id: 'totals-body' });
  const charts = h('div', { class: 'charts', id: 'charts' });
  const tables = h('div', { id: 'usage-tables' });
  const credits = h('div', { id: 'credits-body' });
  const recent = h('div', { id: 'recent-body' });
  const form = h(
    'form',
    { class: 'fields range', 'aria-label': 'Date range' },
    h('label', {}, 'From (UTC day)', from),
    h('label', {}, 'To (UTC day, included)', to),
    h('button', { type: 'submit' }, 'Show'),
    refresh,
  );
  const measures = h(
    'fieldset',
    { class: 'measure', id: 'measure' },
    h('legend', {}, 'Charts show'),
    ...(Object.keys(MEASURE_SPECS) as MeasureKey[]).map((k) => {
      const input = h('input', { type: 'radio', name: 'measure', value: k, checked: k === measure });
      input.addEventListener('change', () => {
        if (!input.checked) return;
        measure = k;
        const q = new URLSearchParams(location.search);
        q.set('measure', k);
        history.replaceState(null, '', `?${q}`);
        if (last) drawCharts(last.data, last.range);
      });
      return h('label', {}, input, ` ${MEASURE_SPECS[k].label}`);
    }),
  );
  replace(
    element,
    h(
      'section',
      { id: 'usage', 'aria-labelledby': 'usage-h' },
      h('h2', { id: 'usage-h' }, 'Usage, cost and carbon'),
      form,
      statusLine,
      totals,
      limitsNote('p'),
      measures,
      charts,
      exportButtons(() => current),
      h(
        'details',
        { class: 'series', id: 'usage-tables-details' },
        h('summary', {}, 'The same figures as tables'),
        tables,
      ),
    ),
    h(
      'section',
      { id: 'credits', 'aria-labelledby': 'credits-h' },
      h('h2', { id: 'credits-h' }, 'Credits'),
      credits,
    ),
    h(
      'section',
      { id: 'recent', 'aria-labelledby': 'recent-h' },
      h('h2', { id: 'recent-h' }, 'Recent requests'),
      recent,
    ),
  );

  let sub: { unsubscribe(): void } | undefined;
  // Charts are drawn at the width they are shown (viewBox = CSS px), so their text stays at the page's
  // size on a phone and on a wide screen; the day chart spans the grid, the breakdowns share its columns.
  let drawnWidth = 0;
  const drawCharts = (d: DashboardData, r: DateRange) => {
    const width = charts.clientWidth || 320;
    const cols = chartColumns(width);
    const col = Math.floor((width - CHART_GAP_PX * (cols - 1)) / cols);
    drawnWidth = width;
    charts.className = `charts cols-${cols}`;
    replace(
      charts,
      seriesChart(d.series, r, bucketOf(r), measure, width),
      breakdownChart('chart-model', 'model', 'models', d.byModel, (b) => b.model ?? NONE, measure, col),
      breakdownChart(
        'chart-provider',
        'provider',
        'providers',
        d.byProvider,
        (b) => b.provider ?? NONE,
        measure,
        col,
      ),
      breakdownChart('chart-region', 'region', 'regions', d.byRegion, regionKey, measure, col),
    );
  };
  let resizeFrame = 0;
  const resized = new ResizeObserver(() => {
    cancelAnimationFrame(resizeFrame);
    resizeFrame = requestAnimationFrame(() => {
      if (last && charts.clientWidth !== drawnWidth) drawCharts(last.data, last.range);
    });
  });
  resized.observe(charts);
  const draw = (d: DashboardData, r: DateRange) => {
    last = { data: d, range: r };
    const bucket = bucketOf(r);
    replace(totals, totalsList(d.totals[0]));
    drawCharts(d, r);
    rerender(credits, () => replace(credits, ...creditsPanel(d.credits)));
    replace(
      tables,
      seriesTable(d.series, bucket),
      breakdownTable('by-model', 'Usage by model served.', 'Model', d.byModel, (b) => b.model ?? NONE),
      breakdownTable(
        'by-provider',
        'Usage by provider.',
        'Provider',
        d.byProvider,
        (b) => b.provider ?? NONE,
      ),
      breakdownTable('by-region', 'Usage by serving region.', 'Region', d.byRegion, regionKey),
    );
    const nodes = d.requests.nodes;
    rerender(recent, () =>
      replace(
        recent,
        nodes.length
          ? requestsTable(nodes, [
              `The ${nodes.length} most recent requests, whatever the range. `,
              limitsNote('span'),
            ])
          : h(
              'div',
              { id: 'no-requests' },
              h('p', {}, 'No requests yet. Send one with any OpenAI client, for example:'),
              h(
                'pre',
                { class: 'eq' },
                `curl ${location.origin}/v1/chat/completions \\\n  -H "Authorization: Bearer $LOWROUTER_API_KEY" -H "Content-Type: application/json" \\\n  -d '{"model": "lowrouter/auto", "messages": [{"role": "user", "content": "Hello"}]}'`,
              ),
            ),
      ),
    );
  };

  /** `quiet`: the periodic refresh, which says nothing unless it fails. */
  const load = (r: DateRange, quiet = false) => {
    sub?.unsubscribe();
    if (!quiet) {
      statusLine.className = 'muted';
      status.textContent = 'Loading…';
    }
    sub = client
      .query<DashboardData>(
        DASHBOARD_QUERY,
        { filter: toFilter(r), bucket: [bucketOf(r)] },
        { requestPolicy: 'network-only' },
      )
      .subscribe((res) => {
        if (!res.data) {
          statusLine.className = 'error';
          status.textContent = `Could not load the dashboard: ${res.error?.graphQLErrors[0]?.message ?? res.error?.message ?? 'no answer'}`;
          return;
        }
        statusLine.className = 'muted';
        if (!quiet) status.textContent = `${r.from} to ${r.to} (UTC days).`;
        updated.textContent = `Updated at ${new Date().toISOString().slice(11, 19)} UTC; again every ${REFRESH_MS / 1000} s.`;
        stale.textContent = stalenessText(res.data.analyticsSource) ?? '';
        draw(res.data, r);
      });
  };

  const apply = () => {
    const r = parseRange(from.value, to.value);
    if (!r) {
      statusLine.className = 'error';
      status.textContent = 'Choose a start day on or before the end day.';
      return;
    }
    current = r;
    const q = new URLSearchParams(location.search);
    q.set('from', r.from);
    q.set('to', r.to);
    history.replaceState(null, '', `?${q}`);
    load(r);
  };
  // Typing a date fires `change` per valid segment: wait for a pause before asking the server.
  let debounce: ReturnType<typeof setTimeout> | undefined;
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearTimeout(debounce);
    apply();
  });
  for (const input of [from, to])
    input.addEventListener('change', () => {
      clearTimeout(debounce);
      if (input.validity.valid) debounce = setTimeout(apply, 400);
    });
  refresh.addEventListener('click', () => load(current));
  const timer = setInterval(() => {
    if (document.visibilityState === 'visible') load(current, true);
  }, REFRESH_MS);

  load(current);
  return () => {
    resized.disconnect();
    cancelAnimationFrame(resizeFrame);
    clearInterval(timer);
    clearTimeout(debounce);
    sub?.unsubscribe();
  };
}

export const dashboardView = signedIn((element, client) => dashboard(element, client));
