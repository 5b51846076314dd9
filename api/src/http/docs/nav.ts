/**
 * The docs site's pages in reading order: the sidebar groups them by section, and previous/next
 * links follow this order. Adding a page = one entry here and its renderer in pages/.
 */
export interface DocsEntry {
  path: string;
  title: string;
  section: 'Start' | 'Sustainable AI' | 'Guides' | 'Models' | 'API';
  /** One sentence for the meta description and the index page. */
  summary: string;
}

export const DOCS: readonly DocsEntry[] = [
  {
    path: '/docs',
    title: 'What LowRouter is',
    section: 'Start',
    summary: 'One endpoint, one bill, and the footprint of every request.',
  },
  {
    path: '/docs/why',
    title: 'Why LowRouter',
    section: 'Start',
    summary: 'The gateway every team writes twice, with two opinions.',
  },
  {
    path: '/docs/guides/quickstart',
    title: 'Quickstart',
    section: 'Start',
    summary: 'A first request with the openai SDK, curl and streaming.',
  },
  {
    path: '/docs/sustainable-ai/sustainability-first',
    title: 'Sustainability first',
    section: 'Sustainable AI',
    summary: 'What is measured, where it is shown, and what is not measured.',
  },
  {
    path: '/docs/sustainable-ai/methodology',
    title: 'Methodology',
    section: 'Sustainable AI',
    summary: 'The formula, its constants, a worked example and the grid sources.',
  },
  {
    path: '/docs/guides/credits-and-billing',
    title: 'Credits and billing',
    section: 'Guides',
    summary: 'Prepaid credit, the ledger, holds, the fee, 402 and exports.',
  },
  {
    path: '/docs/guides/self-hosting',
    title: 'Self-hosting',
    section: 'Guides',
    summary: 'Configuration, PostgreSQL, backups, metrics and upgrades.',
  },
  {
    path: '/docs/guides/bi',
    title: 'BI tools',
    section: 'Guides',
    summary: 'Usage and footprint from GraphQL and CSV into BI tools.',
  },
  {
    path: '/docs/guides/scale-out',
    title: 'Scale out',
    section: 'Guides',
    summary: 'Many gateway nodes over one PostgreSQL: what they share, measured sizing, the path beyond.',
  },
  {
    path: '/docs/models/routing',
    title: 'Routing',
    section: 'Models',
    summary: 'Policies, residency, auto mode, fallbacks and the route override.',
  },
  {
    path: '/docs/api/rest',
    title: 'REST API',
    section: 'API',
    summary: 'The OpenAI-compatible /v1 endpoints, errors and limits.',
  },
  {
    path: '/docs/api/graphql',
    title: 'GraphQL reference',
    section: 'API',
    summary: 'Every type and field of the schema, generated from it.',
  },
];

/** The entry for a request path (trailing slash tolerated), or undefined. */
export function findDoc(path: string): DocsEntry | undefined {
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return DOCS.find((d) => d.path === p);
}
