/**
 * The organisation's API keys (admin scope): list, create (the key is shown once) and revoke.
 */
import type { Client } from '@urql/core';
import { h, replace } from '../dom';
import type { Viewer } from './account';

const KEYS_QUERY = /* GraphQL */ `
  query Keys { apiKeys { id name prefix scopes createdAt lastUsedAt } }
`;
const CREATE = /* GraphQL */ `
  mutation Create($name: String!, $scopes: [ApiKeyScope!]!) {
    createApiKey(name: $name, scopes: $scopes) {
      __typename
      ... on CreateApiKeySuccess { key apiKey { id } }
      ... on Error { message }
    }
  }
`;
const REVOKE = /* GraphQL */ `
  mutation Revoke($id: ID!) {
    revokeApiKey(id: $id) { __typename ... on Error { message } }
  }
`;

interface Key {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  createdAt: string;
  lastUsedAt: string | null;
}

const SCOPES = [
  ['INFERENCE', 'inference: call models'],
  ['READ', 'read: usage, credits, logs'],
  ['ADMIN', 'admin: keys, policies, credits'],
] as const;

const day = (iso: string | null) => (iso ? iso.slice(0, 10) : 'never');

export function keysView(element: HTMLElement, client: Client, viewer: Viewer): () => void {
  const status = h('p', { role: 'status', class: 'muted' }, 'Loading keys…');
  const tbody = h('tbody');
  const created = h('output', { class: 'result', 'aria-live': 'polite' });
  const name = h('input', { name: 'name', required: true, maxlength: 100, size: 20 });
  const form = h(
    'form',
    { 'aria-labelledby': 'create-h' },
    h('h3', { id: 'create-h' }, 'Create a key'),
    h(
      'div',
      { class: 'fields' },
      h('label', {}, 'Name', name),
      ...SCOPES.map(([v, l]) =>
        h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', name: 'scope', value: v, checked: v === 'INFERENCE' }),
          l,
        ),
      ),
      h('button', { type: 'submit' }, 'Create'),
    ),
    created,
  );
  replace(
    element,
    h('h2', { id: 'keys-h' }, 'API keys'),
    status,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'cards', id: 'keys' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Name', 'Prefix', 'Scopes', 'Created', 'Last used', ''].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        tbody,
      ),
    ),
    form,
  );

  let subs: { unsubscribe(): void }[] = [];
  // One list subscription at a time: urql replays an active query's last result to a new subscriber,
  // which would briefly draw the list from before a change.
  let listSub: { unsubscribe(): void } | undefined;
  const load = () => {
    listSub?.unsubscribe();
    listSub = client
      .query<{ apiKeys: Key[] }>(KEYS_QUERY, {}, { requestPolicy: 'network-only' })
      .subscribe((r) => {
        if (!r.data) {
          status.textContent =
            r.error?.graphQLErrors[0]?.message ?? r.error?.message ?? 'Could not load the keys.';
          return;
        }
        const n = r.data.apiKeys.length;
        status.textContent = `${n} active key${n === 1 ? '' : 's'}.`;
        replace(
          tbody,
          ...r.data.apiKeys.map((k) => {
            const revoke = h('button', { type: 'button', class: 'secondary' }, 'Revoke');
            revoke.addEventListener('click', () => {
              if (!confirm(`Revoke the key “${k.name}” (${k.prefix})? Requests with it will fail at once.`))
                return;
              subs.push(
                client.mutation(REVOKE, { id: k.id }).subscribe((m) => {
                  const res = m.data?.revokeApiKey;
                  if (res?.__typename === 'RevokeApiKeySuccess') load();
                  else status.textContent = res?.message ?? m.error?.message ?? 'Could not revoke.';
                }),
              );
            });
            return h(
              'tr',
              { 'data-key': k.id },
              h('td', {}, k.name, k.id === viewer.apiKey.id ? h('span', { class: 'tag' }, 'this key') : null),
              h('td', { 'data-label': 'Prefix' }, h('code', {}, k.prefix)),
              h('td', { 'data-label': 'Scopes' }, k.scopes.join(', ').toLowerCase()),
              h('td', { 'data-label': 'Created' }, day(k.createdAt)),
              h('td', { 'data-label': 'Last used' }, day(k.lastUsedAt)),
              h('td', { 'data-label': 'Action' }, revoke),
            );
          }),
        );
      });
  };

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const scopes = [...form.querySelectorAll<HTMLInputElement>('input[name=scope]:checked')].map(
      (c) => c.value,
    );
    subs.push(
      client.mutation(CREATE, { name: name.value, scopes }).subscribe((m) => {
        const res = m.data?.createApiKey;
        if (res?.__typename === 'CreateApiKeySuccess') {
          replace(
            created,
            h('p', {}, h('strong', {}, 'Shown once: '), 'copy this key now, it cannot be shown again.'),
            h('p', {}, h('code', { id: 'new-key' }, res.key)),
          );
          form.reset();
          load();
        } else {
          replace(
            created,
            h(
              'p',
              { class: 'error', role: 'alert' },
              res?.message ?? m.error?.message ?? 'Could not create the key.',
            ),
          );
        }
      }),
    );
  });

  load();
  return () => {
    listSub?.unsubscribe();
    for (const s of subs) s.unsubscribe();
    subs = [];
  };
}
