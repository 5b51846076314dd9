/** The HTML helpers the docs use, from the shared page layout (one import to follow it). */
import type { html } from '../methodology-page';

export { escapeHtml, html, raw, renderPage } from '../methodology-page';
export type Raw = ReturnType<typeof html>;
