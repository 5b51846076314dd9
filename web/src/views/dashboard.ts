/**
 * The dashboard: credits, usage over a date range (totals, charts per day, tables by model, provider and
 * region) and the most recent requests with their route and eco estimate. One GraphQL request draws it
 * all; it is sent again when the range changes, on "Refresh", and every 30 s while the tab is visible.
 * The range lives in the URL (?from=…&to=…) so a view can be shared or reloaded.
 */
import type { Client } from '@urql/core';
import { type DateRange, bucketOf, lastDays, parseRange, toFilter } from '../dates';
import { h, replace } from '../dom';
import { limitsNote } from '../limits';
import { signedIn } from './account';
import { CREDITS_FIELDS, type CreditsData, creditsPanel } from './credits';
import { REQUEST_FIELDS, type RequestNode, requestsTable } from './requests';
import {
  MEASURES_FRAGMENT,
  type Measures,
  type SeriesBucket,
  breakdownTable,
  seriesTable,
  totalsList,
  usageCharts,
} from './usage';

const DASHBOARD_QUERY = /* GraphQL */ `
  query Dashboard($filter: UsageFilter!, $bucket: [UsageGroupBy!]!) {
    credits { ${CREDITS_FIELDS} }
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
  totals: Measures[];
  series: SeriesBucket[];
  byModel: (Measures & { model: string | null })[];
  byProvider: (Measures & { provider: string | null })[];
  byRegion: (Measures & { region: string | null; country: string | null })[];
  requests: { nodes: RequestNode[] };
}

const REFRESH_MS = 30_000;
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

function dashboard(element: HTMLElement, client: Client): () => void {
  let current = rangeFromUrl();
  const from = h('input', { type: 'date', name: 'from', id: 'from', required: true, value: current.from });
  const to = h('input', { type: 'date', name: 'to', id: 'to', required: true, value: current.to });
  const refresh = h('button', { type: 'button', class: 'secondary' }, 'Refresh');
  // Announced (role=status) only for what the user asked for; the refresh time is not a live region, so
  // the 30 s refresh stays silent.
  const status = h('span', { role: 'status', id: 'dashboard-status' }, 'Loading…');
  const updated = h('span', { id: 'dashboard-updated' });
  const statusLine = h('p', { class: 'muted' }, status, ' ', updated);
  const credits = h('div', { id: 'credits-body' });
  const usage = h('div', { id: 'usage-body' });
  const recent = h('div', { id: 'recent-body' });
  const form = h(
    'form',
    { class: 'fields range', 'aria-label': 'Date range' },
    h('label', {}, 'From (UTC day)', from),
    h('label', {}, 'To (UTC day, included)', to),
    h('button', { type: 'submit' }, 'Show'),
    refresh,
  );
  replace(
    element,
    h(
      'section',
      { id: 'credits', 'aria-labelledby': 'credits-h' },
      h('h2', { id: 'credits-h' }, 'Credits'),
      credits,
    ),
    h(
      'section',
      { id: 'usage', 'aria-labelledby': 'usage-h' },
      h('h2', { id: 'usage-h' }, 'Usage, cost and carbon'),
      form,
      statusLine,
      usage,
    ),
    h(
      'section',
      { id: 'recent', 'aria-labelledby': 'recent-h' },
      h('h2', { id: 'recent-h' }, 'Recent requests'),
      recent,
    ),
  );

  let sub: { unsubscribe(): void } | undefined;
  const draw = (d: DashboardData, r: DateRange) => {
    const bucket = bucketOf(r);
    replace(credits, ...creditsPanel(d.credits));
    rerender(usage, () =>
      replace(
        usage,
        totalsList(d.totals[0]),
        usageCharts(d.series, r, bucket),
        seriesTable(d.series, bucket),
        h('h3', {}, 'By model'),
        breakdownTable('by-model', 'Usage by model served.', 'Model', d.byModel, (b) => b.model ?? NONE),
        h('h3', {}, 'By provider'),
        breakdownTable(
          'by-provider',
          'Usage by provider.',
          'Provider',
          d.byProvider,
          (b) => b.provider ?? NONE,
        ),
        h('h3', {}, 'By region'),
        breakdownTable('by-region', 'Usage by serving region.', 'Region', d.byRegion, (b) =>
          b.region ? `${b.region}${b.country ? ` (${b.country})` : ''}` : NONE,
        ),
      ),
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
    clearInterval(timer);
    clearTimeout(debounce);
    sub?.unsubscribe();
  };
}

export const dashboardView = signedIn((element, client) => dashboard(element, client));
