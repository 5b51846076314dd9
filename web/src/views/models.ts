/**
 * The public model browser: the whole catalog in one query (fetched once), filtered and sorted in the
 * page. The view is kept in the URL (?provider=…&sort=…) so a filtered table can be shared.
 */
import type { Client } from '@urql/core';
import {
  CATALOG_QUERY,
  type CatalogData,
  type Filter,
  type Row,
  SORTS,
  type SortKey,
  TIERS,
  type View,
  choices,
  filterRows,
  sortRows,
  toRows,
  viewFromSearch,
  viewToSearch,
} from '../catalog';
import { h, options, replace } from '../dom';
import { range, usd } from '../format';

export const ESTIMATE_NOTE = 'estimate: inference only, no embodied carbon, annual grid averages';

/** A link to the methodology, placed next to every carbon figure. */
export const estimateLink = (anchor = 'limits') =>
  h('a', { class: 'est', href: `/methodology#${anchor}`, title: ESTIMATE_NOTE }, 'estimate');

const COLUMNS = [
  ['Model', ''],
  ['Provider', ''],
  ['Region', ''],
  ['Country', ''],
  ['Input $/1M', 'num'],
  ['Output $/1M', 'num'],
  ['Wh / 1k out', 'num'],
  ['gCO2e / 1k out', 'num'],
  ['Confidence', ''],
] as const;

function rowElement(r: Row): HTMLTableRowElement {
  const cell = (i: number, attrs: Record<string, string>, ...c: (Node | string)[]) =>
    h('td', { 'data-label': COLUMNS[i]![0], class: COLUMNS[i]![1] || null, ...attrs }, ...c);
  return h(
    'tr',
    { 'data-endpoint': r.endpointId },
    h(
      'td',
      {},
      r.model,
      h('span', { class: 'tag' }, r.tier),
      r.openWeights ? h('span', { class: 'tag' }, 'open weights') : null,
    ),
    cell(1, {}, r.provider),
    cell(2, {}, r.region),
    cell(3, {}, r.country),
    cell(4, { 'data-value': String(r.inputUsd) }, usd(r.inputUsd)),
    cell(5, { 'data-value': String(r.outputUsd) }, usd(r.outputUsd)),
    cell(6, { 'data-min': String(r.wh.min), 'data-max': String(r.wh.max) }, range(r.wh)),
    cell(
      7,
      { 'data-min': String(r.gco2e.min), 'data-max': String(r.gco2e.max) },
      h('span', {}, range(r.gco2e), ' ', estimateLink()),
    ),
    cell(8, {}, r.confidence.replace('-parameters', ' sizes')),
  );
}

export function modelsView(element: HTMLElement, client: Client): () => void {
  let view: View = viewFromSearch(location.search);
  let rows: Row[] = [];

  const select = (name: string, label: string) => h('label', {}, label, h('select', { name }));
  const form = h(
    'form',
    { role: 'search', 'aria-label': 'Filter endpoints' },
    h(
      'fieldset',
      {},
      h('legend', {}, 'Filter and sort'),
      h(
        'div',
        { class: 'fields' },
        h(
          'label',
          {},
          'Model',
          h('input', { name: 'search', type: 'search', placeholder: 'name', size: 12 }),
        ),
        select('provider', 'Provider'),
        select('region', 'Region'),
        select('country', 'Country'),
        select('tier', 'Tier'),
        h(
          'label',
          { class: 'check' },
          h('input', { name: 'openWeights', type: 'checkbox' }),
          'Open weights only',
        ),
        select('sort', 'Sort by'),
        h('button', { type: 'reset', class: 'secondary' }, 'Reset'),
      ),
    ),
  );
  const field = <T extends HTMLInputElement | HTMLSelectElement>(name: string) =>
    form.elements.namedItem(name) as T;
  const count = h('p', { role: 'status', class: 'muted' }, 'Loading the catalog…');
  const tbody = h('tbody');
  const table = h(
    'table',
    { class: 'cards', id: 'endpoints' },
    h(
      'caption',
      {},
      'Prices in USD per 1M tokens. Energy (Wh) and carbon (gCO2e) per 1,000 output tokens: an ',
      h('a', { href: '/methodology' }, ESTIMATE_NOTE),
      '.',
    ),
    h('thead', {}, h('tr', {}, ...COLUMNS.map(([t, c]) => h('th', { scope: 'col', class: c || null }, t)))),
    tbody,
  );
  replace(
    element,
    h('h2', { id: 'browser-h' }, 'Endpoints'),
    form,
    count,
    h('div', { class: 'table-wrap' }, table),
  );

  /** Fills the selects from the data and the current view (regions narrow to the chosen provider). */
  function syncForm() {
    const c = choices(rows);
    const f = view.filter;
    replace(field('provider'), ...options('Any provider', c.providers, f.provider));
    replace(field('region'), ...options('Any region', c.regions(f.provider), f.region));
    replace(field('country'), ...options('Any country', c.countries, f.country));
    replace(
      field('tier'),
      ...options(
        'Any tier',
        TIERS.map((t) => [t, t] as const),
        f.tier,
      ),
    );
    replace(
      field('sort'),
      ...Object.entries(SORTS).map(([k, l]) => h('option', { value: k, selected: k === view.sort }, l)),
    );
    field<HTMLInputElement>('search').value = f.search;
    field<HTMLInputElement>('openWeights').checked = f.openWeights;
  }

  function render() {
    const shown = sortRows(filterRows(rows, view.filter), view.sort);
    replace(tbody, ...shown.map(rowElement));
    count.textContent = `Showing ${shown.length} of ${rows.length} endpoints.`;
    const search = viewToSearch(view);
    if (search !== location.search) history.replaceState(null, '', `${location.pathname}${search}`);
  }

  function readForm(): View {
    const filter: Filter = {
      search: field<HTMLInputElement>('search').value,
      provider: field('provider').value,
      region: field('region').value,
      country: field('country').value,
      tier: field('tier').value,
      openWeights: field<HTMLInputElement>('openWeights').checked,
    };
    // A region from another provider would empty the table: drop it when the provider changes.
    if (filter.provider !== view.filter.provider && filter.region) {
      const ok = choices(rows)
        .regions(filter.provider)
        .some(([id]) => id === filter.region);
      if (!ok) filter.region = '';
    }
    return { filter, sort: field('sort').value as SortKey };
  }

  const onInput = () => {
    const next = readForm();
    const providerChanged = next.filter.provider !== view.filter.provider;
    view = next;
    if (providerChanged) syncForm();
    render();
  };
  const onReset = (e: Event) => {
    e.preventDefault();
    view = viewFromSearch('');
    syncForm();
    render();
  };
  form.addEventListener('input', onInput);
  form.addEventListener('reset', onReset);
  form.addEventListener('submit', (e) => e.preventDefault());

  const sub = client.query<CatalogData>(CATALOG_QUERY, {}).subscribe((result) => {
    if (result.error || !result.data) {
      count.textContent = `The catalog could not be loaded: ${result.error?.message ?? 'no data'}.`;
      count.classList.add('error');
      return;
    }
    rows = toRows(result.data);
    syncForm();
    render();
  });

  return () => {
    sub.unsubscribe();
    form.removeEventListener('input', onInput);
    form.removeEventListener('reset', onReset);
  };
}
