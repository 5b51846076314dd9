/** The API section: the REST (/v1) reference and the GraphQL reference generated from the schema. */
import { MAX_COST_ANONYMOUS, MAX_COST_KEYED, MAX_QUERY_DEPTH } from '../../../analytics/graphql-limits';
import { MAX_PAGE_SIZE } from '../../../analytics/cursor';
import { QUERY_DEADLINE_MS } from '../../../graphql/deadline';
import { schema } from '../../../graphql/index';
import { MAX_PAGE } from '../../../graphql/types/model';
import { MAX_DOCUMENT_NESTING, MAX_DOCUMENT_TOKENS } from '../../../graphql/parse-limits';
import { MAX_IDENTIFIER_CHARS, MAX_JSON_DEPTH } from '../../../providers/request-shape';
import { RouteOverride } from '../../../routing/policy';
import { AUTO_MODEL } from '../../../routing/rank-types';
import { type DocsContext, code, n } from '../context';
import { graphqlReference } from '../graphql-reference';
import { html, type Raw } from '../html';

const bytes = (b: number) => (b % 1_048_576 === 0 ? `${b / 1_048_576} MiB` : `${n(b)} bytes`);

function restPage(ctx: DocsContext): Raw {
  const c = ctx.config;
  const errors: [string, string, string][] = [
    [
      '400',
      'invalid_request_error',
      'The body is invalid: the message names the field (its path) and what to fix.',
    ],
    ['401', 'invalid or missing key', 'Send a valid key as Authorization: Bearer lr_….'],
    ['402', 'insufficient_credits', 'The hold does not fit the available credit: see credits and billing.'],
    ['403', 'scope', 'The key lacks the inference scope.'],
    ['404', 'model_not_found', 'The model is not in the catalog.'],
    ['408', 'headers timeout', `The request headers took longer than ${n(c.headersTimeoutMs)} ms.`],
    ['413', 'request_too_large', `The body is larger than ${bytes(c.maxBodyBytes)}.`],
    [
      '429',
      'rate_limited',
      'The key’s requests or tokens per minute, or failed authentications from the address; retry after retry-after seconds.',
    ],
    [
      '502, 504',
      'upstream_error',
      'Every attempt failed (504 when the last timed out); route.attempts says what each did.',
    ],
    [
      '503',
      'no_route_available / overloaded_error',
      'No endpoint satisfies the policy (every reason listed), or the process is at its in-flight limit (retry-after).',
    ],
  ];
  return html`<h1>REST API</h1>
<p class="lead">OpenAI’s chat completions API at <code>/v1</code>, with LowRouter’s additions. Use the official <code>openai</code> SDK or any compatible client.</p>
<p>Authenticate with a LowRouter key that has the <code>inference</code> scope: <code>Authorization: Bearer lr_…</code>. See the <a href="/docs/guides/quickstart">quickstart</a> for complete examples.</p>
<h2 id="chat-completions"><code>POST /v1/chat/completions</code></h2>
<p>OpenAI’s request body: <code>messages</code>, <code>max_tokens</code> or <code>max_completion_tokens</code>, <code>temperature</code>, <code>tools</code>, <code>response_format</code>, <code>stream</code> and the rest. <code>model</code> is a catalog id (<code>openai/gpt-4o-mini</code>), an upstream alias (<code>gpt-4o-mini</code>) or <code>${AUTO_MODEL}</code>, which is also what an absent <code>model</code> means. Two optional fields are LowRouter’s:</p>
<ul>
<li><code>models</code>: with auto, the only models to choose from; with a named model, its fallbacks in order.</li>
<li><code>route</code>: a per-request override (${Object.keys(RouteOverride.shape).map((k, i) => html`${i ? ', ' : ''}<code>${k}</code>`)}), described field by field in <a href="/docs/models/routing#route-override">routing</a>.</li>
</ul>
<p>The response is OpenAI’s chat completion plus:</p>
<ul>
<li><code>usage.cost</code>: USD charged, fee included;</li>
<li><code>route</code>: the model, provider and region that served, the policy, the reason, and every attempt;</li>
<li><code>eco</code>: energy (Wh) and gCO2e as <code>{ min, max, mid }</code> ranges, per 1,000 output tokens too, with the grid intensity and its source, the PUE, the confidence and the methodology version (see the <a href="/docs/sustainable-ai/methodology">methodology</a>);</li>
<li>headers <code>x-lowrouter-provider</code>, <code>x-lowrouter-region</code>, <code>x-lowrouter-request-id</code>.</li>
</ul>
<p>With <code>"stream": true</code> the answer is server-sent events; <code>usage</code>, <code>route</code> and <code>eco</code> arrive in the last chunk before <code>data: [DONE]</code> (in a chunk of their own when the client set <code>stream_options.include_usage</code>). A client that reads nothing for ${n(c.streamStallMs / 1000)} s is treated as gone: the upstream is cancelled and the request charged for what was generated.</p>
<h2 id="models"><code>GET /v1/models</code>, <code>GET /v1/models/{id}</code></h2>
<p>The catalog’s models in OpenAI’s list format, and <code>${AUTO_MODEL}</code>; ${n(ctx.facts.models)} models are in this catalog. Each entry adds <code>pricing</code> (USD per million input and output tokens as exact decimal strings, at the cheapest endpoint) and <code>lowrouter</code> (providers, endpoints, endpoints usable on this instance, and gCO2e per 1,000 output tokens for a reference request). <code>GET /v1/models/{id}</code> answers one model; ids contain <code>/</code> and may be sent raw (<code>/v1/models/openai/gpt-4o-mini</code>) or percent-encoded, and an unknown id answers 404. The <a href="/">model browser</a> shows the same catalog with every endpoint.</p>
<h2 id="cors">CORS</h2>
<p>Browsers may call <code>/v1</code> and <code>/graphql</code> only from the origins listed in <code>LOWROUTER_CORS_ORIGINS</code> (none by default); preflight <code>OPTIONS</code> requests from those origins are answered, and no other origin is ever echoed.</p>
<h2 id="errors">Errors</h2>
<p>Every error uses OpenAI’s envelope, <code>{ "error": { "message", "type", "param", "code" } }</code>, plus <code>requestId</code>, so the SDKs raise the matching error class.</p>
<div class="table-wrap"><table class="cards">
<thead><tr><th scope="col">Status</th><th scope="col">Type or code</th><th scope="col">What to do</th></tr></thead>
<tbody>
${errors.map(([s, t, m]) => html`<tr><td data-label="Status">${s}</td><td data-label="Type"><code>${t}</code></td><td data-label="What to do">${m}</td></tr>\n`)}</tbody>
</table></div>
<h2 id="limits">Limits</h2>
<ul>
<li>Bodies up to ${bytes(c.maxBodyBytes)} (<code>LOWROUTER_MAX_BODY_BYTES</code>), at most ${n(c.maxMessages)} messages (<code>LOWROUTER_MAX_MESSAGES</code>), JSON nested at most ${MAX_JSON_DEPTH} levels.</li>
<li>Identifiers (<code>model</code>, <code>models</code>, tool names, <code>route</code> values, <code>user</code>, <code>stop</code>) at most ${n(MAX_IDENTIFIER_CHARS)} characters, without NUL.</li>
<li><code>max_tokens</code> within the model’s output limit.</li>
<li>The key’s requests and tokens per minute, when set.</li>
<li>${c.failedAuthPerMinute ? html`${n(c.failedAuthPerMinute)} failed authentications per minute per address (<code>LOWROUTER_FAILED_AUTH_PER_MINUTE</code>), answered 429 without a database query.` : html`No limit on failed authentications (<code>LOWROUTER_FAILED_AUTH_PER_MINUTE</code> is 0).`}</li>
<li>${n(c.maxInFlight)} requests in flight per process (<code>LOWROUTER_MAX_IN_FLIGHT</code>), beyond which new ones get 503 at once.</li>
</ul>
<h2 id="other">Other endpoints</h2>
<ul>
<li><code>GET /export/usage.csv</code>, <code>GET /export/requests.csv</code>: see <a href="/docs/guides/bi">BI tools</a>.</li>
<li><code>GET /metrics</code>, <code>GET /healthz</code>, <code>GET /readyz</code>: see <a href="/docs/guides/self-hosting#metrics">self-hosting</a>.</li>
<li><code>/graphql</code>: the <a href="/docs/api/graphql">GraphQL API</a>.</li>
</ul>`;
}

function graphqlPage(_ctx: DocsContext): Raw {
  return html`<h1>GraphQL reference</h1>
<p class="lead">Everything the gateway knows, at <code>POST /graphql</code>: the catalog, inference, routing, usage, credits and accounts.</p>
<p>Send <code>Authorization: Bearer lr_…</code>. The catalog queries (<code>models</code>, <code>providers</code>, <code>regions</code>, <code>endpoints</code>, <code>ecoEstimate</code>, <code>methodology</code>) need no key; everything else needs a key with the right scope (<code>inference</code>, <code>read</code> or <code>admin</code>), and introspection needs a key. Opening <code>/graphql</code> in a browser gives GraphiQL. Expected failures of mutations are typed results (unions with an <code>Error</code> interface), so select <code>__typename</code> and the error’s <code>message</code>.</p>
${code(`curl http://localhost:8080/graphql -H 'content-type: application/json' \\
  -d '{"query":"{ models(limit: 3) { id tier } }"}'`)}
<h2 id="limits">Limits</h2>
<ul>
<li>Depth at most ${MAX_QUERY_DEPTH} fields (<code>QUERY_TOO_DEEP</code>).</li>
<li>Cost, the objects a query may return with lists counted by their real bounds: at most ${n(MAX_COST_ANONYMOUS)} without a key and ${n(MAX_COST_KEYED)} with one (<code>QUERY_TOO_COMPLEX</code>).</li>
<li>Pages: <code>first</code> at most ${MAX_PAGE_SIZE}; catalog <code>limit</code> at most ${MAX_PAGE}.</li>
<li>Documents at most ${n(MAX_DOCUMENT_TOKENS)} tokens and ${MAX_DOCUMENT_NESTING} levels of nesting; ${n(QUERY_DEADLINE_MS / 1000)} s of wall time per operation (<code>QUERY_TIMEOUT</code>).</li>
</ul>
<p>The schema below is generated from the running code; it is also committed as <code>api/schema.graphql</code>.</p>
${graphqlReference(schema)}`;
}

export const apiPages = { rest: restPage, graphql: graphqlPage };
