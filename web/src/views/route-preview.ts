/**
 * The live route preview next to the policy editor: `routePreview` with the policy being edited (saved
 * or not) and a sample request, asked again ~300 ms after the last change. Shows the candidates in the
 * order they would be tried, with the ranking's reasons, and every exclusion grouped by reason. Answers
 * that arrive out of order are dropped: the panel always shows the latest edit.
 */
import type { Client } from '@urql/core';
import { h, replace } from '../dom';
import type { PolicyInput } from '../policy-form';

const PREVIEW_QUERY = /* GraphQL */ `
  query Preview($model: String!, $messages: [PreviewMessage!], $policy: RoutingPolicyInput) {
    routePreview(model: $model, messages: $messages, policy: $policy) {
      __typename
      ... on QueryRoutePreviewSuccess {
        data {
          candidates { endpointId model provider region country reasons }
          excluded { endpointId reason }
          tier signals policySummary noRoute
        }
      }
      ... on Error { message }
    }
  }
`;

interface Preview {
  candidates: {
    endpointId: string;
    model: string;
    provider: string;
    region: string;
    country: string;
    reasons: string[];
  }[];
  excluded: { endpointId: string; reason: string }[];
  tier: string | null;
  signals: string[];
  policySummary: string;
  noRoute: string | null;
}
type PreviewResult =
  | { __typename: 'QueryRoutePreviewSuccess'; data: Preview }
  | { __typename: 'InvalidInput' | 'NotFound'; message: string };

export const DEBOUNCE_MS = 300;
/** Candidates listed before "N more". */
const SHOWN = 5;
/** Endpoint ids named per exclusion reason before "and N more". */
const IDS_SHOWN = 4;
const SAMPLE = 'Translate "good morning, see you tomorrow" into French.';

export interface PreviewPanel {
  element: HTMLElement;
  /** Previews `policy` (after the debounce). */
  update(policy: PolicyInput): void;
  stop(): void;
}

function candidateItem(c: Preview['candidates'][number]): HTMLElement {
  return h(
    'li',
    { 'data-endpoint': c.endpointId },
    h('strong', {}, c.model),
    ` · ${c.provider} · ${c.region} (${c.country})`,
    c.reasons.length ? h('ul', { class: 'reasons' }, ...c.reasons.map((r) => h('li', {}, r))) : null,
  );
}

function result(p: Preview): (HTMLElement | null)[] {
  const shown = p.candidates.slice(0, SHOWN);
  const rest = p.candidates.slice(SHOWN);
  const groups = new Map<string, string[]>();
  for (const e of p.excluded) groups.set(e.reason, [...(groups.get(e.reason) ?? []), e.endpointId]);
  return [
    h(
      'p',
      { id: 'preview-summary' },
      p.policySummary,
      p.tier
        ? h(
            'span',
            {},
            h('br'),
            h('strong', {}, 'Needs tier: '),
            p.tier,
            p.signals.length ? ` (${p.signals.join('; ')})` : '',
          )
        : null,
    ),
    p.noRoute ? h('p', { class: 'error', id: 'no-route' }, `No route: ${p.noRoute}`) : null,
    p.candidates.length
      ? h(
          'h4',
          {},
          `Tried in this order (${p.candidates.length} candidate${p.candidates.length === 1 ? '' : 's'})`,
        )
      : null,
    h('ol', { id: 'candidates' }, ...shown.map(candidateItem)),
    rest.length
      ? h(
          'details',
          {},
          h('summary', {}, `${rest.length} more, in order`),
          h('ol', { start: SHOWN + 1 }, ...rest.map(candidateItem)),
        )
      : null,
    p.excluded.length
      ? h(
          'details',
          { id: 'excluded' },
          h('summary', {}, `${p.excluded.length} endpoint${p.excluded.length === 1 ? '' : 's'} excluded`),
          h(
            'ul',
            {},
            ...[...groups].map(([reason, ids]) =>
              h(
                'li',
                {},
                `${reason.replace(/^excluded: /, '')} (${ids.length})`,
                h('br'),
                h(
                  'span',
                  { class: 'note' },
                  ids.slice(0, IDS_SHOWN).join(', '),
                  ids.length > IDS_SHOWN ? ` and ${ids.length - IDS_SHOWN} more` : '',
                ),
              ),
            ),
          ),
        )
      : null,
  ];
}

export function routePreviewPanel(client: Client, models: string[]): PreviewPanel {
  const prompt = h('textarea', { id: 'sample-prompt', name: 'prompt', rows: 3 }, SAMPLE);
  const model = h(
    'select',
    { id: 'sample-model', name: 'model' },
    h('option', { value: 'lowrouter/auto' }, 'lowrouter/auto (picks the model)'),
    ...models.map((m) => h('option', { value: m }, m)),
  );
  const status = h('p', { role: 'status', class: 'note', id: 'preview-status' }, 'Previewing…');
  const out = h('div', { id: 'preview-result' });
  const element = h(
    'section',
    { id: 'preview', 'aria-labelledby': 'preview-h' },
    h('h3', { id: 'preview-h' }, 'Live preview'),
    h(
      'p',
      { class: 'note' },
      'What the policy in the editor, saved or not, would do for this request. No upstream is called.',
    ),
    h('div', { class: 'sample' }, h('label', {}, 'Sample prompt', prompt), h('label', {}, 'Model', model)),
    status,
    out,
  );

  let policy: PolicyInput | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let seq = 0;
  let sub: { unsubscribe(): void } | undefined;

  const run = () => {
    if (!policy) return;
    const mine = ++seq;
    sub?.unsubscribe();
    sub = client
      .query<{ routePreview: PreviewResult }>(
        PREVIEW_QUERY,
        { model: model.value, messages: [{ role: 'user', content: prompt.value || 'Hello' }], policy },
        { requestPolicy: 'network-only' },
      )
      .subscribe((r) => {
        if (mine !== seq) return;
        const res = r.data?.routePreview;
        if (res?.__typename === 'QueryRoutePreviewSuccess') {
          const first = res.data.candidates[0];
          status.className = 'note';
          status.textContent = first
            ? `Preview updated: first choice ${first.endpointId}.`
            : 'Preview updated: no endpoint can serve this request.';
          replace(out, ...result(res.data));
        } else {
          status.className = 'error';
          status.textContent = `This policy cannot be previewed yet: ${res && 'message' in res ? res.message : (r.error?.message ?? 'no answer')}`;
          replace(out);
        }
      });
  };
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(run, DEBOUNCE_MS);
  };
  prompt.addEventListener('input', schedule);
  model.addEventListener('change', schedule);

  return {
    element,
    update(p) {
      policy = p;
      schedule();
    },
    stop() {
      clearTimeout(timer);
      sub?.unsubscribe();
    },
  };
}
