import type { Principal } from '../../auth/key-store';
import { builder } from '../builder';
import { ApiKeyScopeEnum } from './api-key';

const ViewerOrganization = builder.objectRef<{ id: string; name: string }>('ViewerOrganization').implement({
  description: 'The organisation the calling key belongs to.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Organisation id (`org_…`).' }),
    name: t.exposeString('name', { description: 'Organisation name.' }),
  }),
});

const ViewerApiKey = builder.objectRef<Principal>('ViewerApiKey').implement({
  description: 'The calling key, as far as it may know itself.',
  fields: (t) => ({
    id: t.exposeID('keyId', { description: 'Key id (`key_…`), not the secret.' }),
    scopes: t.field({
      description: 'What the key may do.',
      type: [ApiKeyScopeEnum],
      resolve: (p) => p.scopes.map((s) => s.toUpperCase() as 'INFERENCE'),
    }),
    instanceAdmin: t.exposeBoolean('instanceAdmin', {
      description:
        'True for the instance admin key (grants credit, creates organisations, sees every organisation).',
    }),
  }),
});

const Viewer = builder.objectRef<Principal>('Viewer').implement({
  description: 'Who the API key in this request is.',
  fields: (t) => ({
    organization: t.field({
      description: 'The organisation the key belongs to.',
      type: ViewerOrganization,
      resolve: (p) => ({ id: p.orgId, name: p.orgName }),
    }),
    apiKey: t.field({ description: 'The key itself.', type: ViewerApiKey, resolve: (p) => p }),
  }),
});

builder.queryField('viewer', (t) =>
  t.field({
    type: Viewer,
    nullable: true,
    description: 'The caller, or null without an API key.',
    resolve: (_r, _a, ctx) => ctx.principal,
  }),
);
