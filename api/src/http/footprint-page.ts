/**
 * `/reports/footprint`: a printable, server-rendered footprint report for one organisation and one
 * period (UTC month, quarter or year), with the citation line and the limits of the estimate.
 *
 * Authentication: GET shows a form; the report is the answer to its POST, whose body carries the API
 * key (read scope) with the period. The key never appears in a URL, so no access log, proxy or
 * browser history holds it, and the answer is `no-store`. Plain HTML, no script (the CSP allows none
 * inline): print it from the browser.
 */
import type { Principal } from '../auth/key-store';
import type { Db } from '../db/client';
import { AnalyticsError, httpStatusOf } from '../analytics/errors';
import { readableOrg } from '../analytics/filter';
import { type FootprintPeriod, type FootprintReport, queryFootprint } from '../analytics/footprint';
import { type Raw, html, renderPage } from './pages/layout';

export interface FootprintPageDeps {
  /** Where the report is read: the read handle (DbHandle.readDb), a replica when there is one. */
  db: Db;
  /** The principal of a key, or null when it is not a valid key. */
  authenticate: (key: string) => Promise<Principal | null>;
  stylesheets: () => Promise<string[]>;
  now?: () => Date;
}

const HEADERS = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'content-security-policy':
    "default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; frame-ancestors 'none'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
};

const PERIODS: readonly FootprintPeriod[] = ['month', 'quarter', 'year'];

/** [from, to) of the period that holds `start` (YYYY-MM-DD or YYYY-MM), UTC. */
export function periodRange(period: FootprintPeriod, start: string): { from: string; to: string } | null {
  const m = /^(\d{4})-(\d{2})(?:-(\d{2}))?$/.exec(start);
  if (!m) return null;
  const y = Number(m[1]);
  const mo = Number(m[2]) - 1;
  if (mo < 0 || mo > 11 || y < 2000 || y > 9998) return null;
  const first = period === 'year' ? 0 : period === 'quarter' ? mo - (mo % 3) : mo;
  const len = period === 'year' ? 12 : period === 'quarter' ? 3 : 1;
  const day = (yy: number, mm: number) => new Date(Date.UTC(yy, mm, 1)).toISOString().slice(0, 10);
  return { from: day(y, first), to: day(y, first + len) };
}

const fmt = (n: number) =>
  n === 0 ? '0' : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 1 ? n.toFixed(2) : n.toPrecision(3);
const kwhOrWh = (r: { min: number; max: number }) =>
  r.max >= 1000 ? `${fmt(r.min / 1000)}–${fmt(r.max / 1000)} kWh` : `${fmt(r.min)}–${fmt(r.max)} Wh`;
const grams = (r: { min: number; max: number }) =>
  r.max >= 1000 ? `${fmt(r.min / 1000)}–${fmt(r.max / 1000)} kgCO2e` : `${fmt(r.min)}–${fmt(r.max)} gCO2e`;
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

function form(message?: string, values: { period?: string; start?: string } = {}): Raw {
  const period = values.period ?? 'month';
  return html`<h1>Footprint report</h1>
<p>A printable report of one organisation's estimated electricity use and emissions for one calendar
period (UTC), with the versions and sources behind the figures. Paste an API key with the read scope:
it is sent in the form body, never in the address.</p>
${message ? html`<p class="notice" role="alert">${message}</p>` : ''}
<form method="post" action="/reports/footprint" class="report-form">
<label>API key <input type="password" name="key" autocomplete="off" required></label>
<label>Period <select name="period">${PERIODS.map((p) => html`<option value="${p}"${p === period ? html` selected` : ''}>${p}</option>`)}</select></label>
<label>Starting <input type="month" name="start" value="${values.start ?? ''}" required placeholder="2026-03"></label>
<button type="submit">Show report</button>
</form>
<p>The same figures as data: <code>footprintReport</code> over GraphQL, or <code>/export/footprint.csv</code>.</p>`;
}

function report(r: FootprintReport, orgName: string, generated: Date): Raw {
  const t = r.totals;
  const title = `${r.rows[0]?.period ?? periodLabel(r)} · ${orgName}`;
  return html`<article class="report">
<h1>Footprint report: ${title}</h1>
<p class="report-meta">${orgName} (${r.organizationId}) · ${r.from} to ${r.to} (UTC, end exclusive) · generated ${generated.toISOString().slice(0, 16).replace('T', ' ')} UTC</p>
<dl class="report-totals">
<div><dt>Requests</dt><dd>${t.requests.toLocaleString('en-US')}</dd></div>
<div><dt>Energy</dt><dd>${kwhOrWh(t.energyWh)}</dd></div>
<div><dt>Emissions (electricity)</dt><dd>${grams(t.gco2e)}</dd></div>
<div><dt>Tokens estimated, not reported</dt><dd>${pct(t.tokensEstimatedShare)} of requests</dd></div>
</dl>
<h2>By model and region</h2>
${
  r.rows.length
    ? html`<div class="table-wrap"><table class="cards report-table">
<thead><tr><th scope="col">Model</th><th scope="col">Provider</th><th scope="col">Region</th><th scope="col">Country</th><th scope="col" class="num">Requests</th><th scope="col" class="num">Energy</th><th scope="col" class="num">gCO2e</th><th scope="col" class="num">Tokens estimated</th><th scope="col">Grid factor</th></tr></thead>
<tbody>
${r.rows.map(
  (x) =>
    html`<tr><td data-label="Model">${x.model ?? '—'}</td><td data-label="Provider">${x.provider ?? '—'}</td><td data-label="Region">${x.region ?? '—'}</td><td data-label="Country">${x.country ?? '—'}</td><td data-label="Requests" class="num">${x.requests}</td><td data-label="Energy" class="num">${kwhOrWh(x.energyWh)}</td><td data-label="gCO2e" class="num">${grams(x.gco2e)}</td><td data-label="Tokens estimated" class="num">${pct(x.tokensEstimatedShare)}</td><td data-label="Grid factor">${x.gridSources.join('; ') || '—'}</td></tr>\n`,
)}</tbody></table></div>`
    : html`<p>No requests in this period.</p>`
}
<h2>Provenance</h2>
<ul>
<li>Methodology: ${t.methodologyVersions.join(', ') || '—'}</li>
<li>Grid factors: ${t.gridSources.join('; ') || '—'}</li>
<li>Catalog versions: ${t.catalogVersions.join(', ') || '—'}</li>
</ul>
<h2>How to cite</h2>
<p class="citation">${r.citation}</p>
<h2>Limits of the estimate</h2>
<ul class="limits">${r.limits.map((l) => html`<li>${l}</li>`)}</ul>
<p class="no-print"><a href="/reports/footprint">Another report</a> · <a href="/methodology">Methodology</a></p>
</article>`;
}

const periodLabel = (r: FootprintReport) => `${r.period} from ${r.from}`;

async function readForm(request: Request): Promise<URLSearchParams | null> {
  const type = request.headers.get('content-type') ?? '';
  if (!type.startsWith('application/x-www-form-urlencoded')) return null;
  const text = await request.text();
  if (text.length > 4096) return null;
  return new URLSearchParams(text);
}

export async function handleFootprintPage(request: Request, deps: FootprintPageDeps): Promise<Response> {
  const stylesheets = await deps.stylesheets();
  const page = (status: number, main: Raw, title = 'Footprint report') =>
    new Response(request.method === 'HEAD' ? null : renderPage({ title, stylesheets, main }), {
      status,
      headers: HEADERS,
    });
  if (request.method === 'GET' || request.method === 'HEAD') return page(200, form());
  if (request.method !== 'POST')
    return new Response(null, { status: 405, headers: { allow: 'GET, HEAD, POST' } });
  const f = await readForm(request);
  if (!f) return page(415, form('Send the form (application/x-www-form-urlencoded, at most 4 KB).'));
  const period = f.get('period') ?? 'month';
  const start = f.get('start') ?? '';
  const values = { period, start };
  if (!PERIODS.includes(period as FootprintPeriod))
    return page(400, form('Period is month, quarter or year.', values));
  const range = periodRange(period as FootprintPeriod, start);
  if (!range) return page(400, form('Starting must be a month, YYYY-MM, between 2000 and 9998.', values));
  const key = f.get('key')?.trim() ?? '';
  const principal = key ? await deps.authenticate(key) : null;
  if (!principal)
    return page(401, form('That API key is not valid: paste a key with the read scope.', values));
  try {
    const orgId = readableOrg(principal, f.get('orgId'), 'read');
    const r = await queryFootprint(deps.db, {
      orgId,
      period: period as FootprintPeriod,
      ...range,
      groupBy: ['model', 'provider', 'region', 'country'],
      maxRows: 500,
      now: deps.now?.(),
    });
    return page(200, report(r, r.organizationName, deps.now?.() ?? new Date()), `Footprint ${range.from}`);
  } catch (e) {
    if (e instanceof AnalyticsError) return page(httpStatusOf[e.code], form(e.message, values));
    throw e;
  }
}
