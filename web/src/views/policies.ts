/**
 * Routing policies: the organisation's list (read scope), and the editor (policy-editor.ts) to create,
 * change, delete and choose the default (admin scope), next to a live preview of what the edited policy
 * would do for a sample request (route-preview.ts).
 */
import type { Client } from '@urql/core';
import { h, replace } from '../dom';
import type { PolicyInput } from '../policy-form';
import type { Viewer } from './account';
import { type Policy, policyEditor } from './policy-editor';
import { type PreviewPanel, routePreviewPanel } from './route-preview';

const POLICIES_QUERY = /* GraphQL */ `
  query Policies { routingPolicies { id name isDefault summary spec } providers { id } models { id } }
`;
const RESULT = /* GraphQL */ `
  __typename ... on RoutingPolicySuccess { policy { id name } } ... on Error { message }
`;
const CREATE = /* GraphQL */ `
  mutation CreatePolicy($input: RoutingPolicyInput!, $makeDefault: Boolean) {
    createRoutingPolicy(input: $input, makeDefault: $makeDefault) { ${RESULT} }
  }
`;
const UPDATE = /* GraphQL */ `
  mutation UpdatePolicy($id: ID!, $input: RoutingPolicyInput!) {
    updateRoutingPolicy(id: $id, input: $input) { ${RESULT} }
  }
`;
const DELETE = /* GraphQL */ `
  mutation DeletePolicy($id: ID!) { deleteRoutingPolicy(id: $id) { __typename ... on Error { message } } }
`;
const SET_DEFAULT = /* GraphQL */ `
  mutation DefaultPolicy($id: ID!) { setDefaultRoutingPolicy(id: $id) { ${RESULT} } }
`;

interface PoliciesData {
  routingPolicies: Policy[];
  providers: { id: string }[];
  models: { id: string }[];
}
type MutationResult = { __typename: string; message?: string; policy?: { id: string; name: string } };

export function policiesView(element: HTMLElement, client: Client, viewer: Viewer): () => void {
  const admin = viewer.apiKey.scopes.includes('ADMIN');
  const subs: { unsubscribe(): void }[] = [];
  const status = h(
    'p',
    { role: 'status', class: 'muted', id: 'policies-status', tabindex: -1 },
    'Loading policies…',
  );
  const list = h('div', { id: 'policies-list' });
  const editorSlot = h('div', { class: 'policy-editor' });
  replace(
    element,
    h('h2', { id: 'policies-h' }, 'Routing policies'),
    h(
      'p',
      { class: 'note' },
      'The default policy routes every request of the organisation (a key may carry its own, a request may narrow it). Without one, requests use the built-in auto policy: the smallest capable model, lowest footprint first.',
    ),
    status,
    list,
    editorSlot,
  );

  let preview: PreviewPanel | undefined;
  const mutate = (doc: string, vars: Record<string, unknown>, done: (r: MutationResult) => void) =>
    subs.push(
      client.mutation<Record<string, MutationResult>>(doc, vars).subscribe((m) => {
        const res = m.data && Object.values(m.data)[0];
        if (res && !res.message) return done(res);
        editor.say(res?.message ?? m.error?.message ?? 'That did not work.', true);
      }),
    );
  const save = (input: PolicyInput) => {
    const was = editor.editing;
    const onSaved = (r: MutationResult) => {
      editor.say(was ? `Saved “${r.policy!.name}”.` : `Created “${r.policy!.name}”.`);
      editor.saved(r.policy!);
      load();
    };
    if (was) mutate(UPDATE, { id: was.id, input }, onSaved);
    else mutate(CREATE, { input, makeDefault: editor.makeDefault() }, onSaved);
  };
  const editor = policyEditor({ admin, onChange: (input) => preview?.update(input), onSubmit: save });

  const drawList = (policies: Policy[]) => {
    status.className = 'muted';
    status.textContent = policies.length
      ? `${policies.length} polic${policies.length === 1 ? 'y' : 'ies'}${policies.some((p) => p.isDefault) ? '' : ', none is the default: requests use the built-in auto policy'}.`
      : 'No policies yet: requests use the built-in auto policy.';
    const button = (label: string, onClick: () => void) => {
      const b = h('button', { type: 'button', class: 'secondary' }, label);
      b.addEventListener('click', onClick);
      return b;
    };
    const row = (p: Policy) =>
      h(
        'tr',
        { 'data-policy': p.id },
        h('td', {}, p.name, p.isDefault ? h('span', { class: 'tag' }, 'default') : null),
        h('td', { 'data-label': 'Summary' }, p.summary),
        h(
          'td',
          { 'data-label': 'Actions', class: 'actions' },
          h(
            'span',
            {},
            button(admin ? 'Edit' : 'Open', () => editor.fill(p, true)),
            admin && !p.isDefault
              ? button('Make default', () =>
                  mutate(SET_DEFAULT, { id: p.id }, () => {
                    editor.say(`“${p.name}” is now the default.`);
                    load();
                  }),
                )
              : null,
            admin
              ? button('Delete', () => {
                  if (!confirm(`Delete the policy “${p.name}”? Keys that use it fall back to the default.`))
                    return;
                  mutate(DELETE, { id: p.id }, () => {
                    if (editor.editing?.id === p.id) editor.fill(null);
                    editor.say(`Deleted “${p.name}”.`);
                    load();
                  });
                })
              : null,
          ),
        ),
      );
    // Keyboard users keep their place: a button that focus was on is focused again in the new list
    // (same policy, same label), or, when it is gone (deleted, no longer "Make default"), the status.
    const active = document.activeElement;
    const had = active && list.contains(active) ? active : null;
    const hadPolicy = had?.closest('tr')?.getAttribute('data-policy');
    replace(
      list,
      policies.length
        ? h(
            'div',
            { class: 'table-wrap' },
            h(
              'table',
              { class: 'cards', id: 'policies' },
              h(
                'thead',
                {},
                h('tr', {}, ...['Name', 'Summary', 'Actions'].map((t) => h('th', { scope: 'col' }, t))),
              ),
              h('tbody', {}, ...policies.map(row)),
            ),
          )
        : null,
    );
    if (had) {
      const again = [
        ...list.querySelectorAll<HTMLButtonElement>(`tr[data-policy="${hadPolicy}"] button`),
      ].find((b) => b.textContent === had.textContent);
      (again ?? status).focus();
    }
  };

  // One subscription at a time: urql replays an active query's last (stale) result to a new subscriber,
  // which would briefly put back the list from before a save.
  let listSub: { unsubscribe(): void } | undefined;
  const load = () => {
    listSub?.unsubscribe();
    listSub = client
      .query<PoliciesData>(POLICIES_QUERY, {}, { requestPolicy: 'network-only' })
      .subscribe((r) => {
        if (!r.data) {
          status.className = 'error';
          status.textContent = r.error?.graphQLErrors[0]?.message ?? r.error?.message ?? 'Could not load.';
          return;
        }
        drawList(r.data.routingPolicies);
        if (!preview) {
          // First answer: the editor and its preview (the model list comes with it).
          editor.setProviders(r.data.providers.map((p) => p.id));
          preview = routePreviewPanel(
            client,
            r.data.models.map((m) => m.id),
          );
          replace(editorSlot, editor.form, preview.element);
          editor.fill(null);
        }
      });
  };

  load();
  return () => {
    preview?.stop();
    listSub?.unsubscribe();
    for (const s of subs) s.unsubscribe();
  };
}
