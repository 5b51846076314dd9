/**
 * `auditLog(first, after, orgId)`: the admin actions on an organisation (keys, policies, credit
 * grants), newest first, keyset on id (audit_log_org_idx is (org_id, id)). Admin scope.
 */
import { and, desc, lt } from 'drizzle-orm';
import { auditWhere } from '../../analytics/export-more';
import { decodeCursor, encodeCursor, pageSize, toPage } from '../../analytics/cursor';
import { badInput } from '../../analytics/errors';
import { resolveOrGraphQLError } from '../../analytics/graphql-errors';
import { type AuditLogRow, auditLog } from '../../db/schema';
import { builder } from '../builder';
import { PAGE_ARGS_DESCRIPTION, connectionOf } from './requests';

const AuditEntryRef = builder.objectRef<AuditLogRow>('AuditEntry').implement({
  description: 'One admin action: who (actorKeyId) did what (action) to which target.',
  fields: (t) => ({
    id: t.id({ description: 'Entry id; newer entries have larger ids.', resolve: (e) => String(e.id) }),
    organizationId: t.exposeID('orgId', { nullable: true, description: 'Null for instance-wide actions.' }),
    prevHash: t.exposeString('prevHash', {
      nullable: true,
      description: 'Hash of the entry before (hex SHA-256); null for entries older than the chain.',
    }),
    hash: t.exposeString('hash', {
      nullable: true,
      description: 'SHA-256 of prevHash and this entry (see `lowrouter audit verify`).',
    }),
    actorKeyId: t.exposeID('actorKeyId', { nullable: true, description: 'Null for the system itself.' }),
    action: t.exposeString('action', { description: 'e.g. apiKey.create, credits.grant.' }),
    targetType: t.exposeString('targetType', {
      description: 'What kind of thing was acted on (apiKey, routingPolicy, organization, credits, grid).',
    }),
    targetId: t.exposeString('targetId', {
      description: 'Id of the thing acted on; null when the action has no single target.',
      nullable: true,
    }),
    details: t.field({
      description: 'What changed, as JSON (never a secret).',
      type: 'JSON',
      resolve: (e) => e.details,
    }),
    createdAt: t.field({ description: 'When it happened.', type: 'DateTime', resolve: (e) => e.createdAt }),
  }),
});

const AuditConnectionRef = connectionOf('AuditEntry', AuditEntryRef);

builder.queryField('auditLog', (t) =>
  t.field({
    type: AuditConnectionRef,
    description: `Admin actions on your organisation, newest first (admin scope). ${PAGE_ARGS_DESCRIPTION}`,
    args: {
      first: t.arg.int({ description: 'Page size: default 50, at most 200.' }),
      after: t.arg.string({ description: 'The endCursor of the previous page.' }),
      orgId: t.arg.id({ description: 'Another organisation: instance admin only.' }),
      instanceWide: t.arg.boolean({
        defaultValue: false,
        description:
          'The instance-wide actions (grid imports, catalog imports, configuration) instead: instance admin only.',
      }),
      actor: t.arg.id({ description: 'Only actions by this key id.' }),
      action: t.arg.string({ description: 'Only this action (apiKey.create) or prefix (credits.*).' }),
      from: t.arg({ type: 'DateTime', description: 'Inclusive.' }),
      to: t.arg({ type: 'DateTime', description: 'Exclusive.' }),
    },
    resolve: (_r, { first, after, orgId, instanceWide, actor, action, from, to }, ctx) =>
      resolveOrGraphQLError(async () => {
        const where = auditWhere(ctx.principal, { orgId, instanceWide, actor, action, from, to });
        const n = pageSize(first);
        let afterId: number | null = null;
        if (after) {
          const [id] = decodeCursor('audit', after, 1);
          if (typeof id !== 'number')
            throw badInput('after', 'after is not a cursor of this audit connection');
          afterId = id;
        }
        const rows = await ctx.db
          .select()
          .from(auditLog)
          .where(and(where, afterId === null ? undefined : lt(auditLog.id, afterId)))
          .orderBy(desc(auditLog.id))
          .limit(n + 1);
        return toPage(rows, n, (e) => encodeCursor('audit', [e.id]));
      }),
  }),
);
