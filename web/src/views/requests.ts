/**
 * The recent requests table: what was asked, how it was routed (provider, region, fallback, each
 * attempt and why) and its eco estimate (Wh, gCO2e range, grid intensity, confidence).
 */
import { h } from '../dom';
import { type MinMax, cost, enumWord, range, sig, utcTime } from '../format';
import { type Column, dataTable } from './usage';

export const REQUEST_FIELDS = /* GraphQL */ `
  id createdAt requestedModel model provider region country locationBasis status errorKind fallbackUsed stream costUsd
  route { reason policy { name } attempts { provider region outcome errorKind latencyMs } }
  eco { energyWh { min max } gco2e { min max } gridGco2ePerKwh confidence }
`;

interface Attempt {
  provider: string;
  region: string;
  outcome: string;
  /** ErrorKind enum value, e.g. UPSTREAM. */
  errorKind: string | null;
  latencyMs: number;
}

export interface RequestNode {
  id: string;
  createdAt: string;
  requestedModel: string;
  model: string | null;
  provider: string | null;
  region: string | null;
  country: string | null;
  /** `documented` or `assumed`: how the serving region's location is known. */
  locationBasis: string | null;
  /** RequestStatus enum value: OK, ERROR or CLIENT_DISCONNECTED. */
  status: string;
  /** ErrorKind enum value, e.g. UPSTREAM. */
  errorKind: string | null;
  fallbackUsed: boolean;
  stream: boolean;
  costUsd: number;
  route: { reason: string | null; attempts: Attempt[]; policy: { name: string } | null };
  eco: { energyWh: MinMax; gco2e: MinMax; gridGco2ePerKwh: number | null; confidence: string | null } | null;
}

const DASH = '–';

/** Whether the serving region's location is documented by the provider or only assumed. */
function locationTag(basis: string): HTMLElement {
  const assumed = basis !== 'documented';
  return h(
    'span',
    {
      class: assumed ? 'location assumed' : 'location',
      title: assumed
        ? 'The provider does not document where this region processes data; its location is assumed'
        : "The provider's documentation says where this region processes data",
    },
    assumed ? 'location assumed' : 'location documented',
  );
}

/** The attempts in order, the policy and the ranking's reason, folded. */
function attemptsDetails(r: RequestNode): HTMLElement | null {
  const attempts = r.route.attempts;
  if (!attempts.length && !r.route.reason) return null;
  const n = attempts.length;
  return h(
    'details',
    { class: 'attempts' },
    h('summary', {}, n ? `${n} attempt${n === 1 ? '' : 's'}` : 'why'),
    n
      ? h(
          'ol',
          {},
          ...attempts.map((a) =>
            h(
              'li',
              {},
              `${a.provider} · ${a.region}: ${a.outcome}`,
              a.errorKind ? ` (${enumWord(a.errorKind)})` : '',
              `, ${a.latencyMs} ms`,
            ),
          ),
        )
      : null,
    r.route.policy?.name ? h('p', {}, 'Policy: ', r.route.policy.name) : null,
    r.route.reason ? h('p', { class: 'note' }, r.route.reason) : null,
  );
}

const COLUMNS: Column<RequestNode>[] = [
  {
    label: 'Model',
    cell: (r) =>
      h(
        'span',
        {},
        r.model && r.model !== r.requestedModel ? `${r.requestedModel} → ${r.model}` : r.requestedModel,
        r.stream ? h('span', { class: 'tag' }, 'stream') : null,
      ),
  },
  { label: 'When (UTC)', cell: (r) => utcTime(r.createdAt) },
  {
    label: 'Status',
    cell: (r) =>
      r.status === 'OK'
        ? 'ok'
        : h(
            'span',
            { class: 'error' },
            r.errorKind ? `${enumWord(r.status)} (${enumWord(r.errorKind)})` : enumWord(r.status),
          ),
  },
  {
    label: 'Route',
    cell: (r) =>
      h(
        'div',
        { class: 'route' },
        r.provider
          ? h(
              'span',
              {},
              `${r.provider} · ${r.region ?? '?'}${r.country ? ` (${r.country})` : ''}`,
              r.fallbackUsed ? h('span', { class: 'tag warn' }, 'fallback') : null,
            )
          : null,
        r.provider && r.locationBasis ? locationTag(r.locationBasis) : null,
        attemptsDetails(r),
      ),
  },
  { label: 'Cost', num: true, cell: (r) => cost(r.costUsd) },
  {
    label: 'Energy and carbon',
    cls: 'eco-cell',
    cell: (r) =>
      r.eco
        ? h(
            'div',
            { class: 'eco' },
            h('span', { class: 'wh' }, `${range(r.eco.energyWh)} Wh`),
            h('span', { class: 'gco2e' }, `${range(r.eco.gco2e)} gCO2e`),
            h(
              'span',
              { class: 'note' },
              r.eco.gridGco2ePerKwh != null
                ? `grid ${sig(r.eco.gridGco2ePerKwh, 3)} gCO2e/kWh`
                : 'grid unknown',
              r.eco.confidence ? ` · ${r.eco.confidence}` : '',
            ),
          )
        : DASH,
  },
];

export function requestsTable(nodes: RequestNode[], caption: (string | Node)[]): HTMLElement {
  return dataTable('requests', caption, COLUMNS, nodes, (r) => ({
    'data-request': r.id,
    'data-status': enumWord(r.status),
  }));
}
