/**
 * Granting credits, for the instance admin only (the page does not draw it for anyone else, and the API
 * refuses them anyway): pick an organisation, see its balance, add an amount in USD with a note.
 */
import type { Client } from '@urql/core';
import { h, replace } from '../dom';
import { cost } from '../format';

const ORGS_QUERY = /* GraphQL */ `
  query Orgs { organizations { id name } }
`;
const BALANCE_QUERY = /* GraphQL */ `
  query OrgBalance($org: ID!) { credits(orgId: $org) { balanceUsd } }
`;
const GRANT = /* GraphQL */ `
  mutation Grant($org: ID!, $amount: Float!, $note: String) {
    grantCredits(orgId: $org, amountUsd: $amount, note: $note) {
      __typename ... on GrantCreditsSuccess { balanceUsd } ... on Error { message }
    }
  }
`;

interface Org {
  id: string;
  name: string;
}

export function grantCreditsView(element: HTMLElement, client: Client): () => void {
  const subs: { unsubscribe(): void }[] = [];
  const org = h('select', { id: 'grant-org', name: 'org', required: true });
  const amount = h('input', {
    id: 'grant-amount',
    name: 'amount',
    type: 'number',
    min: 0,
    step: 'any',
    required: true,
    inputmode: 'decimal',
  });
  const note = h('input', { id: 'grant-note', name: 'note', maxlength: 500, placeholder: 'optional' });
  const balance = h('p', { id: 'grant-balance', 'aria-live': 'polite', class: 'muted' });
  const result = h('p', { role: 'status', id: 'grant-result' });
  const form = h(
    'form',
    { id: 'grant-form', 'aria-labelledby': 'grant-h' },
    h(
      'div',
      { class: 'fields' },
      h('label', {}, 'Organisation', org),
      h('label', {}, 'Amount (USD)', amount),
      h('label', {}, 'Note', note),
      h('button', { type: 'submit' }, 'Grant'),
    ),
    balance,
    result,
  );
  replace(
    element,
    h('h2', { id: 'grant-h' }, 'Grant credits'),
    h(
      'p',
      { class: 'note' },
      'Instance admin only. Adds prepaid credit to an organisation; the grant is recorded in its ledger and in the audit log.',
    ),
    form,
  );

  let names = new Map<string, string>();
  let balanceSub: { unsubscribe(): void } | undefined;
  const showBalance = () => {
    balanceSub?.unsubscribe();
    if (!org.value) return;
    balanceSub = client
      .query<{ credits: { balanceUsd: number } }>(
        BALANCE_QUERY,
        { org: org.value },
        { requestPolicy: 'network-only' },
      )
      .subscribe((r) => {
        balance.textContent = r.data ? `Balance: ${cost(r.data.credits.balanceUsd)}` : '';
      });
  };
  org.addEventListener('change', showBalance);

  subs.push(
    client.query<{ organizations: Org[] }>(ORGS_QUERY, {}).subscribe((r) => {
      if (!r.data) {
        result.className = 'error';
        result.textContent = r.error?.message ?? 'Could not list the organisations.';
        return;
      }
      names = new Map(r.data.organizations.map((o) => [o.id, o.name]));
      replace(org, ...r.data.organizations.map((o) => h('option', { value: o.id }, `${o.name} (${o.id})`)));
      showBalance();
    }),
  );

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const usd = Number(amount.value);
    const target = org.value;
    subs.push(
      client
        .mutation<{ grantCredits: { __typename: string; balanceUsd?: number; message?: string } }>(GRANT, {
          org: target,
          amount: usd,
          note: note.value.trim() || null,
        })
        .subscribe((m) => {
          const res = m.data?.grantCredits;
          if (res?.__typename === 'GrantCreditsSuccess') {
            result.className = '';
            result.textContent = `Granted ${cost(usd)} to ${names.get(target) ?? target}. Balance now ${cost(res.balanceUsd!)}.`;
            balance.textContent = `Balance: ${cost(res.balanceUsd!)}`;
            amount.value = '';
            note.value = '';
          } else {
            result.className = 'error';
            result.textContent = res?.message ?? m.error?.message ?? 'Could not grant the credits.';
          }
        }),
    );
  });

  return () => {
    balanceSub?.unsubscribe();
    for (const s of subs) s.unsubscribe();
  };
}
