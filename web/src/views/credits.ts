/** The credits panel of the dashboard: balance, what is available, and the latest ledger entries. */
import { h } from '../dom';
import { cost, enumWord, signedCost, utcTime } from '../format';
import { dataTable } from './usage';

export const CREDITS_FIELDS = /* GraphQL */ `
  balanceUsd availableUsd ledger(first: 10) { nodes { createdAt kind amountUsd note } }
`;

export interface CreditsData {
  balanceUsd: number;
  availableUsd: number;
  ledger: {
    nodes: { createdAt: string; kind: string; amountUsd: number; note: string | null }[];
  };
}

export function creditsPanel(c: CreditsData): HTMLElement[] {
  return [
    h(
      'p',
      { class: 'balance' },
      'Balance ',
      h('strong', { id: 'balance' }, cost(c.balanceUsd)),
      c.availableUsd !== c.balanceUsd
        ? h(
            'span',
            { class: 'muted' },
            ` (${cost(c.availableUsd)} available; the rest is held for requests in flight)`,
          )
        : null,
    ),
    dataTable(
      'ledger',
      ['Latest ledger entries, newest first. Grants add credit; each request spends its cost.'],
      [
        { label: 'Entry', cell: (e) => (e.note ? `${enumWord(e.kind)}: ${e.note}` : enumWord(e.kind)) },
        { label: 'When (UTC)', cell: (e) => utcTime(e.createdAt) },
        { label: 'Amount', num: true, cell: (e) => signedCost(e.amountUsd) },
      ],
      c.ledger.nodes,
      (e) => ({ 'data-kind': enumWord(e.kind) }),
    ),
  ];
}
