/**
 * The docs pages' frame inside the shared page shell: a sidebar of every page by section (the
 * current one marked), the article, and previous/next links in reading order. Plain HTML and CSS:
 * on narrow screens the sidebar follows the article and a link at the top jumps to it.
 */
import { html, type Raw, raw, renderPage } from './html';
import { SITE_NAV } from '../pages/layout';
import { DOCS, type DocsEntry } from './nav';

export function docsSidebar(current: DocsEntry): Raw {
  const sections = [...new Set(DOCS.map((d) => d.section))];
  return html`<nav class="docs-nav" id="docs-nav" aria-label="Documentation">
${sections.map(
  (s) => html`<h2>${s}</h2>
<ul>
${DOCS.filter((d) => d.section === s).map(
  (d) =>
    html`<li><a href="${d.path}"${raw(d === current ? ' aria-current="page"' : '')}>${d.title}</a></li>\n`,
)}</ul>
`,
)}</nav>`;
}

export function prevNext(current: DocsEntry): Raw {
  const i = DOCS.indexOf(current);
  const prev = DOCS[i - 1];
  const next = DOCS[i + 1];
  return html`<nav class="prev-next" aria-label="Previous and next page">
${prev ? html`<a rel="prev" href="${prev.path}"><small>Previous</small> ${prev.title}</a>` : raw('<span></span>')}
${next ? html`<a rel="next" href="${next.path}"><small>Next</small> ${next.title}</a>` : raw('<span></span>')}
</nav>`;
}

/** A whole docs document: shell, sidebar, article, previous/next. */
export function renderDocsPage(entry: DocsEntry, article: Raw, stylesheets: readonly string[]): string {
  return renderPage({
    title: entry.title,
    description: entry.summary,
    stylesheets,
    current: SITE_NAV.some(([href]) => href === entry.path) ? entry.path : '/docs',
    main: html`<div class="docs">
<article class="docs-body">
<p class="docs-jump"><a href="#docs-nav">All documentation pages</a></p>
${article}
${prevNext(entry)}
</article>
${docsSidebar(entry)}
</div>`,
  });
}
