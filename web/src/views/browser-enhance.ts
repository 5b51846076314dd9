/**
 * Enhances the server-rendered model browser (`/`): the filter form applies as you type, without a
 * reload (the server applies the same view to the same query string when scripts are off), and the
 * calculator answers in place through the `ecoEstimate` query. Nothing is drawn that the server did not
 * already render: without this script the page is complete.
 */
import {
  type BrowserView,
  type ModelEntry,
  SORT_KEYS,
  type SortKey,
  applyView,
  viewToSearch,
} from '../browser-view';
import { h, replace } from '../dom';
import { costRange, range } from '../format';

function readEntries(table: HTMLTableElement): Map<ModelEntry, HTMLTableSectionElement> {
  const out = new Map<ModelEntry, HTMLTableSectionElement>();
  for (const body of table.querySelectorAll<HTMLTableSectionElement>('tbody.model')) {
    const d = body.dataset;
    out.set(
      {
        id: d.model ?? '',
        name: d.name ?? '',
        tier: d.tier ?? '',
        providers: (d.providers ?? '').split(' ').filter(Boolean),
        usable: Number(d.usable),
        open: d.open === '1',
        price: Number(d.price),
        input: Number(d.input),
        carbon: Number(d.carbon),
        energy: Number(d.energy),
      },
      body,
    );
  }
  return out;
}

export function enhanceFilters(): void {
  const form = document.getElementById('filters') as HTMLFormElement | null;
  const table = document.getElementById('models') as HTMLTableElement | null;
  const count = document.getElementById('count');
  if (!form || !table || !count) return;
  const entries = readEntries(table);
  const field = (name: string) => form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
  const checked = (name: string) => (field(name) as HTMLInputElement).checked;
  for (const b of form.querySelectorAll<HTMLButtonElement>('button.apply')) b.hidden = true;

  const apply = () => {
    const sort = field('sort').value;
    const view: BrowserView = {
      q: field('q').value,
      provider: field('provider').value,
      tier: field('tier').value,
      usableOnly: checked('usable'),
      openWeights: checked('open'),
      sort: (SORT_KEYS as readonly string[]).includes(sort) ? (sort as SortKey) : 'price',
    };
    const shown = applyView([...entries.keys()], view);
    const visible = new Set(shown);
    for (const [e, body] of entries) body.hidden = !visible.has(e);
    for (const e of shown) table.appendChild(entries.get(e)!);
    count.textContent = `Showing ${shown.length} of ${entries.size} models.`;
    const search = viewToSearch(view);
    if (search !== location.search)
      history.replaceState(null, '', `${location.pathname}${search}${location.hash}`);
  };
  form.addEventListener('input', apply);
  form.addEventListener('change', apply);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    apply();
  });
}

interface MinMax {
  min: number;
  max: number;
}
type Estimate =
  | {
      __typename: 'QueryEcoEstimateSuccess';
      data: { energyWh: MinMax; gco2e: MinMax; costUsd: MinMax | null };
    }
  | { __typename: 'InvalidInput'; field: string; message: string };

const ESTIMATE_QUERY = `query Estimate($input: EcoEstimateInput!) { ecoEstimate(input: $input) { __typename
  ... on QueryEcoEstimateSuccess { data { energyWh { min max } gco2e { min max } costUsd { min max } } }
  ... on InvalidInput { field message } } }`;

const figure = (r: MinMax, text: string) =>
  h('span', { 'data-min': String(r.min), 'data-max': String(r.max) }, text);

export function enhanceCalculator(): void {
  const section = document.getElementById('calculator');
  const form = section?.querySelector('form');
  const out = section?.querySelector('output');
  const endpoint = document.getElementById('calc-endpoint') as HTMLSelectElement | null;
  const tokens = document.getElementById('calc-tokens') as HTMLInputElement | null;
  if (!form || !out || !endpoint || !tokens) return;
  const est = () =>
    h(
      'a',
      {
        class: 'est',
        href: '/methodology#limits',
        title: 'estimate: inference only, no embodied carbon, annual grid averages',
      },
      'estimate',
    );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const input = { endpointId: endpoint.value, outputTokens: tokens.valueAsNumber };
    out.textContent = 'Estimating…';
    try {
      const res = await fetch('/graphql', {
        method: 'POST',
        credentials: 'omit',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: ESTIMATE_QUERY, variables: { input } }),
      });
      const body = (await res.json()) as { data?: { ecoEstimate: Estimate }; errors?: { message: string }[] };
      const r = body.data?.ecoEstimate;
      if (!r) throw new Error(body.errors?.[0]?.message ?? `HTTP ${res.status}`);
      if (r.__typename === 'InvalidInput') {
        replace(out, h('span', { class: 'error', role: 'alert' }, `${r.field}: ${r.message}`));
        return;
      }
      const d = r.data;
      const label = endpoint.selectedOptions[0]?.textContent?.replace(/ \(not usable here\)$/, '') ?? '';
      replace(
        out,
        h('p', {}, `${label}, ${Math.round(input.outputTokens).toLocaleString('en-US')} output tokens:`),
        h(
          'dl',
          {},
          h('dt', {}, 'Energy'),
          h('dd', { id: 'calc-wh' }, figure(d.energyWh, `${range(d.energyWh)} Wh`)),
          h('dt', {}, 'Carbon'),
          h('dd', { id: 'calc-gco2e' }, figure(d.gco2e, `${range(d.gco2e)} gCO2e`), ' ', est()),
          h('dt', {}, 'Cost'),
          h(
            'dd',
            { id: 'calc-cost' },
            d.costUsd ? figure(d.costUsd, costRange(d.costUsd)) : '–',
            h('span', { class: 'note' }, ' upstream price of the output tokens'),
          ),
        ),
      );
    } catch (err) {
      replace(
        out,
        h('span', { class: 'error', role: 'alert' }, `The estimate failed: ${(err as Error).message}`),
      );
    }
  });
}
