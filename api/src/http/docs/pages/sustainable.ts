/** The "Sustainable AI" section: what is measured and how (the methodology, with a worked example). */
import { METHODOLOGY, PER_OUTPUT_TOKENS, REFERENCE_OUTPUT_TOKENS } from '@lowrouter/shared';
import { estimateRequest } from '../../../eco/estimate';
import { rowPue } from '../../../eco/rows';
import { RoutingPolicySpec } from '../../../routing/policy';
import { type DocsContext, code, n } from '../context';
import { html, type Raw } from '../html';

export function sustainabilityFirstPage(ctx: DocsContext): Raw {
  const f = ctx.facts;
  const t = ctx.config.highIntensityThreshold;
  return html`<h1>Sustainability first</h1>
<p class="lead">What LowRouter measures about each request, where it shows it, what it leaves out, and the rules it holds itself to.</p>
<h2 id="measured">What is measured</h2>
<ul>
<li><strong>Energy per output token</strong>, from the model’s <em>active</em> parameters (a fit on measured H100 GPUs), times the GPUs needed to hold the model’s total parameters, plus the host server’s share, times the data centre’s PUE. Reported in Wh, as a range when the parameter counts are a range.</li>
<li><strong>Grid intensity of the serving region</strong>, gCO2e/kWh: an annual average for the region’s grid (${n(f.regions)} regions in ${n(f.countries)} countries in this catalog), so that the same model served from two regions gets two different footprints.</li>
<li><strong>gCO2e</strong>: energy times grid intensity, per request, and <strong>per ${n(PER_OUTPUT_TOKENS)} output tokens</strong> per endpoint for comparison (a reference request of ${n(REFERENCE_OUTPUT_TOKENS)} output tokens, scaled).</li>
</ul>
<p>The formula, its constants and their sources are on the <a href="/docs/sustainable-ai/methodology">methodology</a> page, with a worked example computed by the same code that estimates requests.</p>
<h2 id="shown">Where it is shown</h2>
<ul>
<li>Every API response: the <code>eco</code> block (energy and gCO2e ranges, grid intensity and its source, PUE, confidence, methodology version), in the last chunk of a stream too.</li>
<li>The <a href="/dashboard">dashboard</a>: energy and gCO2e by day, model, provider and region; the same figures over <a href="/docs/guides/bi">GraphQL and CSV</a>.</li>
<li>The <a href="/">model browser</a>: every endpoint’s gCO2e per ${n(PER_OUTPUT_TOKENS)} output tokens beside its price.</li>
<li><code>GET /metrics</code>: energy and gCO2e counters by provider and region, for your own monitoring.</li>
</ul>
<h2 id="not-measured">What is not measured, and why</h2>
<ul>
${METHODOLOGY.limits.map((l) => html`<li>${l.text}</li>\n`)}</ul>
<p>Training is a cost already paid when a request arrives and is not shared out per token by any published method LowRouter could follow. Real-time grid mixes need a licensed live feed per region; annual averages are public and stable, so the same request gets the same figure when you look at it later. Embodied hardware carbon is computed and stored per request, but kept out of the headline because its allocation depends on assumptions (lifespan, utilisation) that dominate the result.</p>
<h2 id="constraints">The constraints that follow</h2>
<ul>
<li><strong>A transfer budget.</strong> Every page of this site and of the gateway is rendered on the server, without a client framework, and stays under 100 KB on first load. The docs use no JavaScript at all.</li>
<li><strong>Auto as the default.</strong> A policy’s kind is <code>${RoutingPolicySpec.parse({}).kind}</code> unless you choose another; with <code>lowrouter/auto</code> it picks the smallest capability tier that can do the job, then the lowest footprint among the endpoints that qualify.</li>
<li><strong>High-intensity regions last.</strong> Regions above ${n(t)} gCO2e/kWh (on this instance <code>LOWROUTER_HIGH_INTENSITY_THRESHOLD</code>; ${n(f.highIntensityRegions)} of ${n(f.regions)} catalog regions are above it) are tried after all others, unless a request pins providers, endpoints or regions or gives an order.</li>
<li><strong>Features earn their cost.</strong> A feature that adds weight to every page or work to every request has to be worth it to the people who use it; the hot path stays one process and one database.</li>
</ul>
<h2 id="not-a-pledge">What it is not</h2>
<ul>
<li>Not a pledge that a request is green: a low figure means a small model on a low-carbon grid, not zero impact.</li>
<li>Not exact: every figure is a range from a model of the hardware, not a meter reading. Providers do not publish per-request energy. Compare endpoints and trends with it; do not sum it into an audited inventory without reading the <a href="/docs/sustainable-ai/methodology#limits">limits</a>.</li>
</ul>`;
}

/** Significant digits for small physical quantities. */
const sig = (v: number, d = 3) => (v === 0 ? '0' : Number(v.toPrecision(d)).toString());
const span = (r: { min: number; max: number }, d = 3) =>
  r.min === r.max ? sig(r.min, d) : `${sig(r.min, d)}–${sig(r.max, d)}`;

/** One request, end to end, through the real estimator (eco/estimate.ts) on a catalog endpoint. */
export function workedExample(ctx: DocsContext): Raw {
  const e = ctx.facts.ecoExample;
  if (!e) return html`<p>The catalog is empty, so there is no endpoint to work an example on.</p>`;
  const outputTokens = REFERENCE_OUTPUT_TOKENS;
  const record = estimateRequest({
    model: {
      activeParamsMinB: e.activeParamsMinB,
      activeParamsMaxB: e.activeParamsMaxB,
      totalParamsMinB: e.totalParamsMinB,
      totalParamsMaxB: e.totalParamsMaxB,
      tps: e.tps,
      ttftSeconds: e.ttftSeconds,
      paramsConfidence: e.paramsConfidence,
    },
    provider: { pueMin: e.providerPueMin, pueMax: e.providerPueMax },
    region: {
      id: e.regionId,
      country: e.country,
      gridGco2ePerKwh: e.gridGco2ePerKwh,
      gridSource: e.gridSource,
      gridYear: e.gridYear,
      pueMin: e.regionPueMin,
      pueMax: e.regionPueMax,
    },
    outputTokens,
    measuredLatencyMs: undefined,
    tokensEstimated: false,
  });
  const pue = rowPue(
    { pueMin: e.providerPueMin, pueMax: e.providerPueMax },
    { pueMin: e.regionPueMin, pueMax: e.regionPueMax },
  );
  const b = record.block;
  const pa = { min: e.activeParamsMinB, max: e.activeParamsMaxB };
  const pt = { min: e.totalParamsMinB, max: e.totalParamsMaxB };
  return html`<h2 id="worked-example">A worked example, from request to gCO2e</h2>
<p>Computed when this page was rendered, by the same function that estimates live requests (<code>estimateRequest</code>), on this instance’s catalog.</p>
<ol class="steps">
<li><strong>The request.</strong> A chat completion served, as its <code>route</code> block says, by <code>${e.modelId}</code> (${e.modelName}) on ${e.providerName} in region <code>${e.regionId}</code> (${e.regionName}, ${e.country}), that produced ${n(outputTokens)} output tokens. Say the latency was not measured (a measured one can only lower the result).</li>
<li><strong>The model.</strong> ${span(pa)} billion active and ${span(pt)} billion total parameters (${e.paramsConfidence}; source: ${e.paramsSource}).</li>
<li><strong>The data centre.</strong> PUE ${span(pue)}, the ${e.regionPueMin !== null ? 'region’s own' : 'provider’s'} figure.</li>
<li><strong>The grid.</strong> ${n(e.gridGco2ePerKwh)} gCO2e/kWh, ${e.gridSource} (${e.gridYear}).</li>
<li><strong>Energy.</strong> The formula below gives <strong>${span(b.energyWh)} Wh</strong> for the request, PUE included.</li>
<li><strong>Carbon.</strong> ${span(b.energyWh)} Wh × ${n(e.gridGco2ePerKwh)} gCO2e/kWh ÷ 1,000 = <strong>${span(b.gco2e)} gCO2e</strong>, or ${span(b.gco2ePer1kOutputTokens)} gCO2e per ${n(PER_OUTPUT_TOKENS)} output tokens. Embodied carbon, kept apart: ${span(record.gco2eEmbodied)} gCO2e.</li>
</ol>
<p>The response’s <code>eco</code> block for that request would read:</p>
${code(JSON.stringify(b, null, 2))}
<p>You can reproduce it without a server: <code>pnpm --silent lowrouter eco</code> reads the same inputs as JSON lines and writes the estimates.</p>`;
}

/** Where the grid figures come from, in plain words, with the sources this catalog uses now. */
export function gridProvenance(ctx: DocsContext): Raw {
  const f = ctx.facts;
  return html`<h2 id="grid-figures">Where the grid figures come from</h2>
<p>The International Energy Agency publishes the most complete grid emission factors, but they are licensed: LowRouter may not ship them. So the catalog ships public sources only, listed below with the number of regions each covers. If you hold a licence for IEA figures (or any other licensed or in-house figures), load them with <code>lowrouter grid import</code>, per region or per country. Run it with the gateway stopped and start the gateway again: requests estimated from then on use the new figures, while past requests keep the figures they were estimated with (each request row stores its inputs).</p>
${code(`pnpm lowrouter grid import factors.csv
# columns: region_id or country, gco2e_per_kwh, year, source, basis (lifecycle|direct)`)}
<p>Every line is checked first; nothing is written unless the whole file is valid. On this instance ${n(f.importedGridRegions)} of ${n(f.regions)} regions use imported figures.</p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Source</th><th scope="col">Year</th><th scope="col" class="num">Regions</th></tr></thead>
<tbody>
${f.gridSources.map((g) => html`<tr><td>${g.source}</td><td>${g.year}</td><td class="num">${g.regions}</td></tr>\n`)}</tbody>
</table></div>`;
}
