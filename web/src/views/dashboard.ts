/**
 * The dashboard. For now: who is signed in. Usage, cost and carbon charts (charts.ts) come with the
 * usage API in the second half of the issue.
 */
import { h, replace } from '../dom';
import { signedIn } from './account';

export const dashboardView = signedIn((element) => {
  replace(
    element,
    h('h2', {}, 'Usage, cost and carbon'),
    h(
      'p',
      { class: 'muted', id: 'coming-soon' },
      'Coming soon: daily requests, cost and gCO2e per model and region will be charted here once the usage API is available. Meanwhile every API response carries its own usage, cost and eco blocks.',
    ),
    h('p', {}, 'Manage API keys in ', h('a', { href: '/settings' }, 'Settings'), '.'),
  );
  return () => {};
});
