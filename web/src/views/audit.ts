/**
 * The audit trail (admin scope): who did what, newest first, filtered by actor (key id), action (a
 * name such as apiKey.create or a prefix such as credits.*) and date (UTC days), 50 entries a page.
 * Each entry's hash is shown shortened; `lowrouter audit verify` checks the chain.
 */
import type { Client } from '@urql/core';
import { h, replace } from '../dom';

const AUDIT_QUERY = /* GraphQL */ `
  query Audit($first: Int, $after: String, $actor: ID, $action: String, $from: DateTime, $to: DateTime) {
    auditLog(first: $first, after: $after, actor: $actor, action: $action, from: $from, to: $to) {
      edges { node { id createdAt actorKeyId action targetType targetId details hash } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

interface Entry {
  id: string;
  createdAt: string;
  actorKeyId: string | null;
  action: string;
  targetType: string;
  targetId: string | null;
  details: unknown;
  hash: string | null;
}

interface AuditPage {
  auditLog: { edges: { node: Entry }[]; pageInfo: { hasNextPage: boolean; endCursor: string | null } };
}

/** `YYYY-MM-DD` → the next day's midnight UTC (to is exclusive, the form's day inclusive). */
const nextDay = (d: string) => new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString();

export function auditView(element: HTMLElement, client: Client): () => void {
  const status = h('p', { role: 'status', class: 'muted' }, 'Loading the audit trail…');
  const tbody = h('tbody');
  const more = h('button', { type: 'button', class: 'secondary', hidden: true }, 'Older entries');
  const actor = h('input', { name: 'actor', maxlength: 100, size: 16, placeholder: 'key_…' });
  const action = h('input', { name: 'action', maxlength: 100, size: 16, placeholder: 'credits.*' });
  const from = h('input', { name: 'from', type: 'date' });
  const to = h('input', { name: 'to', type: 'date' });
  const form = h(
    'form',
    { 'aria-label': 'Filter the audit trail', class: 'fields' },
    h('label', {}, 'Actor key', actor),
    h('label', {}, 'Action', action),
    h('label', {}, 'From (UTC)', from),
    h('label', {}, 'To (UTC, inclusive)', to),
    h('button', { type: 'submit' }, 'Filter'),
  );
  replace(
    element,
    h('h2', { id: 'audit-h' }, 'Audit trail'),
    h(
      'p',
      { class: 'muted' },
      'Every admin action, append-only and hash-chained. Export: /export/audit.csv or /export/audit.jsonl (same filters).',
    ),
    form,
    status,
    h(
      'div',
      { class: 'table-wrap' },
      h(
        'table',
        { class: 'cards', id: 'audit' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            ...['Time (UTC)', 'Actor', 'Action', 'Target', 'Details', 'Hash'].map((t) =>
              h('th', { scope: 'col' }, t),
            ),
          ),
        ),
        tbody,
      ),
    ),
    more,
  );

  let sub: { unsubscribe(): void } | undefined;
  let after: string | null = null;
  let shown = 0;
  const variables = () => ({
    first: 50,
    after,
    actor: actor.value.trim() || null,
    action: action.value.trim() || null,
    from: from.value ? `${from.value}T00:00:00Z` : null,
    to: to.value ? nextDay(to.value) : null,
  });
  const load = (append: boolean) => {
    sub?.unsubscribe();
    if (!append) {
      after = null;
      shown = 0;
      tbody.replaceChildren();
    }
    sub = client
      .query<AuditPage>(AUDIT_QUERY, variables(), { requestPolicy: 'network-only' })
      .subscribe((r) => {
        if (!r.data) {
          status.textContent =
            r.error?.graphQLErrors[0]?.message ?? r.error?.message ?? 'Could not load the audit trail.';
          return;
        }
        const { edges, pageInfo } = r.data.auditLog;
        for (const { node: e } of edges)
          tbody.append(
            h(
              'tr',
              {},
              h('td', { 'data-label': 'Time (UTC)' }, e.createdAt.slice(0, 19).replace('T', ' ')),
              h('td', { 'data-label': 'Actor' }, e.actorKeyId ?? 'system'),
              h('td', { 'data-label': 'Action' }, e.action),
              h('td', { 'data-label': 'Target' }, `${e.targetType}${e.targetId ? ` ${e.targetId}` : ''}`),
              h('td', { 'data-label': 'Details' }, h('code', {}, JSON.stringify(e.details))),
              h(
                'td',
                { 'data-label': 'Hash', title: e.hash ?? '' },
                e.hash ? `${e.hash.slice(0, 12)}…` : '—',
              ),
            ),
          );
        shown += edges.length;
        after = pageInfo.endCursor;
        more.hidden = !pageInfo.hasNextPage;
        status.textContent = shown
          ? `${shown} entr${shown === 1 ? 'y' : 'ies'}${pageInfo.hasNextPage ? ' (more below)' : ''}.`
          : 'No entries match.';
      });
  };
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    load(false);
  });
  more.addEventListener('click', () => load(true));
  load(false);
  return () => sub?.unsubscribe();
}
