/**
 * The calculator: pick an endpoint, type a number of output tokens, get energy (Wh), carbon (gCO2e)
 * and the upstream cost of those tokens from the `ecoEstimate` query. The endpoint list comes from the
 * same catalog query as the table (urql shares it: one request).
 */
import type { Client } from '@urql/core';
import { CATALOG_QUERY, type CatalogData, sortRows, toRows } from '../catalog';
import { h, replace } from '../dom';
import { type MinMax, costRange, range } from '../format';
import { estimateLink } from './models';

export const ESTIMATE_QUERY = /* GraphQL */ `
  query Estimate($input: EcoEstimateInput!) {
    ecoEstimate(input: $input) {
      __typename
      ... on QueryEcoEstimateSuccess { data { energyWh { min max } gco2e { min max } costUsd { min max } } }
      ... on InvalidInput { field message }
    }
  }
`;

type EstimateResult =
  | {
      __typename: 'QueryEcoEstimateSuccess';
      data: { energyWh: MinMax; gco2e: MinMax; costUsd: MinMax | null };
    }
  | { __typename: 'InvalidInput'; field: string; message: string };

/** A figure with its exact values kept in data-min/data-max for anyone who wants more digits. */
const figure = (r: MinMax, text: string, unit: string) =>
  h('span', { 'data-min': String(r.min), 'data-max': String(r.max) }, text, unit ? ` ${unit}` : '');

export function calculatorView(element: HTMLElement, client: Client): () => void {
  const endpoint = h('select', { name: 'endpoint', required: true });
  const tokens = h('input', {
    name: 'outputTokens',
    type: 'number',
    min: 0,
    max: 10_000_000,
    step: 1,
    value: 1000,
    required: true,
    inputmode: 'numeric',
    size: 9,
  });
  const submit = h('button', { type: 'submit', disabled: true }, 'Estimate');
  const out = h('output', { class: 'result', 'aria-live': 'polite', for: 'calc-endpoint calc-tokens' });
  endpoint.id = 'calc-endpoint';
  tokens.id = 'calc-tokens';
  const form = h(
    'form',
    { 'aria-labelledby': 'calc-h' },
    h(
      'div',
      { class: 'fields' },
      h('label', {}, 'Endpoint', endpoint),
      h('label', {}, 'Output tokens', tokens),
      submit,
    ),
    out,
  );
  replace(
    element,
    h('h2', { id: 'calc-h' }, 'Calculator'),
    h(
      'p',
      { class: 'muted' },
      'Energy, carbon and upstream cost of a number of output tokens on one endpoint.',
    ),
    h('div', { class: 'panel' }, form),
  );

  const catalog = client.query<CatalogData>(CATALOG_QUERY, {}).subscribe((result) => {
    if (!result.data) return;
    const rows = sortRows(toRows(result.data), 'model');
    const groups = new Map<string, HTMLOptGroupElement>();
    for (const r of rows) {
      let g = groups.get(r.modelId);
      if (!g) {
        g = h('optgroup', { label: r.model });
        groups.set(r.modelId, g);
      }
      g.append(h('option', { value: r.endpointId }, `${r.model} · ${r.provider} · ${r.region}`));
    }
    replace(endpoint, ...groups.values());
    submit.disabled = false;
  });

  let pending: { unsubscribe(): void } | undefined;
  const onSubmit = (e: SubmitEvent) => {
    e.preventDefault();
    pending?.unsubscribe();
    const input = { endpointId: endpoint.value, outputTokens: tokens.valueAsNumber };
    out.textContent = 'Estimating…';
    pending = client.query<{ ecoEstimate: EstimateResult }>(ESTIMATE_QUERY, { input }).subscribe((result) => {
      const r = result.data?.ecoEstimate;
      if (!r) {
        replace(out, h('span', { class: 'error' }, result.error?.message ?? 'No answer.'));
      } else if (r.__typename === 'InvalidInput') {
        replace(out, h('span', { class: 'error' }, `${r.field}: ${r.message}`));
      } else {
        const d = r.data;
        replace(
          out,
          h(
            'dl',
            {},
            h('dt', {}, 'Energy'),
            h('dd', { id: 'calc-wh' }, figure(d.energyWh, range(d.energyWh), 'Wh')),
            h('dt', {}, 'Carbon'),
            h('dd', { id: 'calc-gco2e' }, figure(d.gco2e, range(d.gco2e), 'gCO2e'), ' ', estimateLink()),
            h('dt', {}, 'Cost'),
            h(
              'dd',
              { id: 'calc-cost' },
              d.costUsd ? figure(d.costUsd, costRange(d.costUsd), '') : '–',
              h('span', { class: 'note' }, ' upstream price of the output tokens'),
            ),
          ),
        );
      }
    });
  };
  form.addEventListener('submit', onSubmit);

  return () => {
    catalog.unsubscribe();
    pending?.unsubscribe();
    form.removeEventListener('submit', onSubmit);
  };
}
