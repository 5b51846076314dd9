import type { Principal } from '../../auth/key-store';
import { builder } from '../builder';
import { ApiKeyScopeEnum } from './api-key';

const ViewerOrganization = builder.objectRef<{ id: string; name: string }>('ViewerOrganization').implement({
  fields: (t) => ({ id: t.exposeID('id'), name: t.exposeString('name') }),
});

const ViewerApiKey = builder.objectRef<Principal>('ViewerApiKey').implement({
  fields: (t) => ({
    id: t.exposeID('keyId'),
    scopes: t.field({
      type: [ApiKeyScopeEnum],
      resolve: (p) => p.scopes.map((s) => s.toUpperCase() as 'INFERENCE'),
    }),
    instanceAdmin: t.exposeBoolean('instanceAdmin'),
  }),
});

const Viewer = builder.objectRef<Principal>('Viewer').implement({
  description: 'Who the API key in this request is.',
  fields: (t) => ({
    organization: t.field({ type: ViewerOrganization, resolve: (p) => ({ id: p.orgId, name: p.orgName }) }),
    apiKey: t.field({ type: ViewerApiKey, resolve: (p) => p }),
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
