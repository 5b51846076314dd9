/**
 * The docs site under /docs: server-rendered HTML, no JavaScript, the pages' one stylesheet. Each page
 * is a pure function of a `DocsContext` (running configuration, its defaults, figures read from the
 * database at render time), framed by layout.ts (sidebar, previous/next).
 */
import { loadConfig, type Config } from '../../config';
import type { Db } from '../../db/client';
import { loadMethodologyFacts } from '../methodology-page';
import type { DocsContext } from './context';
import { loadDocsFacts } from './facts';
import { scaleOutMeasured } from './measured';
import type { Raw } from './html';
import { renderDocsPage } from './layout';
import { DOCS, type DocsEntry, findDoc } from './nav';
import { apiPages } from './pages/api';
import { biPage, creditsPage, selfHostingPage } from './pages/guides';
import { methodologyPage } from './pages/methodology';
import { routingPage } from './pages/routing';
import { scaleOutPage } from './pages/scale-out';
import { indexPage, quickstartPage, whyPage } from './pages/start';
import { sustainabilityFirstPage } from './pages/sustainable';

const RENDERERS: Record<string, (ctx: DocsContext) => Raw> = {
  '/docs': indexPage,
  '/docs/why': whyPage,
  '/docs/guides/quickstart': quickstartPage,
  '/docs/sustainable-ai/sustainability-first': sustainabilityFirstPage,
  '/docs/sustainable-ai/methodology': methodologyPage,
  '/docs/guides/credits-and-billing': creditsPage,
  '/docs/guides/self-hosting': selfHostingPage,
  '/docs/guides/bi': biPage,
  '/docs/guides/scale-out': scaleOutPage,
  '/docs/models/routing': routingPage,
  '/docs/api/rest': apiPages.rest,
  '/docs/api/graphql': apiPages.graphql,
};

export { DOCS, findDoc } from './nav';

export interface DocsOptions {
  db: Db;
  config: Config;
}

/** Renders every docs page from the current configuration and database. */
export async function loadDocsContext(opts: DocsOptions): Promise<DocsContext> {
  const [facts, methodology] = await Promise.all([
    loadDocsFacts(opts.db, opts.config.highIntensityThreshold),
    loadMethodologyFacts(opts.db),
  ]);
  return { config: opts.config, defaults: loadConfig({}), facts, methodology, scaleOut: scaleOutMeasured };
}

/** The whole HTML document of one docs page. */
export function renderDoc(entry: DocsEntry, ctx: DocsContext, stylesheets: readonly string[]): string {
  const render = RENDERERS[entry.path];
  if (!render) throw new Error(`no renderer for ${entry.path}`);
  return renderDocsPage(entry, render(ctx), stylesheets);
}

/** Every page has a renderer (checked by a test). */
export const renderedPaths = () => DOCS.map((d) => d.path).filter((p) => RENDERERS[p]);

/** How long a rendered context is reused (ms): bounds the database work anonymous readers can cause. */
const CONTEXT_TTL_MS = 5_000;

/**
 * The docs for the site: `render(path)` is the page's HTML, or null when `path` is not a docs page.
 * The context (configuration and database figures) is read at most once per CONTEXT_TTL_MS.
 */
export function createDocs(opts: DocsOptions & { now?: () => number }) {
  const now = opts.now ?? Date.now;
  let cached: { at: number; ctx: Promise<DocsContext> } | undefined;
  const context = () => {
    if (!cached || now() - cached.at > CONTEXT_TTL_MS) {
      const ctx = loadDocsContext(opts);
      cached = { at: now(), ctx };
      ctx.catch(() => {
        if (cached?.ctx === ctx) cached = undefined;
      });
    }
    return cached.ctx;
  };
  return {
    async render(path: string, stylesheets: readonly string[]): Promise<string | null> {
      if (path !== '/docs' && !path.startsWith('/docs/')) return null;
      const entry = findDoc(path);
      return entry ? renderDoc(entry, await context(), stylesheets) : null;
    },
  };
}
