/** The API section: the REST (/v1) reference and the GraphQL reference generated from the schema. */
import { MAX_COST_ANONYMOUS, MAX_COST_KEYED, MAX_QUERY_DEPTH } from '../../../analytics/graphql-limits';
import { MAX_PAGE_SIZE } from '../../../analytics/cursor';
import { QUERY_DEADLINE_MS } from '../../../graphql/deadline';
import { schema } from '../../../graphql/index';
import { MAX_PAGE } from '../../../graphql/types/model';
import { MAX_CACHED_ANSWER_BYTES } from '../../../inference/cache';
import { EMBEDDING_ECO_REASON, MAX_EMBEDDING_INPUTS } from '../../embeddings';
import { NO_STORAGE } from '../../responses-wire';
import { MAX_DOCUMENT_NESTING, MAX_DOCUMENT_TOKENS } from '../../../graphql/parse-limits';
import { MAX_IDENTIFIER_CHARS, MAX_JSON_DEPTH } from '../../../providers/request-shape';
import { RouteOverride } from '../../../routing/policy';
import { AUTO_MODEL } from '../../../routing/rank-types';
import { type DocsContext, code, n, percent } from '../context';
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
<p class="lead">OpenAI’s chat completions, responses and embeddings APIs and Anthropic’s messages API at <code>/v1</code>, with LowRouter’s additions. Use the official <code>openai</code> or <code>@anthropic-ai/sdk</code> SDK, or any compatible client.</p>
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
<li><code>route</code>: the model, provider and region that served, <code>locationBasis</code> (how that region’s location is known: <code>documented</code> or <code>assumed</code>, see <a href="/docs/models/routing#location-basis">routing</a>), the policy, the reason, and every attempt;</li>
<li><code>eco</code>: energy (Wh) and gCO2e as <code>{ min, max, mid }</code> ranges, per 1,000 output tokens too, with the grid intensity and its source, the PUE, the confidence and the methodology version (see the <a href="/docs/sustainable-ai/methodology">methodology</a>);</li>
<li>headers <code>x-lowrouter-provider</code>, <code>x-lowrouter-region</code>, <code>x-lowrouter-request-id</code>, and <code>x-lowrouter-cache</code> when the <a href="#cache">response cache</a> was consulted.</li>
</ul>
<p>With <code>"stream": true</code> the answer is server-sent events; <code>usage</code>, <code>route</code> and <code>eco</code> arrive in the last chunk before <code>data: [DONE]</code> (in a chunk of their own when the client set <code>stream_options.include_usage</code>). A client that reads nothing for ${n(c.streamStallMs / 1000)} s is treated as gone: the upstream is cancelled and the request charged for what was generated.</p>
<h2 id="messages"><code>POST /v1/messages</code></h2>
<p>Anthropic’s Messages API, for <code>@anthropic-ai/sdk</code> and other Anthropic clients: set the client’s base URL to the gateway’s root (the SDK adds <code>/v1/messages</code>) and send the LowRouter key as <code>x-api-key</code> or as a bearer token. The body is Anthropic’s: <code>system</code>, text, image, <code>tool_use</code> and <code>tool_result</code> blocks, <code>stop_sequences</code>, <code>temperature</code> from 0 to 1, tools with <code>tool_choice</code>, and <code>stream: true</code>, which answers Anthropic’s event sequence. <code>models</code> and <code>route</code> work as in chat completions.</p>
<p>The request is translated, not forwarded: whichever endpoint the route picks answers it, an OpenAI or Mistral model as readily as a Claude one. <code>usage</code> follows Anthropic’s convention (<code>input_tokens</code> excludes cache reads and writes, which are counted apart); LowRouter’s <code>cost</code>, <code>eco</code> and <code>route</code> sit in a top-level <code>lowrouter</code> object, and a stream carries it on its final <code>message_delta</code>. Errors use Anthropic’s envelope, <code>{"type": "error", "error": {"type", "message"}}</code>, and shed load answers 529 <code>overloaded_error</code>. Two things cannot be reproduced everywhere: a stop on a stop sequence is reported as <code>end_turn</code>, since most providers do not say which sequence matched, and thinking blocks from earlier turns are dropped; fields without an equivalent are dropped with a warning.</p>
<h2 id="responses"><code>POST /v1/responses</code></h2>
<p>OpenAI’s Responses API, for <code>client.responses.create</code>. <code>input</code> is a string or a list of items (messages with <code>input_text</code> and <code>input_image</code> parts, <code>function_call</code>, <code>function_call_output</code>); <code>instructions</code> is the system prompt; tools are function tools; <code>text.format</code> asks for structured output. With <code>stream: true</code> the answer is typed events ending in <code>response.completed</code> or <code>response.incomplete</code>. <code>usage.cost</code>, <code>eco</code> and <code>route</code> are added as in chat completions.</p>
<p>LowRouter keeps no conversation state: <code>store: true</code>, <code>previous_response_id</code> and <code>conversation</code> are refused with 400 (“${NO_STORAGE}”); send the whole conversation in <code>input</code> instead. Leaving <code>store</code> out, or false, is fine. Hosted tools (web search, file search and the like) are refused too, since no upstream runs them for you.</p>
<h2 id="embeddings"><code>POST /v1/embeddings</code></h2>
<p>OpenAI’s Embeddings API, for <code>client.embeddings.create</code>. <code>model</code> names an embedding model from <code>data/embeddings.json</code> (by catalog id or upstream name); <code>input</code> is a string or a list of at most ${n(MAX_EMBEDDING_INPUTS)} non-empty strings (token arrays are refused); <code>dimensions</code> is passed on where the model takes it; <code>encoding_format</code> is <code>float</code> or <code>base64</code>, and LowRouter encodes base64 itself when a provider only returns floats. The organisation’s provider and residency constraints and <code>route.only</code>, <code>ignore</code>, <code>order</code> and <code>regions</code> apply; the cheapest allowed endpoint is tried first.</p>
<p>Embeddings are charged per input token like any request (<code>usage.cost</code>) and recorded with surface <code>embeddings</code> (counted apart as <code>embeddingRequests</code> in GraphQL <code>usage</code>). Their <code>eco</code> block is <code>{"estimated": false, "reason": …}</code> and carries no energy or carbon figure, because ${EMBEDDING_ECO_REASON.replace(/^not estimated: /, '')}.</p>
<h2 id="cache">Response cache</h2>
<p>Off unless asked for. A chat completion with <code>"cache": {"ttlSeconds": 3600}</code> in its body (or <code>cache</code> in the GraphQL <code>complete</code> input) keeps its answer that many seconds, and an exact repeat within that time is answered from the database without calling an upstream. A key can turn it on for all its deterministic requests with <code>setApiKeyCache</code> (or <code>cacheTtlSeconds</code> on <code>createApiKey</code>); a request’s own <code>cache</code> wins, and <code>ttlSeconds: 0</code> turns it off for that request.</p>
<ul>
<li>A repeat is the same organisation, model, <code>models</code>, messages, tools, sampling and output parameters and <code>route</code>; <code>stream</code> does not count, so a streamed repeat can be answered from a plain answer and back. Answers are never shared across organisations.</li>
<li>Only deterministic requests (<code>temperature: 0</code>) are cached: a sampled answer is one draw among many. To cache one anyway, send <code>"cache": {"ttlSeconds": N, "nonDeterministic": true}</code>; a sampled request that asked without it gets a <code>not_cached</code> warning saying why.</li>
<li>A stored answer is served only while the endpoint that produced it is still an allowed route for the request, so a residency constraint added later rules its answers out too. Answers over ${bytes(MAX_CACHED_ANSWER_BYTES)} are not kept.</li>
<li>A hit costs ${percent(+(c.cacheHitPrice * 100).toFixed(4))} of the original charge on this instance (<code>LOWROUTER_CACHE_HIT_PRICE</code>, a share from 0 to 1, default ${n(ctx.defaults.cacheHitPrice)}). Its <code>eco</code> spends nothing and reports the original estimate under <code>eco.avoided</code>; <code>route.cache</code> names the request whose answer was replayed and when it was stored; the header <code>x-lowrouter-cache</code> says <code>hit</code> or <code>miss</code>.</li>
<li><code>ttlSeconds</code> is at most ${n(c.cacheMaxTtlSeconds)} s (${n(c.cacheMaxTtlSeconds / 86_400)} days, <code>LOWROUTER_CACHE_MAX_TTL_SECONDS</code>); more is refused with 400 naming the limit.</li>
</ul>
<p>This is the one place LowRouter keeps completion text: only for callers who asked, and only until the TTL ends. Expired answers are never served and are deleted by a periodic sweep. GraphQL <code>usage</code> sums <code>cacheHits</code>, <code>cacheCostSavedUsd</code>, <code>cacheAvoidedEnergyWh</code> and <code>cacheAvoidedGco2e</code>.</p>
<h2 id="models"><code>GET /v1/models</code>, <code>GET /v1/models/{id}</code></h2>
<p>The catalog’s models in OpenAI’s list format, and <code>${AUTO_MODEL}</code>; ${n(ctx.facts.models)} models are in this catalog. Each entry adds <code>pricing</code> (USD per million input and output tokens as exact decimal strings, at the cheapest endpoint) and <code>lowrouter</code> (providers, endpoints, endpoints usable on this instance, and gCO2e per 1,000 output tokens for a reference request). <code>GET /v1/models/{id}</code> answers one model; ids contain <code>/</code> and may be sent raw (<code>/v1/models/openai/gpt-4o-mini</code>) or percent-encoded, and an unknown id answers 404. The <a href="/">model browser</a> shows the same catalog with every endpoint.</p>
<h2 id="cors">CORS</h2>
<p>Browsers may call <code>/v1</code> and <code>/graphql</code> only from the origins listed in <code>LOWROUTER_CORS_ORIGINS</code>, comma-separated exact origins such as <code>https://app.example.com</code> (${c.corsOrigins.length ? html`this instance: ${c.corsOrigins.map((o, i) => html`${i ? ', ' : ''}<code>${o}</code>`)}` : 'none on this instance'}). Preflight <code>OPTIONS</code> requests from those origins are answered; no other origin is ever echoed, <code>*</code> is never sent, and credentials are not allowed (keys go in <code>Authorization</code>).</p>
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
<li>The key’s requests and (estimated) tokens per minute, when set: within any 60 s on one process, and on PostgreSQL within each UTC minute across every gateway process together (a span straddling two minutes may see up to twice the limit); when the minute’s budget is spent, <code>retry-after</code> points to the next minute.</li>
<li>${c.failedAuthPerMinute ? html`${n(c.failedAuthPerMinute)} failed authentications per minute per address (<code>LOWROUTER_FAILED_AUTH_PER_MINUTE</code>), answered 429 without a database query.` : html`No limit on failed authentications (<code>LOWROUTER_FAILED_AUTH_PER_MINUTE</code> is 0).`}</li>
<li>${n(c.maxInFlight)} requests in flight per process (<code>LOWROUTER_MAX_IN_FLIGHT</code>), beyond which new ones get 503 at once.</li>
</ul>
<h2 id="other">Other endpoints</h2>
<ul>
<li><code>GET /export/usage.csv</code>, <code>GET /export/requests.csv</code>, <code>GET /export/footprint.csv</code>: see <a href="/docs/guides/bi">BI tools</a>.</li>
<li><code>GET /export/audit.csv</code>, <code>GET /export/audit.jsonl</code>: the audit trail, see <a href="/docs/guides/self-hosting#audit">self-hosting</a>.</li>
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
