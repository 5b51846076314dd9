/**
 * The shell every server-rendered page shares: one HTML document with the site header and nav, the one
 * stylesheet web/ builds (light and dark follow prefers-color-scheme in it), <main>, and the footer.
 * Plus the escaping template tag all server HTML is written with: `html\`…${value}…\`` escapes every
 * interpolated value unless it is wrapped in `raw()`, so text from the catalog or the database can never
 * become markup. No inline script or style anywhere (the pages are served with a strict CSP).
 *
 * Used by /methodology, the model browser (`/`, `/models/<id>`), /footprint and /docs. Keep the exported
 * names stable: add options, do not rename.
 */

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string | number): string {
  return String(text).replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`,
  );
}

/** Markup that is already safe: printed as is by `html`. Build it with `html` or (carefully) `raw`. */
export class Raw {
  constructor(readonly html: string) {}
  toString(): string {
    return this.html;
  }
}

/** Marks a string as safe markup. Only for strings built here, never for catalog or database text. */
export const raw = (html: string) => new Raw(html);

/** What `html` accepts: text and numbers (escaped), safe markup, and (nested) arrays of them (joined). */
export type Part = string | number | Raw | null | undefined | false | readonly Part[];

const part = (v: Part): string =>
  v instanceof Raw
    ? v.html
    : Array.isArray(v)
      ? v.map(part).join('')
      : v === null || v === undefined || v === false
        ? ''
        : escapeHtml(v as string | number);

/** Template tag: interpolated values are escaped unless wrapped in `raw()`; arrays are joined; null,
 *  undefined and false print nothing (so `${cond && html\`…\`}` works). */
export function html(strings: TemplateStringsArray, ...values: Part[]): Raw {
  return raw(strings.reduce((out, s, i) => out + s + (i < values.length ? part(values[i]!) : ''), ''));
}

/** The site icon as a data URL (no extra request). */
export const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%231f6f4a'/%3E%3C/svg%3E";

/** The site nav, [href, label], in order. A page marks its entry with `current`. */
export const SITE_NAV: readonly (readonly [href: string, label: string])[] = [
  ['/', 'Models'],
  ['/footprint', 'Footprint'],
  ['/docs', 'Docs'],
  ['/docs/sustainable-ai/methodology', 'Methodology'],
  ['/dashboard', 'Dashboard'],
  ['/settings', 'Settings'],
];

/** The footer line every page carries: the one reminder that figures are estimates. */
export const FOOTER = html`<p>Figures are estimates: inference only, no embodied carbon, annual grid averages. <a href="/docs/sustainable-ai/methodology">How they are computed</a>.</p>`;

/** Headers for every server-rendered HTML page (the CSP allows only same-origin script and style). */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
  "base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

export const HTML_HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-cache',
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
} as const;

export interface PageShell {
  /** The page title; " · LowRouter" is appended. */
  title: string;
  description?: string;
  /** Stylesheets built by web/ (hashed /assets/… paths); none when web/ is not built. */
  stylesheets: readonly string[];
  /** The nav entry to mark as the current page (an href of SITE_NAV, e.g. '/docs'). */
  current?: string;
  main: Raw;
  /** Module scripts that enhance the page (same-origin /assets/… paths). The page must work without. */
  scripts?: readonly string[];
  /** Modules to preload (chunks the scripts import), to save a round trip. */
  modulePreloads?: readonly string[];
  /** A class on <body>, e.g. 'docs' for a page with a sidebar. */
  bodyClass?: string;
  /** Extra markup at the end of <head> (e.g. `<link rel="canonical">`). */
  head?: Raw;
  /** Replaces the default footer content. */
  footer?: Raw;
}

/** A whole HTML document with the same header, nav and stylesheet as the pages web/ builds. */
export function renderPage(p: PageShell): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${p.title} · LowRouter</title>
${p.description ? html`<meta name="description" content="${p.description}">\n` : ''}<link rel="icon" href="${FAVICON}">
${p.stylesheets.map((href) => html`<link rel="stylesheet" href="${href}">\n`)}${(p.modulePreloads ?? []).map((href) => html`<link rel="modulepreload" href="${href}">\n`)}${(p.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>\n`)}${p.head ?? ''}</head>
<body${p.bodyClass ? html` class="${p.bodyClass}"` : ''}>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<a class="brand" href="/">LowRouter</a>
<nav aria-label="Site"><ul>
${SITE_NAV.map(([href, label]) => html`<li><a href="${href}"${raw(href === p.current ? ' aria-current="page"' : '')}>${label}</a></li>\n`)}</ul></nav>
</header>
<main id="main">
${p.main}
</main>
<footer class="site">${p.footer ?? FOOTER}</footer>
</body>
</html>
`.html;
}

/** One column of `cards`: its header label, and an optional class for its th and td ('num', 'nowrap'). */
export type CardColumn = readonly [label: string, className?: string];

/**
 * A table that turns into labelled cards on narrow screens (style.css `table.cards`): every td carries
 * its column's label in data-label. `caption`, when given, names the table for screen readers.
 */
export function cards(
  columns: readonly CardColumn[],
  rows: readonly (readonly Part[])[],
  opts: {
    caption?: Part;
    className?: string;
    id?: string;
    /** Attributes of each body row (e.g. data-* values a script sorts by), by row index. */
    rowAttributes?: (index: number) => Record<string, string | number | boolean>;
  } = {},
): Raw {
  const cls = (c?: string) => raw(c ? ` class="${escapeHtml(c)}"` : '');
  const attrs = (i: number) =>
    opts.rowAttributes
      ? Object.entries(opts.rowAttributes(i)).map(([k, v]) => html` ${k}="${String(v)}"`)
      : '';
  return html`<div class="table-wrap"><table class="cards${opts.className ? ` ${opts.className}` : ''}"${opts.id ? html` id="${opts.id}"` : ''}>
${opts.caption ? html`<caption>${opts.caption}</caption>\n` : ''}<thead><tr>${columns.map(([l, c]) => html`<th scope="col"${cls(c)}>${l}</th>`)}</tr></thead>
<tbody>
${rows.map((cells, r) => html`<tr${attrs(r)}>${cells.map((v, i) => html`<td data-label="${columns[i]![0]}"${cls(columns[i]![1])}>${v}</td>`)}</tr>\n`)}</tbody>
</table></div>`;
}
