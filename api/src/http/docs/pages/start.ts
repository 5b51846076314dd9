/** The "Start" section: what LowRouter is, why it exists, and a first request. */
import { PER_OUTPUT_TOKENS } from '@lowrouter/shared';
import rootPackage from '../../../../../package.json' with { type: 'json' };
import { AUTO_MODEL } from '../../../routing/rank-types';
import { type DocsContext, code, n, percent } from '../context';
import { html, type Raw } from '../html';

/** `npx --yes pnpm@<version>` as the root package.json pins it (pnpm need not be installed). */
export const PNPM = `npx --yes ${(rootPackage as { packageManager?: string }).packageManager ?? 'pnpm'}`;

export function indexPage(ctx: DocsContext): Raw {
  const f = ctx.facts;
  return html`<h1>LowRouter</h1>
<p class="lead">One endpoint and one bill across inference providers, and the energy and carbon of every request beside its price.</p>
<p>LowRouter is an LLM gateway you run yourself. Applications speak the OpenAI API to it; it picks a model, a provider and a region by a policy you set, holds prepaid credit, calls the upstream and answers with three blocks the upstream does not give you: <code>route</code> (which model, provider and region served the request, and why), <code>usage.cost</code> (what it cost, the ${percent(ctx.config.feePercent)} fee included) and <code>eco</code> (energy in Wh and gCO2e, as ranges, with their inputs).</p>
<p>This instance knows ${n(f.models)} models on ${n(f.endpoints)} endpoints from ${n(f.providers)} providers in ${n(f.regions)} regions across ${n(f.countries)} countries. Usage, cost and carbon are queryable over GraphQL and exported as CSV.</p>
<h2 id="run">Run it</h2>
<p>On a machine with Node.js 20.19 or newer, from a clone of the repository:</p>
${code(`${PNPM} install\n${PNPM} start`)}
<p>The gateway listens on port ${ctx.defaults.port}, keeps its data in an embedded PostgreSQL under <code>${ctx.defaults.dataDir}/</code>, and prints the instance admin key once. Then make a <a href="/docs/guides/quickstart">first request</a>.</p>
<h2 id="next">Where to go next</h2>
<ul>
<li><a href="/docs/why">Why LowRouter</a>: what it is for, and what it is not.</li>
<li><a href="/docs/sustainable-ai/sustainability-first">Sustainability first</a>: what the footprint figures measure and leave out.</li>
<li><a href="/docs/models/routing">Routing</a>: policies, residency and <code>${AUTO_MODEL}</code>.</li>
<li><a href="/docs/guides/credits-and-billing">Credits and billing</a>, <a href="/docs/guides/self-hosting">self-hosting</a>, the <a href="/docs/api/rest">REST API</a> and the <a href="/docs/api/graphql">GraphQL reference</a>.</li>
<li>The <a href="/">model browser</a> compares every endpoint by price and by gCO2e per ${n(PER_OUTPUT_TOKENS)} output tokens.</li>
</ul>`;
}

export function whyPage(ctx: DocsContext): Raw {
  return html`<h1>Why LowRouter</h1>
<p class="lead">Most teams that use language models write the same gateway twice.</p>
<p>The first time it is a provider abstraction: one client for several vendors, retries, a fallback when one is down. The second time it is accounting: who used what, what it cost, which team pays, how to stop a runaway script. The two are usually separate projects, built in a hurry, and neither says anything about the energy behind a request.</p>
<p>LowRouter is that gateway as a product, with two opinions.</p>
<h2 id="footprint">A request’s footprint is part of its cost</h2>
<p>Every response carries its estimated energy (Wh) and emissions (gCO2e) next to its price, computed with the published <a href="/docs/sustainable-ai/methodology">EcoLogits methodology</a> and the grid intensity of the region that served it. The same figures are stored per request, summed by day, model, provider and region, and used by routing: a policy can prefer the lowest footprint or refuse endpoints above a limit, and regions whose grid is above ${n(ctx.config.highIntensityThreshold)} gCO2e/kWh are tried last unless you pin them.</p>
<h2 id="sovereign">Routing is explicit and sovereign</h2>
<p>Where a request may go is a rule you write, not a decision made for you: data residency by region, country or bloc (EU, EEA, US), allowed and denied providers, price and carbon ceilings, and an ordered preference. Every response says where it went and why, and <code>routePreview</code> shows what a policy will do before any request is sent. Nothing is routed through a third party: LowRouter runs on your machine with your provider keys.</p>
<h2 id="not">What it is not</h2>
<ul>
<li><strong>Not an inference engine.</strong> It serves no model itself; it calls providers, including self-hosted vLLM or Ollama.</li>
<li><strong>Not a benchmarking tool.</strong> It does not rank models by quality. Auto mode picks the smallest capability tier a request needs, by rules you can read, not by an evaluation.</li>
<li><strong>Not a free service.</strong> Credit is prepaid and every request is charged the upstream price plus the instance’s fee (${percent(ctx.config.feePercent)} here). There is no hosted LowRouter to sign up to.</li>
<li><strong>Not a certificate.</strong> The footprint is a documented estimate with its limits stated, not a measurement and not a claim that a request is green.</li>
</ul>
<h2 id="who">Who it is for</h2>
<dl>
<dt>Developers</dt><dd>Point the <code>openai</code> SDK at one URL, use any catalog model by name or let <code>${AUTO_MODEL}</code> choose, and read cost and footprint in the response.</dd>
<dt>Operators</dt><dd>One process (or one per core on PostgreSQL), one database, keys with scopes and rate limits, prepaid credit per organisation, Prometheus metrics and an audit log.</dd>
<dt>Sustainability and compliance teams</dt><dd>Per-request estimates with their inputs stored, a public methodology, residency rules enforced before dispatch, and usage exports by model, provider, region and country.</dd>
</dl>`;
}

export function quickstartPage(ctx: DocsContext): Raw {
  const port = ctx.defaults.port;
  const base = `http://localhost:${port}`;
  return html`<h1>Quickstart</h1>
<p class="lead">From a fresh clone to a first answer with its cost and footprint.</p>
<h2 id="start">1. Start the gateway</h2>
${code(`${PNPM} install\n${PNPM} start`)}
<p>The first start builds the gateway and the pages, creates the database, imports the catalog and prints the <strong>instance admin key</strong> (<code>lr_…</code>) once; keep it, or set <code>LOWROUTER_ADMIN_KEY</code> to choose your own. That key has every scope (<code>inference</code>, <code>read</code>, <code>admin</code>) on the default organisation.</p>
<h2 id="credentials">2. Give it a provider key</h2>
<p>An endpoint whose provider has no credentials is never called. Set at least one, for example <code>OPENAI_API_KEY</code>, <code>ANTHROPIC_API_KEY</code>, <code>MISTRAL_API_KEY</code> or <code>GEMINI_API_KEY</code> (any catalog provider: <code>LOWROUTER_&lt;PROVIDER&gt;_API_KEY</code>), and restart. See <a href="/docs/guides/self-hosting#configuration">configuration</a>.</p>
<h2 id="credit">3. Grant credit</h2>
<p>Requests are paid from prepaid credit, and a fresh organisation has none: every request would answer <code>402</code>. As the instance admin, grant some with the <code>grantCredits</code> mutation (or the form in <a href="/settings">Settings</a>):</p>
${code(`curl ${base}/graphql \\
  -H "Authorization: Bearer $LOWROUTER_ADMIN_KEY" -H 'content-type: application/json' \\
  -d '{"query":"mutation { grantCredits(orgId: \\"org_default\\", amountUsd: 5) { __typename ... on GrantCreditsSuccess { balanceUsd } } }"}'`)}
<p>Or, on the machine that runs the gateway, with the operator CLI. While the gateway from step 1 runs, the command goes through it, so set <code>LOWROUTER_ADMIN_KEY</code> to the admin key first; with no gateway running it writes to the database directly. Either way the grant is a ledger entry and an audit-log entry:</p>
${code(`${PNPM} lowrouter credits grant --org org_default --usd 10`)}
<h2 id="openai-sdk">4. Call it with the openai SDK</h2>
<p>Any OpenAI client works: point its base URL at <code>${base}/v1</code> and give it a LowRouter key with the <code>inference</code> scope.</p>
${code(`import OpenAI from 'openai';

const client = new OpenAI({ baseURL: '${base}/v1', apiKey: process.env.LOWROUTER_KEY });
const res = await client.chat.completions.create({
  model: '${AUTO_MODEL}', // or a catalog id such as openai/gpt-4o-mini
  messages: [{ role: 'user', content: 'Say hello in five words.' }],
  max_tokens: 100, // also keeps the credit held for the request small
});
console.log(res.choices[0].message.content);
// LowRouter's additions, beside the usual fields:
console.log(res.usage, res.route, res.eco);`)}
<h2 id="curl">5. Or with curl</h2>
${code(`curl ${base}/v1/chat/completions \\
  -H "Authorization: Bearer $LOWROUTER_KEY" -H 'content-type: application/json' \\
  -d '{"model":"${AUTO_MODEL}","max_tokens":100,
       "messages":[{"role":"user","content":"Say hello in five words."}]}'`)}
<p>The answer is OpenAI’s chat completion with <code>usage.cost</code> (USD charged), <code>route</code> (model, provider, region, policy, reason, attempts) and <code>eco</code> (energy and gCO2e ranges with their inputs). The headers <code>x-lowrouter-provider</code>, <code>x-lowrouter-region</code> and <code>x-lowrouter-request-id</code> say the same in short.</p>
<h2 id="streaming">6. Streaming</h2>
${code(`const stream = await client.chat.completions.create({
  model: '${AUTO_MODEL}',
  messages: [{ role: 'user', content: 'Count to five.' }],
  stream: true,
  stream_options: { include_usage: true },
});
for await (const chunk of stream) {
  process.stdout.write(chunk.choices[0]?.delta?.content ?? '');
  if (chunk.usage) console.log('\\n', chunk.usage, chunk.route, chunk.eco);
}`)}
<p>Streams are server-sent events; the last chunk before <code>[DONE]</code> carries <code>usage</code>, <code>route</code> and <code>eco</code>. With curl, add <code>"stream": true</code> and <code>-N</code>.</p>
<h2 id="keys">7. Keys for applications</h2>
<p>Keep the admin key for administration. Create a key per application with <code>createApiKey</code> (scopes <code>INFERENCE</code>, <code>READ</code>, <code>ADMIN</code>, optional requests and tokens per minute) in GraphQL or in <a href="/settings">Settings</a>; its secret is shown once. Then watch usage in the <a href="/dashboard">dashboard</a>.</p>`;
}
