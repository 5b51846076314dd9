/** /docs/models/routing: policies, residency, auto mode, the threshold, fallbacks, `route`, routePreview. */
import { TIER_ORDER } from '@lowrouter/shared';
import { DEADLINE_MS, MAX_ATTEMPTS } from '../../../inference/execute';
import { GEOGRAPHIES } from '../../../routing/geography';
import { DEFAULT_HEALTH_OPTIONS } from '../../../routing/health';
import { EXPECTED_OUTPUT_TOKENS } from '../../../routing/plan';
import { PolicyKind, RouteOverride } from '../../../routing/policy';
import { AUTO_MODEL } from '../../../routing/rank-types';
import { type DocsContext, code, n } from '../context';
import { html, type Raw } from '../html';

/** What each policy kind orders by. A test fails when a kind in the code has no entry here. */
export const POLICY_KIND_DOCS: Record<PolicyKind, string> = {
  auto: `With ${AUTO_MODEL}: the lowest footprint (gCO2e per 1,000 output tokens), then the price, among models of the needed tier. With a named model: footprint and price each scaled 0–1 across the candidates and summed (balanced), then footprint, then price.`,
  'prefer-region':
    'Regions in the order of preferRegions (the first selector that covers a region gives its rank), then footprint, then price. Regions no selector covers come after.',
  'prefer-low-carbon': 'The lowest gCO2e per 1,000 output tokens first, then the lowest expected price.',
  'prefer-cheapest': 'The lowest expected price first, then the lowest footprint.',
  'fixed-provider':
    'Only the given provider or endpoint (a filter), then footprint, then price. To forbid other providers for an organisation, use allowedProviders.',
};

/** The `route` override's fields. A test fails when a field in the code has no entry here. */
export const ROUTE_FIELD_DOCS: Record<keyof typeof RouteOverride.shape, [type: string, meaning: string]> = {
  policy: ['policy kind', 'Replaces the organisation’s policy kind for this request.'],
  order: ['provider or endpoint ids', 'Tried in this order before all other candidates.'],
  only: ['provider or endpoint ids', 'A pin: only these. With policy fixed-provider, exactly one.'],
  ignore: ['provider or endpoint ids', 'Never these.'],
  regions: [
    'region selectors',
    'A pin that narrows the organisation’s residency: region ids, ISO countries, EU, EEA or US. With prefer-region, also the preference order.',
  ],
  residency: [
    'strict or lenient',
    'strict (the default whenever regions are set): only regions whose location the provider documents; lenient: this request’s regions also accept assumed locations. The organisation’s own strict constraint still applies.',
  ],
  allowFallbacks: [
    'boolean',
    'false: only the first ranked endpoint is tried. Fallbacks happen only when both the policy and the request allow them.',
  ],
  maxPricePerMTokUsd: [
    'number',
    'USD per million tokens, blended over the request’s expected input and output; the lower of policy and request wins.',
  ],
  maxGco2ePer1kTokens: [
    'number',
    'gCO2e per 1,000 output tokens of the endpoint; the lower of policy and request wins.',
  ],
};

export function routingPage(ctx: DocsContext): Raw {
  const t = ctx.config.highIntensityThreshold;
  const f = ctx.facts;
  const h = DEFAULT_HEALTH_OPTIONS;
  const tierCount = new Map(f.tiers.map((x) => [x.tier, x.models]));
  return html`<h1>Routing</h1>
<p class="lead">Which endpoint (model × provider × region) serves a request is decided by a policy you write, narrowed by the request, explained in every response.</p>
<h2 id="candidates">Candidates and exclusions</h2>
<p>A request names a catalog model (<code>openai/gpt-4o-mini</code>), an upstream alias (<code>gpt-4o-mini</code>) or <code>${AUTO_MODEL}</code>; <code>models</code> adds fallback models (or, with auto, limits the choice). Every endpoint of those models is a candidate, then excluded, in this order, when: it is outside the data residency, the provider is not allowed or is denied, the request pins others, the provider has no credentials, its circuit is open, the prompt does not fit its context window, the request needs tool calling it lacks, its model is below the needed tier (auto), or it is above a price or carbon ceiling. Exclusions are never relaxed to find a fallback; when nothing is left the answer is 503 with every reason.</p>
<h2 id="policies">Policies</h2>
<p>An organisation has routing policies (admin scope, audited) and one default; a key can carry its own. A policy is a kind and constraints:</p>
<div class="table-wrap"><table class="cards">
<thead><tr><th scope="col">Kind</th><th scope="col">Orders candidates by</th></tr></thead>
<tbody>
${PolicyKind.options.map((k) => html`<tr><td data-label="Kind"><code>${k}</code></td><td data-label="Orders by">${POLICY_KIND_DOCS[k]}</td></tr>\n`)}</tbody>
</table></div>
<p>Constraints combine with any kind and are hard filters: <code>allowedRegions</code> (residency), <code>allowedProviders</code>, <code>deniedProviders</code>, <code>maxPricePerMTokUsd</code>, <code>maxGco2ePer1kTokens</code> and <code>allowFallbacks</code>. Prices and footprints are compared at the request’s input estimate and its <code>max_tokens</code>, or ${n(EXPECTED_OUTPUT_TOKENS)} output tokens when it sets none. Candidates equal on every measure are drawn at random, which spreads load.</p>
<h2 id="residency">Data residency</h2>
<p>Wherever a region is expected you can give a catalog region id (<code>scaleway:fr-par</code>), an ISO 3166-1 country code (<code>FR</code>) or a named geography: ${Object.entries(GEOGRAPHIES).map(([name, countries], i) => html`${i ? ', ' : ''}<code>${name}</code> (${n(countries.length)} ${countries.length === 1 ? 'country' : 'countries'})`)}. A request’s <code>regions</code> is a second layer on the organisation’s <code>allowedRegions</code>: an endpoint must satisfy both, so a request can narrow residency but never widen it. An empty intersection is refused with a message naming both sides. The catalog has ${n(f.regions)} regions in ${n(f.countries)} countries.</p>
<h3 id="location-basis">Documented and assumed locations</h3>
<p>Every catalog region says how its location is known. <code>documented</code>: a page of the provider says where it processes data, and the region’s <code>locationSource</code> links it. <code>assumed</code>: no such page exists (a global endpoint, or one that names no place), and <code>locationNote</code> says what the assumption rests on. ${n(f.assumedRegions)} of the ${n(f.regions)} catalog regions are assumed.</p>
<p>A residency constraint, whether a policy’s <code>allowedRegions</code> or a request’s <code>regions</code>, is <strong>strict</strong> by default: only documented locations serve, fallbacks included. <strong>Lenient</strong>, which also admits assumed locations, must be chosen explicitly: <code>constraints.residency</code> on a policy (<code>residency</code> in <code>RoutingPolicyInput</code>), <code>route.residency</code> on a request (<code>RouteInput.residency</code> in GraphQL). A request’s <code>lenient</code> relaxes only its own <code>regions</code>, never the organisation’s strict constraint; a request’s <code>strict</code> makes every layer strict. The response’s <code>route.locationBasis</code>, the request row (<code>locationBasis</code>, <code>location_basis</code> in <code>requests.csv</code>) and the dashboard show the basis of the region that served.</p>
<h2 id="auto">Auto mode</h2>
<p><code>${AUTO_MODEL}</code> reads the request, without calling a model, and decides the smallest capability tier that can do the job: ${TIER_ORDER.map((tier, i) => html`${i ? ', ' : ''}<code>${tier}</code> (${n(tierCount.get(tier) ?? 0)} models)`)}. Signals each set a floor: prompt length, code, mathematics, proofs, multi-step instructions, requests to reason carefully, system design, tools, structured output, conversation depth and a large <code>max_tokens</code>. The tier is the highest floor; when three or more distinct signals fire, it goes one step up. Among endpoints of models at that tier or above, the lowest footprint wins, then the price; higher tiers come after. The response’s <code>route.reason</code> lists the signals that fired.</p>
<h2 id="high-intensity">High-intensity regions</h2>
<p>Regions whose grid is above <strong>${n(t)} gCO2e/kWh</strong> (<code>LOWROUTER_HIGH_INTENSITY_THRESHOLD</code> on this instance; ${n(f.highIntensityRegions)} of ${n(f.regions)} catalog regions) are tried after all others, whatever the policy, unless the request pins providers, endpoints, region ids or countries (a geography such as <code>EU</code> is not a pin) or gives an <code>order</code>: then your choice stands.</p>
<h2 id="fallbacks">Fallbacks and the circuit breaker</h2>
<p>A request tries its ranked endpoints in order, at most ${n(MAX_ATTEMPTS)} upstream calls within ${n(DEADLINE_MS / 1000)} s. It falls back on errors that say something about the endpoint (429, 5xx, timeouts, connection failures), on a context-length error (then only to larger windows), and on an upstream 401/403 (LowRouter’s credential is wrong: the endpoint is taken out for a while). It never falls back on the client’s own invalid request or a content-filter refusal, and a stream falls back only before its first byte reached the client. Every attempt is listed in <code>route.attempts</code>.</p>
<p>Each endpoint has a health window of its last ${n(h.windowSize)} outcomes. The circuit opens after ${n(h.failureThreshold)} consecutive failures, or when at least ${n(h.minRequests)} outcomes hold ${n(h.failureRate * 100)}% failures or more; after ${n(h.coolDownMs / 1000)} s one probe request is let through, and its success closes the circuit. Only the endpoint’s own failures count: one tenant’s bad requests or a client hanging up never open a circuit for everyone.</p>
<p>Several gateway processes on one PostgreSQL share their circuits (the <code>endpoint_circuits</code> table, read by each process every <code>LOWROUTER_HEALTH_POLL_MS</code>, 250 ms by default): a circuit that opens on one process is open on all of them within about that long, with the same cool-down and a reason naming the process that saw the failures, and when the cool-down ends exactly one process sends the probe (a claim in the database, which expires if that process dies). The process that wins the claim probes with its next request to the endpoint; until then the others, and the request that found the cool-down over, fall back as if the circuit were still open. Credentials the provider refused (401/403) stay a per-process matter: each process has its own configuration. With the embedded database (one process) all of this stays in memory.</p>
<h2 id="route-override">The <code>route</code> override, field by field</h2>
<p>A request may carry a <code>route</code> object (REST body field, GraphQL <code>RouteInput</code>). Unknown fields are refused with the list of accepted ones.</p>
<div class="table-wrap"><table class="cards">
<thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Meaning</th></tr></thead>
<tbody>
${Object.keys(RouteOverride.shape).map((k) => {
  const [type, meaning] = ROUTE_FIELD_DOCS[k as keyof typeof ROUTE_FIELD_DOCS];
  return html`<tr><td data-label="Field"><code>${k}</code></td><td data-label="Type">${type}</td><td data-label="Meaning">${meaning}</td></tr>\n`;
})}</tbody>
</table></div>
${code(`{
  "model": "${AUTO_MODEL}",
  "messages": [{ "role": "user", "content": "Summarise this contract." }],
  "max_tokens": 400,
  "route": { "policy": "prefer-low-carbon", "regions": ["EU"], "maxGco2ePer1kTokens": 2 }
}`)}
<h2 id="route-preview">routePreview</h2>
<p>The GraphQL query <code>routePreview</code> runs the same planner as a real request, without calling anyone: give it a model, optional messages, <code>route</code>, <code>models</code>, <code>maxTokens</code>, and a stored policy or an unsaved one. It answers the ordered candidates with their reasons, the excluded endpoints with why, the auto tier and its signals, and a summary of the policy. The policy editor in <a href="/settings">Settings</a> shows it live.</p>
${code(`query {
  routePreview(model: "${AUTO_MODEL}", messages: [{ role: "user", content: "Prove that √2 is irrational." }],
               route: { regions: ["EU"] }) {
    __typename
    ... on QueryRoutePreviewSuccess { data { tier signals policySummary candidates { endpointId reasons } excluded { endpointId reason } } }
    ... on Error { message }
  }
}`)}`;
}
