/**
 * `analyticsSource`: where usage, requests, footprint reports and exports are read from (the replica
 * named by DATABASE_READ_URL, or the primary) and how many seconds they may be behind the primary.
 */
import { readableOrg } from '../../analytics/filter';
import { resolveOrGraphQLError } from '../../analytics/graphql-errors';
import { type ReadSource, readSource } from '../../analytics/read-source';
import { builder } from '../builder';

const AnalyticsSourceKindEnum = builder.enumType('AnalyticsSourceKind', {
  description: 'The database the analytics reads go to.',
  values: {
    PRIMARY: {
      value: 'primary' as const,
      description: 'The primary (no DATABASE_READ_URL, or PGlite): figures include every request recorded.',
    },
    REPLICA: {
      value: 'replica' as const,
      description: 'A PostgreSQL hot standby (DATABASE_READ_URL): figures lag by its replay delay.',
    },
  },
});

const AnalyticsSourceRef = builder.objectRef<ReadSource>('AnalyticsSource').implement({
  description:
    'Where usage, requests, footprintReport and the /export files are read from, and how stale they may be. Balances, keys and the audit log are always read from the primary.',
  fields: (t) => ({
    kind: t.field({
      type: AnalyticsSourceKindEnum,
      description: 'Primary or replica.',
      resolve: (s) => s.kind,
    }),
    lagSeconds: t.exposeFloat('lagSeconds', {
      description:
        'Seconds the figures may be behind the primary, measured now: on a replica, now() minus the commit time of the last transaction it replayed, while it holds WAL not yet replayed (0 once it has replayed all it received); 0 on the primary. Requests recorded within this many seconds may be missing.',
    }),
  }),
});

builder.queryField('analyticsSource', (t) =>
  t.field({
    type: AnalyticsSourceRef,
    description:
      'Where the analytics reads go and their current lag (read scope); the dashboard shows a note when it exceeds a second.',
    resolve: (_r, _a, ctx) =>
      resolveOrGraphQLError(() => {
        readableOrg(ctx.principal, null, 'read');
        return readSource(ctx.readDb);
      }),
  }),
);
