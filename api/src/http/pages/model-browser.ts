/**
 * The model browser, rendered on the server: `/` (one row per model, its endpoints behind a <details>,
 * a chart of footprint against price, a calculator) and `/models/<id>` (one model: endpoints, prices,
 * footprint per region, parameters with their source). Complete HTML that works with JavaScript off;
 * web/src/entries/browser.ts only enhances it (live filter and sort without a reload).
 *
 * "Usable here" is what routing uses: the endpoint is active (only active endpoints are in the routing
 * tables) and its provider has credentials configured on this instance (`hasCredentials`). Unusable
 * endpoints, and models with none usable, sort last whatever the chosen order, so a self-hosted
 * "Operator site" endpoint nobody configured never comes first for its price of $0.
 *
 * `browserModels` is a pure function of the routing tables; the renderers are pure functions of it.
 */
import {
  REFERENCE_OUTPUT_TOKENS,
  ecoPer1kOutputTokens,
  estimateInference,
  microToUsd,
} from '@lowrouter/shared';
import { ecoModel, rowPue } from '../../eco/rows';
import type { RoutingTables } from '../../routing/routing-tables';
import { type MinMax, costRange, int, mid, params, range, sig, usd } from '../../../../web/src/format';
import { type Raw, cards, html, raw, renderPage } from './layout';
import { barsSvg, scatterSvg } from './svg-charts';

export const TIERS = ['small', 'medium', 'large', 'frontier'] as const;

/** The label every footprint figure carries (N from the code, never copied). */
export const FOOTPRINT_LABEL = `gCO2e per 1,000 output tokens, reference request of ${REFERENCE_OUTPUT_TOKENS} tokens`;
export const ENERGY_LABEL = `Wh per 1,000 output tokens, reference request of ${REFERENCE_OUTPUT_TOKENS} tokens`;

export interface BrowserEndpoint {
  id: string;
  providerId: string;
  provider: string;
  regionId: string;
  region: string;
  country: string;
  selfHosted: boolean;
  gridGco2ePerKwh: number;
  gridSource: string;
  gridYear: number;
  pue: MinMax;
  /** USD per 1M tokens. */
  inputUsd: number;
  outputUsd: number;
  priceSource: string;
  priceDate: string;
  /** Per 1,000 output tokens at the reference request. */
  wh: MinMax;
  gco2e: MinMax;
  /** Active with credentials configured: routing can use it here. */
  usable: boolean;
  /** Why not, when not usable. */
  unusableReason?: string;
}

export interface BrowserModel {
  id: string;
  name: string;
  vendor: string;
  tier: string;
  openWeights: boolean;
  architecture: string;
  contextWindow: number;
  maxOutputTokens: number;
  toolCalling: boolean;
  vision: boolean;
  activeParamsB: MinMax;
  totalParamsB: MinMax;
  paramsConfidence: string;
  paramsSource: string;
  confidence: string;
  /** Usable first, then lowest footprint, then cheapest. */
  endpoints: BrowserEndpoint[];
  usableCount: number;
  /** Over the usable endpoints when there are any, else over all but unconfigured self-hosted ones. */
  outputUsd: MinMax;
  inputUsd: MinMax;
  gco2e: MinMax;
  wh: MinMax;
}

const spanOf = (xs: number[]): MinMax => ({ min: Math.min(...xs), max: Math.max(...xs) });
const byName = (a: { name: string; id: string }, b: { name: string; id: string }) =>
  a.name.localeCompare(b.name) || a.id.localeCompare(b.id);

/** A self-hosted endpoint nobody configured: an "Operator site" placeholder at $0, listed last. */
const placeholder = (e: BrowserEndpoint) => e.selfHosted && !e.usable;

const endpointOrder = (a: BrowserEndpoint, b: BrowserEndpoint) =>
  Number(b.usable) - Number(a.usable) ||
  Number(placeholder(a)) - Number(placeholder(b)) ||
  mid(a.gco2e) - mid(b.gco2e) ||
  a.outputUsd - b.outputUsd ||
  a.id.localeCompare(b.id);

/** The catalog as the browser shows it, from the routing tables (what the gateway routes with). */
export function browserModels(tables: RoutingTables): BrowserModel[] {
  const byModel = new Map<string, BrowserEndpoint[]>();
  for (const info of tables.byEndpoint.values()) {
    const { endpoint: e, model, provider, region, candidate } = info;
    const eco = ecoPer1kOutputTokens({
      model: ecoModel(model),
      pue: rowPue(provider, region),
      gridGco2ePerKwh: region.gridGco2ePerKwh,
    });
    const ep: BrowserEndpoint = {
      id: e.id,
      providerId: provider.id,
      provider: provider.name,
      regionId: region.id,
      region: region.name,
      country: region.country,
      selfHosted: provider.selfHosted,
      gridGco2ePerKwh: region.gridGco2ePerKwh,
      gridSource: region.gridSource,
      gridYear: region.gridYear,
      pue: rowPue(provider, region),
      inputUsd: microToUsd(e.inputMicroPerMTok),
      outputUsd: microToUsd(e.outputMicroPerMTok),
      priceSource: e.priceSource,
      priceDate: e.priceDate,
      wh: { min: eco.energyWh.min, max: eco.energyWh.max },
      gco2e: { min: eco.gco2e.min, max: eco.gco2e.max },
      usable: e.active && candidate.hasCredentials,
      ...(candidate.hasCredentials
        ? {}
        : {
            unusableReason: provider.selfHosted
              ? `self-hosted: set LOWROUTER_${provider.id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_BASE_URL to use it`
              : `no credentials configured for ${provider.name}`,
          }),
    };
    const list = byModel.get(model.id) ?? [];
    list.push(ep);
    byModel.set(model.id, list);
  }
  const out: BrowserModel[] = [];
  for (const [id, eps] of byModel) {
    const m = tables.models.get(id)!;
    eps.sort(endpointOrder);
    const usable = eps.filter((e) => e.usable);
    const real = eps.filter((e) => !placeholder(e));
    const basis = usable.length ? usable : real.length ? real : eps;
    out.push({
      id: m.id,
      name: m.name,
      vendor: m.vendor,
      tier: m.tier,
      openWeights: m.openWeights,
      architecture: m.architecture,
      contextWindow: m.contextWindow,
      maxOutputTokens: m.maxOutputTokens,
      toolCalling: m.toolCalling,
      vision: m.vision,
      activeParamsB: { min: m.activeParamsMinB, max: m.activeParamsMaxB },
      totalParamsB: { min: m.totalParamsMinB, max: m.totalParamsMaxB },
      paramsConfidence: m.paramsConfidence,
      paramsSource: m.paramsSource,
      confidence: m.paramsConfidence === 'disclosed' ? 'disclosed sizes' : 'estimated sizes',
      endpoints: eps,
      usableCount: usable.length,
      outputUsd: spanOf(basis.map((e) => e.outputUsd)),
      inputUsd: spanOf(basis.map((e) => e.inputUsd)),
      gco2e: spanOf(basis.map((e) => mid(e.gco2e))),
      wh: spanOf(basis.map((e) => mid(e.wh))),
    });
  }
  return out.sort(byName);
}

// ------------------------------------------------------------------ the view: filter and sort

export const SORTS = {
  price: 'Output price, lowest first',
  carbon: 'gCO2e, lowest first',
  energy: 'Wh, lowest first',
  name: 'Model name',
} as const;
export type SortKey = keyof typeof SORTS;

export interface BrowserView {
  q: string;
  provider: string;
  tier: string;
  usableOnly: boolean;
  openWeights: boolean;
  sort: SortKey;
}

const one = (p: URLSearchParams, k: string, max = 100) => (p.get(k) ?? '').slice(0, max);

/** The view from the query string; anything unknown falls back to the default. */
export function viewFromQuery(search: URLSearchParams): BrowserView {
  const sort = one(search, 'sort');
  const tier = one(search, 'tier');
  return {
    q: one(search, 'q').trim(),
    provider: one(search, 'provider'),
    tier: (TIERS as readonly string[]).includes(tier) ? tier : '',
    usableOnly: search.get('usable') === '1',
    openWeights: search.get('open') === '1',
    sort: sort in SORTS ? (sort as SortKey) : 'price',
  };
}

const ORDER: Record<SortKey, (a: BrowserModel, b: BrowserModel) => number> = {
  price: (a, b) => a.outputUsd.min - b.outputUsd.min || a.inputUsd.min - b.inputUsd.min,
  carbon: (a, b) => a.gco2e.min - b.gco2e.min,
  energy: (a, b) => a.wh.min - b.wh.min,
  name: () => 0,
};

/** The models the view shows, in its order: models usable here first, always. */
export function applyView(models: readonly BrowserModel[], v: BrowserView): BrowserModel[] {
  const q = v.q.toLowerCase();
  return models
    .filter(
      (m) =>
        (!q || m.name.toLowerCase().includes(q) || m.id.toLowerCase().includes(q)) &&
        (!v.provider || m.endpoints.some((e) => e.providerId === v.provider)) &&
        (!v.tier || m.tier === v.tier) &&
        (!v.usableOnly || m.usableCount > 0) &&
        (!v.openWeights || m.openWeights),
    )
    .sort(
      (a, b) => Number(b.usableCount > 0) - Number(a.usableCount > 0) || ORDER[v.sort](a, b) || byName(a, b),
    );
}

// ------------------------------------------------------------------ rendering

/** `/models/openai/gpt-4o-mini`: each segment of the id encoded, the slashes kept. */
export const modelHref = (id: string) => `/models/${id.split('/').map(encodeURIComponent).join('/')}`;

const est = html`<a class="est" href="/methodology#limits" title="estimate: inference only, no embodied carbon, annual grid averages">estimate</a>`;

const usableMark = (e: BrowserEndpoint) =>
  e.usable
    ? html`<span class="usable yes">Usable here</span>`
    : html`<span class="usable no" title="${e.unusableReason ?? ''}">Not usable here</span>`;

const ENDPOINT_COLUMNS = [
  ['Provider'],
  ['Region'],
  ['Country'],
  ['Input $/1M', 'num'],
  ['Output $/1M', 'num'],
  ['gCO2e / 1k out', 'num'],
  ['Wh / 1k out', 'num'],
  ['On this instance'],
] as const;

function endpointTable(m: BrowserModel, caption: Raw | string): Raw {
  return cards(
    ENDPOINT_COLUMNS,
    m.endpoints.map((e) => [
      e.provider,
      e.region,
      e.country,
      usd(e.inputUsd),
      usd(e.outputUsd),
      html`<span data-min="${e.gco2e.min}" data-max="${e.gco2e.max}">${range(e.gco2e)}</span>`,
      html`<span data-min="${e.wh.min}" data-max="${e.wh.max}">${range(e.wh)}</span>`,
      html`${usableMark(e)}${e.unusableReason ? html`<small>${e.unusableReason}</small>` : ''}`,
    ]),
    {
      className: 'endpoints',
      caption,
      rowAttributes: (i) => ({
        'data-endpoint': m.endpoints[i]!.id,
        'data-provider': m.endpoints[i]!.providerId,
        'data-usable': m.endpoints[i]!.usable ? '1' : '0',
      }),
    },
  );
}

/** Median of a non-empty list. */
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const i = Math.floor(s.length / 2);
  return s.length % 2 ? s[i]! : (s[i - 1]! + s[i]!) / 2;
};

/** The chart: one dot per model at its median output price and median footprint over the endpoints
 *  this instance can use (all priced endpoints when none), the line spanning those endpoints. */
export function priceFootprintChart(models: readonly BrowserModel[]): Raw {
  const points = models.flatMap((m) => {
    const basis = m.usableCount ? m.endpoints.filter((e) => e.usable) : m.endpoints;
    const priced = basis.filter((e) => e.outputUsd > 0);
    if (!priced.length) return [];
    return [
      {
        label: m.name,
        href: modelHref(m.id),
        x: median(priced.map((e) => e.outputUsd)),
        y: median(priced.map((e) => mid(e.gco2e))),
        ySpan: spanOf(priced.map((e) => mid(e.gco2e))),
        className: `tier-${m.tier}`,
        hollow: m.usableCount === 0,
        detail: `${m.tier}; ${m.usableCount ? `${m.usableCount} of ${m.endpoints.length} endpoints usable here` : 'not usable on this instance'}`,
      },
    ];
  });
  const unpriced = models.length - points.length;
  return html`<figure class="chart-figure"><div class="chart-scroll">
${scatterSvg(points, {
  title: `Footprint against price, ${points.length} models`,
  description: `Each dot is a model: x is its median output price in USD per 1M tokens, y its median ${FOOTPRINT_LABEL}; the vertical line spans its endpoints (regions differ in grid intensity). Filled dots are usable on this instance. Both axes are logarithmic.`,
  xLabel: 'Output price, $ per 1M tokens (log)',
  yLabel: 'gCO2e / 1k output tokens (log)',
  formatX: (v) => usd(v),
  formatY: (v) => sig(v),
})}</div>
<figcaption><ul class="legend">
${TIERS.map((t) => html`<li class="legend-item"><svg viewBox="0 0 10 10" class="key" aria-hidden="true"><circle class="dot tier-${t}" cx="5" cy="5" r="4"/></svg>${t}</li>`)}
<li class="legend-item"><svg viewBox="0 0 10 10" class="key" aria-hidden="true"><circle class="dot hollow muted" cx="5" cy="5" r="4"/></svg>not usable here</li>
</ul>
<p>Lower left is cheaper and lighter. Each dot is a model at the median over its endpoints usable here (all endpoints when none is); the line spans those endpoints, whose regions differ in grid intensity. Y: ${FOOTPRINT_LABEL}, an ${est}: inference only, no embodied carbon, annual grid averages.${unpriced ? html` ${unpriced} model${unpriced === 1 ? '' : 's'} without a price (self-hosted) not drawn.` : ''}</p></figcaption>
</figure>`;
}

export interface CalculatorInput {
  endpointId: string;
  outputTokens: string;
}

export type CalculatorResult =
  | { ok: true; endpoint: string; outputTokens: number; energyWh: MinMax; gco2e: MinMax; costUsd: MinMax }
  | { ok: false; field: string; message: string };

/** The calculator's answer, with the same formula and inputs as the `ecoEstimate` query. */
export function calculate(tables: RoutingTables, input: CalculatorInput): CalculatorResult {
  const info = tables.byEndpoint.get(input.endpointId);
  if (!info) return { ok: false, field: 'endpoint', message: 'choose an endpoint from the list' };
  const t = input.outputTokens.trim();
  const tokens = /^\d{1,8}$/.test(t) ? Number(t) : Number.NaN;
  if (!Number.isInteger(tokens) || tokens > 10_000_000)
    return {
      ok: false,
      field: 'outputTokens',
      message: 'outputTokens must be a whole number from 0 to 10,000,000',
    };
  const mi = ecoModel(info.model);
  const r = estimateInference({
    activeParamsB: mi.activeParamsB,
    totalParamsB: mi.totalParamsB,
    outputTokens: tokens,
    tokensPerSecond: info.model.tps ?? undefined,
    ttftSeconds: info.model.ttftSeconds ?? undefined,
    pue: rowPue(info.provider, info.region),
    gridGco2ePerKwh: info.region.gridGco2ePerKwh,
  });
  const c = microToUsd((info.endpoint.outputMicroPerMTok * tokens) / 1_000_000);
  return {
    ok: true,
    endpoint: `${info.model.name} · ${info.provider.name} · ${info.region.name}`,
    outputTokens: tokens,
    energyWh: { min: r.energyWh.min, max: r.energyWh.max },
    gco2e: { min: r.gco2e.min, max: r.gco2e.max },
    costUsd: { min: c, max: c },
  };
}

const figure = (r: MinMax, text: string) =>
  html`<span data-min="${r.min}" data-max="${r.max}">${text}</span>`;

function calculatorSection(
  models: readonly BrowserModel[],
  input: CalculatorInput | null,
  result: CalculatorResult | null,
): Raw {
  const selected = input?.endpointId ?? '';
  return html`<section id="calculator" aria-labelledby="calc-h"><h2 id="calc-h">Calculator</h2>
<p class="muted">Energy, carbon and upstream cost of a number of output tokens on one endpoint.</p>
<div class="panel"><form method="get" action="/#calculator" aria-labelledby="calc-h"><div class="fields">
<label>Endpoint <select name="endpoint" id="calc-endpoint" required>
${[...models]
  .sort(byName)
  .map(
    (m) =>
      html`<optgroup label="${m.name}">${m.endpoints.map((e) => html`<option value="${e.id}"${raw(e.id === selected ? ' selected' : '')}>${m.name} · ${e.provider} · ${e.region}${e.usable ? '' : ' (not usable here)'}</option>`)}</optgroup>\n`,
  )}</select></label>
<label>Output tokens <input name="tokens" id="calc-tokens" type="number" min="0" max="10000000" step="1" value="${input?.outputTokens ?? '1000'}" required inputmode="numeric" size="9"></label>
<button type="submit">Estimate</button>
</div>
<output class="result" for="calc-endpoint calc-tokens">${
    !result
      ? ''
      : result.ok
        ? html`<p>${result.endpoint}, ${int(result.outputTokens)} output tokens:</p><dl>
<dt>Energy</dt><dd id="calc-wh">${figure(result.energyWh, `${range(result.energyWh)} Wh`)}</dd>
<dt>Carbon</dt><dd id="calc-gco2e">${figure(result.gco2e, `${range(result.gco2e)} gCO2e`)} ${est}</dd>
<dt>Cost</dt><dd id="calc-cost">${figure(result.costUsd, costRange(result.costUsd))}<span class="note"> upstream price of the output tokens</span></dd>
</dl>`
        : html`<span class="error" role="alert">${result.field}: ${result.message}</span>`
  }</output></form></div></section>`;
}

function filterForm(models: readonly BrowserModel[], v: BrowserView): Raw {
  const providers = [
    ...new Map(models.flatMap((m) => m.endpoints.map((e) => [e.providerId, e.provider] as const))),
  ].sort((a, b) => a[1].localeCompare(b[1]));
  const opt = (value: string, label: string, current: string) =>
    html`<option value="${value}"${raw(value === current ? ' selected' : '')}>${label}</option>`;
  return html`<form method="get" action="/" role="search" aria-label="Filter models" id="filters"><fieldset><legend>Filter and sort</legend><div class="fields">
<label>Model <input name="q" type="search" placeholder="name" size="12" value="${v.q}"></label>
<label>Provider <select name="provider">${opt('', 'Any provider', v.provider)}${providers.map(([id, name]) => opt(id, name, v.provider))}</select></label>
<label>Tier <select name="tier">${opt('', 'Any tier', v.tier)}${TIERS.map((t) => opt(t, t, v.tier))}</select></label>
<label class="check"><input name="usable" type="checkbox" value="1"${raw(v.usableOnly ? ' checked' : '')}>Usable here only</label>
<label class="check"><input name="open" type="checkbox" value="1"${raw(v.openWeights ? ' checked' : '')}>Open weights only</label>
<label>Sort by <select name="sort">${Object.entries(SORTS).map(([k, l]) => opt(k, l, v.sort))}</select></label>
<button type="submit" class="apply">Apply</button> <a class="button secondary" href="/">Reset</a>
</div></fieldset></form>`;
}

const MODEL_COLUMNS = [
  ['Model'],
  ['Output $/1M', 'num'],
  ['Input $/1M', 'num'],
  ['gCO2e / 1k out', 'num'],
  ['Wh / 1k out', 'num'],
  ['On this instance'],
] as const;

function modelBody(m: BrowserModel): Raw {
  const providers = [...new Set(m.endpoints.map((e) => e.providerId))].join(' ');
  const cell = (i: number, v: Raw | string) =>
    html`<td data-label="${MODEL_COLUMNS[i]![0]}"${raw(MODEL_COLUMNS[i]![1] ? ` class="${MODEL_COLUMNS[i]![1]}"` : '')}>${v}</td>`;
  return html`<tbody class="model${m.usableCount ? '' : ' unusable'}" data-model="${m.id}" data-name="${m.name}" data-tier="${m.tier}" data-providers="${providers}" data-usable="${m.usableCount}" data-open="${m.openWeights ? '1' : '0'}" data-price="${m.outputUsd.min}" data-input="${m.inputUsd.min}" data-carbon="${m.gco2e.min}" data-energy="${m.wh.min}">
<tr class="summary">${cell(0, html`<a href="${modelHref(m.id)}">${m.name}</a> <span class="tag">${m.tier}</span>${m.openWeights ? html`<span class="tag">open weights</span>` : ''}`)}${cell(1, usd(m.outputUsd.min) + (m.outputUsd.max > m.outputUsd.min ? `–${usd(m.outputUsd.max).slice(1)}` : ''))}${cell(2, usd(m.inputUsd.min) + (m.inputUsd.max > m.inputUsd.min ? `–${usd(m.inputUsd.max).slice(1)}` : ''))}${cell(3, html`<span data-min="${m.gco2e.min}" data-max="${m.gco2e.max}">${range(m.gco2e)}</span>`)}${cell(4, html`<span data-min="${m.wh.min}" data-max="${m.wh.max}">${range(m.wh)}</span>`)}${cell(
    5,
    m.usableCount
      ? html`<span class="usable yes">${m.usableCount} of ${m.endpoints.length} usable</span>`
      : html`<span class="usable no">Not usable here</span>`,
  )}</tr>
<tr class="eps"><td colspan="${MODEL_COLUMNS.length}"><details><summary>${m.endpoints.length} endpoint${m.endpoints.length === 1 ? '' : 's'}${m.usableCount ? html`, ${m.usableCount} usable here` : ', none usable here'}</summary>
${endpointTable(m, html`Endpoints of ${m.name}, usable here first. <a href="${modelHref(m.id)}">Everything about ${m.name}</a>.`)}
</details></td></tr>
</tbody>`;
}

export interface BrowserPageInput {
  models: readonly BrowserModel[];
  view: BrowserView;
  calculator: CalculatorInput | null;
  result: CalculatorResult | null;
  stylesheets: readonly string[];
  scripts: readonly string[];
}

/** `/`: the whole model browser as HTML. */
export function renderBrowserPage(p: BrowserPageInput): string {
  const shown = applyView(p.models, p.view);
  const endpoints = p.models.reduce((s, m) => s + m.endpoints.length, 0);
  const usableEndpoints = p.models.reduce((s, m) => s + m.usableCount, 0);
  const usableModels = p.models.filter((m) => m.usableCount > 0).length;
  const main = html`<h1>Models, prices and footprints</h1>
<p>Every model LowRouter can route to (${p.models.length} models, ${endpoints} endpoints): who serves it, where, what it costs per million tokens, and an estimate of the energy and carbon per 1,000 output tokens. <strong>${usableEndpoints} endpoint${usableEndpoints === 1 ? '' : 's'} of ${usableModels} model${usableModels === 1 ? '' : 's'} ${usableEndpoints === 1 ? 'is' : 'are'} usable on this instance</strong> (their provider has credentials configured); the rest are listed last. No key needed.</p>
<section id="chart" aria-labelledby="chart-h"><h2 id="chart-h">Footprint against price</h2>
${priceFootprintChart(p.models)}
</section>
<section id="browser" aria-labelledby="browser-h"><h2 id="browser-h">Models</h2>
${filterForm(p.models, p.view)}
<p role="status" class="muted" id="count">Showing ${shown.length} of ${p.models.length} models.</p>
<div class="table-wrap"><table class="cards models" id="models">
<caption>One row per model; open a row for its endpoints. Prices in USD per 1M tokens (the range over the endpoints usable here). Footprint: ${FOOTPRINT_LABEL}, an ${est}.</caption>
<thead><tr>${MODEL_COLUMNS.map(([l, c]) => html`<th scope="col"${raw(c ? ` class="${c}"` : '')}>${l}</th>`)}</tr></thead>
${shown.map(modelBody)}
</table></div>
${shown.length ? '' : html`<p>No model matches. <a href="/">Show all models</a>.</p>`}
</section>
${calculatorSection(p.models, p.calculator, p.result)}`;
  return renderPage({
    title: 'Models, prices and footprints',
    description:
      'Every model LowRouter routes to: provider, region, price per 1M tokens, and the energy and carbon per 1,000 output tokens.',
    stylesheets: p.stylesheets,
    scripts: p.scripts,
    current: '/',
    main,
  });
}

/** `/models/<id>`: one model, its endpoints, prices, footprint per region, parameters and sources. */
export function renderModelPage(m: BrowserModel, stylesheets: readonly string[]): string {
  const yesNo = (b: boolean) => (b ? 'yes' : 'no');
  const byRegion = [...m.endpoints].sort((a, b) => mid(a.gco2e) - mid(b.gco2e) || a.id.localeCompare(b.id));
  const main = html`<p class="crumbs"><a href="/">Models</a> › ${m.vendor}</p>
<h1>${m.name} <span class="tag">${m.tier}</span>${m.openWeights ? html`<span class="tag">open weights</span>` : ''}</h1>
<p>Model id <code>${m.id}</code>. ${m.endpoints.length} endpoint${m.endpoints.length === 1 ? '' : 's'}; ${
    m.usableCount
      ? html`<strong>${m.usableCount} usable on this instance</strong>`
      : html`<strong>none usable on this instance</strong> (no provider serving it has credentials configured)`
  }.</p>
<dl class="facts">
<dt>Context window</dt><dd>${int(m.contextWindow)} tokens</dd>
<dt>Output limit</dt><dd>${int(m.maxOutputTokens)} tokens</dd>
<dt>Tool calling</dt><dd>${yesNo(m.toolCalling)}</dd>
<dt>Vision</dt><dd>${yesNo(m.vision)}</dd>
<dt>Architecture</dt><dd>${m.architecture}</dd>
</dl>
<nav class="toc" aria-label="On this page"><ul><li><a href="#endpoints">Endpoints and prices</a></li><li><a href="#footprint">Footprint per region</a></li><li><a href="#parameters">Parameters</a></li></ul></nav>

<h2 id="endpoints">Endpoints and prices</h2>
${endpointTable(m, 'Usable here first. Prices in USD per 1M tokens; footprint per 1,000 output tokens.')}
<h3>Price sources</h3>
${cards(
  [['Provider'], ['Region'], ['Source', 'src'], ['Date', 'nowrap']],
  m.endpoints.map((e) => [e.provider, e.region, e.priceSource, e.priceDate]),
)}

<h2 id="footprint">Footprint per region</h2>
<p>${FOOTPRINT_LABEL}, per endpoint: the same model, so the spread is the grid of the serving region and the data centre's PUE. An ${est}: inference only, no embodied carbon, annual grid averages.</p>
<figure class="chart-figure"><div class="chart-scroll">${barsSvg(
    byRegion.map((e) => ({
      label: `${e.provider} · ${e.region}`,
      value: mid(e.gco2e),
      span: e.gco2e,
    })),
    {
      title: `${m.name}: gCO2e per 1,000 output tokens by endpoint`,
      description: `Bars: the central ${FOOTPRINT_LABEL}; the line over each bar spans the low and high estimate.`,
      unit: 'gCO2e',
    },
  )}</div><figcaption>Bar: central estimate; line: low to high. Limits: see the <a href="/methodology#limits">methodology</a>.</figcaption></figure>
${cards(
  [
    ['Provider'],
    ['Region'],
    ['Country'],
    ['Grid gCO2e/kWh', 'num'],
    ['Grid source', 'src'],
    ['PUE', 'nowrap'],
    ['Wh / 1k out', 'num'],
    ['gCO2e / 1k out', 'num'],
  ],
  byRegion.map((e) => [
    e.provider,
    e.region,
    e.country,
    sig(e.gridGco2ePerKwh, 3),
    `${e.gridSource} (${e.gridYear})`,
    e.pue.min === e.pue.max ? String(e.pue.min) : `${e.pue.min}–${e.pue.max}`,
    range(e.wh),
    range(e.gco2e),
  ]),
)}

<h2 id="parameters">Parameters</h2>
<p>The energy per token follows from the active parameters; the number of GPUs from the total.</p>
<dl class="facts">
<dt>Active parameters</dt><dd>${params(m.activeParamsB)} billion</dd>
<dt>Total parameters</dt><dd>${params(m.totalParamsB)} billion</dd>
<dt>Confidence</dt><dd>${m.paramsConfidence} (${m.confidence})</dd>
<dt>Source</dt><dd class="src">${m.paramsSource}</dd>
</dl>
<p>How these become Wh and gCO2e: the <a href="/methodology">methodology</a>. Compare with every other model in the <a href="/">model browser</a>.</p>`;
  return renderPage({
    title: `${m.name}: endpoints, prices and footprint`,
    description: `${m.name} on LowRouter: ${m.endpoints.length} endpoints, prices per 1M tokens, and gCO2e per 1,000 output tokens by region.`,
    stylesheets,
    current: '/',
    main,
  });
}
