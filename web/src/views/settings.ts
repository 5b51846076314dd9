/**
 * Settings: routing policies with their live preview, API keys, and (instance admin only) granting
 * credits, and (admin scope) the audit trail. Each part is its own view in its own <section>.
 */
import { h, replace } from '../dom';
import { signedIn } from './account';
import { auditView } from './audit';
import { grantCreditsView } from './grant-credits';
import { keysView } from './keys';
import { policiesView } from './policies';

export const settingsView = signedIn((element, client, viewer) => {
  const policies = h('section', { id: 'routing', 'aria-labelledby': 'policies-h' });
  const keys = h('section', { id: 'api-keys', 'aria-labelledby': 'keys-h' });
  const grant = viewer.apiKey.instanceAdmin
    ? h('section', { id: 'grant', 'aria-labelledby': 'grant-h' })
    : null;
  const auditTrail = viewer.apiKey.scopes.includes('ADMIN')
    ? h('section', { id: 'audit-trail', 'aria-labelledby': 'audit-h' })
    : null;
  replace(element, policies, keys, grant, auditTrail);
  const stops = [
    policiesView(policies, client, viewer),
    keysView(keys, client, viewer),
    ...(grant ? [grantCreditsView(grant, client)] : []),
    ...(auditTrail ? [auditView(auditTrail, client)] : []),
  ];
  return () => {
    for (const stop of stops) stop();
  };
});
