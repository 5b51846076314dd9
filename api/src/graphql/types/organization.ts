import { asc, eq } from 'drizzle-orm';
import { audit } from '../../audit';
import { type OrganizationRow, organizations } from '../../db/schema';
import { newId } from '../../ids';
import { builder } from '../builder';
import { ForbiddenError, InvalidInputError, requireQueryScope, requireScope } from './errors';

export const OrganizationRef = builder.objectRef<OrganizationRow>('Organization').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    createdAt: t.field({ type: 'DateTime', resolve: (o) => o.createdAt }),
  }),
});

const CreateOrganizationSuccess = builder
  .objectRef<{ organization: OrganizationRow }>('CreateOrganizationSuccess')
  .implement({
    fields: (t) => ({ organization: t.field({ type: OrganizationRef, resolve: (r) => r.organization }) }),
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
    type: CreateOrganizationSuccess,
    errors: {
      types: [ForbiddenError, InvalidInputError],
      directResult: true,
      union: { name: 'CreateOrganizationResult' },
    },
    args: { name: t.arg.string({ required: true }) },
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
