/**
 * The "demo data" banner: shown when the instance says it runs `pnpm demo` (`instance { demo }`, a
 * public field), so nobody takes synthetic traffic for real usage.
 */
import type { View } from '../client';
import { h, replace } from '../dom';

const INSTANCE_QUERY = /* GraphQL */ `
  query Instance { instance { demo } }
`;

export const instanceView: View = (element, client) => {
  const sub = client.query<{ instance: { demo: boolean } }>(INSTANCE_QUERY, {}).subscribe((r) => {
    if (!r.data?.instance.demo) return replace(element);
    replace(
      element,
      h(
        'p',
        { class: 'banner', id: 'demo-banner', role: 'note' },
        h('strong', {}, 'Demo data'),
        ' · this instance runs ',
        h('code', {}, 'pnpm demo'),
        ': a script sends the requests and fake upstreams answer them. Costs and footprints are computed as for real traffic, but no provider was called.',
      ),
    );
  });
  return () => sub.unsubscribe();
};
