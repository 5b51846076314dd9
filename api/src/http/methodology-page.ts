/**
 * GET /methodology: how every eco figure is computed, as plain HTML rendered here with no JavaScript.
 * `renderMethodologyPage` is a pure function of the methodology (shared/src/eco/methodology.ts) and the
 * catalog figures it cites (provider PUEs, grid sources); `loadMethodologyFacts` reads those from the db.
 * `renderPage` is the shell (header, nav, stylesheet) the server-rendered pages share with web/.
 */
import { type Methodology, METHODOLOGY } from '@lowrouter/shared';
import { and, asc, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { providers, regions } from '../db/schema';

export interface ProviderPue {
  id: string;
  name: string;
  pueMin: number;
  pueMax: number;
  pueSource: string;
}

export interface RegionPue {
  id: string;
  name: string;
  providerId: string;
  pueMin: number;
  pueMax: number;
}

export interface GridSource {
  source: string;
  year: number;
  basis: string;
  /** How many catalog regions use it. */
  regions: number;
}

export interface MethodologyFacts {
  providerPue: ProviderPue[];
  /** Regions that publish their own PUE, which then replaces the provider's. */
  regionPue: RegionPue[];
  gridSources: GridSource[];
}

/** Provider PUEs and grid sources as the catalog holds them now (operator grid imports included). */
export async function loadMethodologyFacts(db: Db): Promise<MethodologyFacts> {
  const [providerPue, regionPue, gridSources] = await Promise.all([
    db
      .select({
        id: providers.id,
        name: providers.name,
        pueMin: providers.pueMin,
        pueMax: providers.pueMax,
        pueSource: providers.pueSource,
      })
      .from(providers)
      .orderBy(asc(providers.name)),
    db
      .select({
        id: regions.id,
        name: regions.name,
        providerId: regions.providerId,
        pueMin: regions.pueMin,
        pueMax: regions.pueMax,
      })
      .from(regions)
      .where(and(isNotNull(regions.pueMin), isNotNull(regions.pueMax)))
      .orderBy(asc(regions.id)),
    db
      .select({
        source: regions.gridSource,
        year: regions.gridYear,
        basis: regions.gridBasis,
        regions: sql<number>`count(*)::int`,
      })
      .from(regions)
      .groupBy(regions.gridSource, regions.gridYear, regions.gridBasis)
      .orderBy(sql`count(*) desc`, asc(regions.gridSource)),
  ]);
  return {
    providerPue,
    regionPue: regionPue.flatMap((r) =>
      r.pueMin !== null && r.pueMax !== null ? [{ ...r, pueMin: r.pueMin, pueMax: r.pueMax }] : [],
    ),
    gridSources,
  };
}

/** Escapes text for HTML element content and double-quoted attribute values. */
export function escapeHtml(text: string | number): string {
  return String(text).replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": '#39' }[c]};`,
  );
}

/** Template tag: interpolated values are escaped unless wrapped in `raw()`. Arrays are joined. */
export class Raw {
  constructor(readonly html: string) {}
}
export const raw = (html: string) => new Raw(html);
type Part = string | number | Raw | readonly Part[];
const part = (v: Part): string =>
  v instanceof Raw ? v.html : Array.isArray(v) ? v.map(part).join('') : escapeHtml(v as string | number);
export function html(strings: TemplateStringsArray, ...values: Part[]): Raw {
  return raw(strings.reduce((out, s, i) => out + s + (i < values.length ? part(values[i]!) : ''), ''));
}

const FAVICON =
  "data:image/svg+xml,%3Csvg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 16 16'%3E%3Ccircle cx='8' cy='8' r='7' fill='%231f6f4a'/%3E%3C/svg%3E";

const NAV = [
  ['/', 'Models'],
  ['/methodology', 'Methodology'],
  ['/dashboard', 'Dashboard'],
  ['/settings', 'Settings'],
] as const;

export interface PageShell {
  title: string;
  description?: string;
  /** Stylesheets built by web/ (hashed /assets/… paths); none when web/ is not built. */
  stylesheets: readonly string[];
  /** The nav entry to mark as the current page. */
  current?: string;
  main: Raw;
}

/** A whole HTML document with the same header, nav and stylesheet as the pages web/ builds. */
export function renderPage(p: PageShell): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${p.title} · LowRouter</title>
${p.description ? html`<meta name="description" content="${p.description}">\n` : ''}<link rel="icon" href="${FAVICON}">
${p.stylesheets.map((href) => html`<link rel="stylesheet" href="${href}">\n`)}</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header class="site">
<a class="brand" href="/">LowRouter</a>
<nav aria-label="Site"><ul>
${NAV.map(([href, label]) => html`<li><a href="${href}"${raw(href === p.current ? ' aria-current="page"' : '')}>${label}</a></li>\n`)}</ul></nav>
</header>
<main id="main">
${p.main}
</main>
<footer class="site"><p>Figures are estimates: inference only, no embodied carbon, annual grid averages. <a href="/methodology">How they are computed</a>.</p></footer>
</body>
</html>
`.html;
}

/** Two significant-enough digits for PUE: 1.09–1.14, or one figure when min = max. */
const pue = (min: number, max: number) => (min === max ? String(min) : `${min}–${max}`);

/** Constants as written in the source: full precision, exponent only for tiny values. */
const constant = (v: number) => (v !== 0 && Math.abs(v) < 1e-3 ? v.toExponential() : String(v));

/** A table that turns into labelled cards on narrow screens; `columns` are [label, class]. */
const cards = (columns: readonly (readonly [string, string?])[], rows: readonly (readonly Part[])[]) => {
  const cls = (c?: string) => raw(c ? ` class="${c}"` : '');
  return html`<div class="table-wrap"><table class="cards">
<thead><tr>${columns.map(([l, c]) => html`<th scope="col"${cls(c)}>${l}</th>`)}</tr></thead>
<tbody>
${rows.map((cells) => html`<tr>${cells.map((v, i) => html`<td data-label="${columns[i]![0]}"${cls(columns[i]![1])}>${v}</td>`)}</tr>\n`)}</tbody>
</table></div>`;
};

/** The methodology page's <main> and document. Pure: same input, same bytes. */
export function renderMethodologyPage(
  facts: MethodologyFacts,
  stylesheets: readonly string[],
  m: Methodology = METHODOLOGY,
): string {
  const src = m.source;
  const sourceUrl = `${src.repository}/blob/${src.commit}/${src.file}`;
  const providerName = new Map(facts.providerPue.map((p) => [p.id, p.name]));
  const main = html`<h1>${m.title}</h1>
<p>${m.summary}</p>
<p class="note">Methodology <code>${m.version}</code>: <a href="${sourceUrl}">${src.file}</a> at commit <code>${src.commit.slice(0, 12)}</code> (${src.commitDate}), ${src.license}.</p>
<nav class="toc" aria-label="On this page"><ul>
<li><a href="#formula">The formula, step by step</a></li>
<li><a href="#constants">Constants</a></li>
<li><a href="#ranges">Ranges</a></li>
<li><a href="#confidence">Confidence</a></li>
<li><a href="#pue">Data-centre PUE</a></li>
<li><a href="#grid">Grid intensity sources</a></li>
<li><a href="#limits">What is not measured, and why</a></li>
</ul></nav>
<p>${m.units}</p>

<h2 id="formula">The formula, step by step</h2>
<ol>
${m.steps.map(
  (s) => html`<li id="${s.id}"><h3>${s.title}</h3>
<pre class="eq">${s.equation}</pre>
<p>${s.text}</p></li>
`,
)}</ol>

<h2 id="constants">Constants</h2>
<p>Every constant, with its unit and where it comes from.</p>
${cards(
  [['Symbol'], ['Value', 'nowrap'], ['Unit'], ['Meaning'], ['Name and source', 'src']],
  m.constants.map((c) => [
    c.symbol,
    constant(c.value),
    c.unit,
    c.meaning,
    html`<code>${c.name}</code>, ${c.source}`,
  ]),
)}

<h2 id="ranges">Ranges</h2>
<ul>
${m.rangeSemantics.map((t) => html`<li>${t}</li>\n`)}</ul>
<p id="per-1k">${m.referenceRequest.text}</p>

<h2 id="confidence">Confidence</h2>
<p>Each figure carries a confidence level that says how much to trust the model sizes behind it.</p>
<dl>
${m.confidence.map((c) => html`<dt><code>${c.level}</code></dt><dd>${c.when} ${c.meaning}</dd>\n`)}</dl>

<h2 id="pue">Data-centre PUE</h2>
<p>Power usage effectiveness multiplies the server energy to account for cooling and power distribution. A region that publishes its own PUE uses it; every other region uses its provider’s.</p>
${cards(
  [['Provider'], ['PUE', 'nowrap'], ['Source', 'src']],
  facts.providerPue.map((p) => [p.name, pue(p.pueMin, p.pueMax), p.pueSource]),
)}
${
  facts.regionPue.length
    ? html`<h3>Regions with their own PUE</h3>
${cards(
  [['Region'], ['Provider'], ['PUE', 'nowrap']],
  facts.regionPue.map((r) => [
    r.name,
    providerName.get(r.providerId) ?? r.providerId,
    pue(r.pueMin, r.pueMax),
  ]),
)}`
    : ''
}

<h2 id="grid">Grid intensity sources</h2>
<p>Carbon is energy times the annual-average carbon intensity (gCO2e/kWh) of the grid of the serving region. These are the sources and years the catalog uses now; an operator can load licensed figures with <code>lowrouter grid import</code>.</p>
${cards(
  [['Source', 'src'], ['Year'], ['Basis'], ['Regions', 'num']],
  facts.gridSources.map((g) => [g.source, g.year, g.basis, g.regions]),
)}

<h2 id="limits">What is not measured, and why</h2>
<p>These figures are estimates from a model of the hardware, not meter readings from the providers, who do not publish per-request energy. Keep these limits in mind when comparing them:</p>
<ul>
${m.limits.map((l) => html`<li id="limit-${l.id}">${l.text}</li>\n`)}</ul>
<p>Per-endpoint figures are in the <a href="/">model browser</a>; every response of the API carries its own in its <code>eco</code> block.</p>`;
  return renderPage({
    title: 'Methodology',
    description:
      'How LowRouter estimates the energy and carbon of each request: formula, constants, sources and limits.',
    stylesheets,
    current: '/methodology',
    main,
  });
}
