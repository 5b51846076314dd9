/**
 * Signed-in pages: asks for an API key (kept in this tab's sessionStorage only, sent as a Bearer
 * header), checks it with `viewer`, then shows who is signed in, a sign-out button and the inner view.
 */
import type { Client } from '@urql/core';
import { type View, storeKey, storedKey } from '../client';
import { h, replace } from '../dom';

export const VIEWER_QUERY = /* GraphQL */ `
  query Viewer { viewer { organization { name } apiKey { id scopes instanceAdmin } } }
`;

export interface Viewer {
  organization: { name: string };
  apiKey: { id: string; scopes: string[]; instanceAdmin: boolean };
}

/** Wraps `inner` so it only runs with a valid key; the viewer is passed along. */
export function signedIn(inner: (el: HTMLElement, client: Client, viewer: Viewer) => () => void): View {
  return (element, client) => {
    let stopInner: (() => void) | undefined;
    let pending: { unsubscribe(): void } | undefined;

    const signInForm = (message?: string) => {
      stopInner?.();
      stopInner = undefined;
      const key = h('input', {
        id: 'api-key',
        name: 'key',
        type: 'password',
        autocomplete: 'off',
        spellcheck: 'false',
        required: true,
        pattern: 'lr_[0-9A-Za-z]{43,}',
        size: 36,
      });
      const form = h(
        'form',
        { 'aria-labelledby': 'signin-h' },
        h('h2', { id: 'signin-h' }, 'Sign in with an API key'),
        h(
          'p',
          { class: 'muted' },
          'The key stays in this tab only (sessionStorage) and is sent as an Authorization header; closing the tab signs you out.',
        ),
        h(
          'div',
          { class: 'fields' },
          h('label', {}, 'API key', key),
          h('button', { type: 'submit' }, 'Sign in'),
        ),
        message ? h('p', { class: 'error', role: 'alert' }, message) : null,
      );
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        storeKey(key.value.trim());
        check();
      });
      replace(element, form);
    };

    const check = () => {
      pending?.unsubscribe();
      pending = client
        .query<{ viewer: Viewer | null }>(VIEWER_QUERY, {}, { requestPolicy: 'network-only' })
        .subscribe((r) => {
          const viewer = r.data?.viewer;
          if (!viewer) {
            storeKey(null);
            return signInForm(
              r.error?.response?.status === 401 || r.data
                ? 'That key is not valid (or was revoked).'
                : `Could not check the key: ${r.error?.message ?? 'no answer'}`,
            );
          }
          const out = h('button', { type: 'button', class: 'secondary' }, 'Sign out');
          out.addEventListener('click', () => {
            storeKey(null);
            signInForm();
          });
          const body = h('div');
          replace(
            element,
            h(
              'p',
              { class: 'panel', id: 'signed-in' },
              'Signed in to ',
              h('strong', {}, viewer.organization.name),
              ` with key ${viewer.apiKey.id} (${viewer.apiKey.scopes.join(', ').toLowerCase()}${viewer.apiKey.instanceAdmin ? ', instance admin' : ''}). `,
              out,
            ),
            body,
          );
          stopInner?.();
          stopInner = inner(body, client, viewer);
        });
    };

    if (storedKey()) check();
    else signInForm();
    return () => {
      pending?.unsubscribe();
      stopInner?.();
    };
  };
}
