import { asc, eq } from 'drizzle-orm';
import { audit } from '../../audit';
import { type OrganizationRow, organizations } from '../../db/schema';
import { newId } from '../../ids';
import { builder } from '../builder';
import { ForbiddenError, InvalidInputError, requireQueryScope, requireScope } from './errors';

export const OrganizationRef = builder.objectRef<OrganizationRow>('Organization').implement({
  description: 'A tenant: it owns API keys, routing policies, credit and usage.',
  fields: (t) => ({
    id: t.exposeID('id', {
      description: 'Organisation id (`org_…`); `org_default` is created at first start.',
    }),
    name: t.exposeString('name', { description: 'Display name.' }),
    createdAt: t.field({
      description: 'When it was created.',
      type: 'DateTime',
      resolve: (o) => o.createdAt,
    }),
  }),
});

const CreateOrganizationSuccess = builder
  .objectRef<{ organization: OrganizationRow }>('CreateOrganizationSuccess')
  .implement({
    description: 'The organisation just created.',
    fields: (t) => ({
      organization: t.field({
        description: 'The new organisation (it has no credit yet).',
        type: OrganizationRef,
        resolve: (r) => r.organization,
      }),
    }),
  });

builder.queryField('organizations', (t) =>
  t.field({
    type: [OrganizationRef],
    description: 'Every organisation (instance admin); your own otherwise.',
    resolve: (_r, _a, ctx) => {
      const p = requireQueryScope(ctx, 'read');
      const q = ctx.db.select().from(organizations);
      return (p.instanceAdmin ? q : q.where(eq(organizations.id, p.orgId))).orderBy(
        asc(organizations.createdAt),
      );
    },
  }),
);

builder.mutationField('createOrganization', (t) =>
  t.field({
    description: 'Creates an organisation (instance admin, audited).',
    type: CreateOrganizationSuccess,
    errors: {
      types: [ForbiddenError, InvalidInputError],
      directResult: true,
      union: {
        name: 'CreateOrganizationResult',
        description: 'The new organisation, or Forbidden / InvalidInput.',
      },
    },
    args: { name: t.arg.string({ description: '1 to 200 characters.', required: true }) },
    resolve: async (_r, { name }, ctx) => {
      const p = requireScope(ctx, 'admin');
      if (!p.instanceAdmin) throw new ForbiddenError('only the instance admin can create organisations');
      const trimmed = name.trim();
      if (!trimmed || trimmed.length > 200)
        throw new InvalidInputError('name', 'give a name of 1 to 200 characters');
      return ctx.db.transaction(async (tx) => {
        const [organization] = await tx
          .insert(organizations)
          .values({ id: newId('org'), name: trimmed })
          .returning();
        await audit(tx, {
          orgId: organization!.id,
          actorKeyId: p.keyId,
          action: 'organization.create',
          targetType: 'organization',
          targetId: organization!.id,
          details: { name: trimmed },
        });
        return { organization: organization! };
      });
    },
  }),
);
