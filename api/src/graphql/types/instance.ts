/**
 * `instance`: what every page may know about this gateway before signing in. Public (no key): whether it
 * serves demo data (`pnpm demo`, LOWROUTER_DEMO=1), so the pages can say so, and the version it runs.
 */
import rootPackage from '../../../../package.json' with { type: 'json' };
import { builder } from '../builder';

/** The workspace's package.json version; "dev" while it has none (a source checkout). */
export const VERSION = (rootPackage as { version?: string }).version ?? 'dev';

const InstanceRef = builder.objectRef<{ demo: boolean; version: string }>('Instance').implement({
  description: 'This gateway instance, as any caller may see it.',
  fields: (t) => ({
    demo: t.exposeBoolean('demo', {
      description: 'True when it serves demo data from fake upstreams (`pnpm demo`): not real usage.',
    }),
    version: t.exposeString('version', {
      description: 'LowRouter version this gateway runs (`dev` for a source checkout).',
    }),
  }),
});

builder.queryField('instance', (t) =>
  t.field({
    type: InstanceRef,
    description: 'This gateway instance (no key needed).',
    resolve: (_r, _a, ctx) => ({ demo: ctx.config.demo, version: VERSION }),
  }),
);
