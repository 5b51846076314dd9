/** The HTML helpers the docs use: the shared page layout (api/src/http/pages/layout.ts). */
export { cards, escapeHtml, html, type Part, type Raw, raw, renderPage } from '../pages/layout';
