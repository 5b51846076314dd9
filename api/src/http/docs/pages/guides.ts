/** The guides: credits and billing, self-hosting, BI tools. */
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../../analytics/cursor';
import { EXPORT_COLUMNS } from '../../../analytics/export';
import { createGatewayMetrics } from '../../../analytics/metrics';
import { USAGE_GROUP_BY } from '../../../analytics/usage-query';
import { maxChargeMicro } from '../../../billing/price';
import { inputTokenUpperBound } from '../../../inference/bounds';
import type { CanonicalRequest } from '../../../providers/canonical';
import { type DocsContext, code, n, percent, usd } from '../context';
import { html, type Raw } from '../html';
import { PNPM } from './start';

/** The hold for one short prompt on the catalog's dearest output allowance, with and without max_tokens. */
function holdExample(ctx: DocsContext): Raw {
  const e = ctx.facts.holdExample;
  if (!e) return html``;
  const prompt = 'hi';
  const inputBound = inputTokenUpperBound({
    messages: [{ role: 'user', content: prompt }],
  } as CanonicalRequest);
  const prices = {
    inputMicroPerMTok: e.inputMicroPerMTok,
    outputMicroPerMTok: e.outputMicroPerMTok,
    cachedInputMicroPerMTok: e.cachedInputMicroPerMTok,
    cacheWriteMicroPerMTok: e.cacheWriteMicroPerMTok,
  };
  const fee = ctx.config.feePercent;
  const whole = maxChargeMicro(inputBound, e.maxOutputTokens, prices, fee);
  const small = 500;
  const capped = maxChargeMicro(inputBound, Math.min(small, e.maxOutputTokens), prices, fee);
  return html`<p>An example from this catalog, with this instance’s ${percent(fee)} fee: the prompt “${prompt}” to <code>${e.modelId}</code> on ${e.providerName} (${usd(e.outputMicroPerMTok)} per million output tokens, up to ${n(e.maxOutputTokens)} output tokens). The input bound is ${n(inputBound)} tokens.</p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Request</th><th scope="col" class="num">Held before dispatch</th></tr></thead>
<tbody>
<tr><td>no <code>max_tokens</code> (the model’s whole output limit, ${n(e.maxOutputTokens)} tokens)</td><td class="num">${usd(whole)}</td></tr>
<tr><td><code>"max_tokens": ${small}</code></td><td class="num">${usd(capped)}</td></tr>
</tbody></table></div>`;
}

export function creditsPage(ctx: DocsContext): Raw {
  const fee = ctx.config.feePercent;
  return html`<h1>Credits and billing</h1>
<p class="lead">Credit is prepaid per organisation. Each request holds the most it can cost before it is sent, and is charged what it actually used.</p>
<h2 id="credits">Prepaid credits and the ledger</h2>
<p>Every organisation has a balance in integer micro-USD (1 µUSD = $0.000001; no floating point touches money). The balance is the sum of an append-only ledger: <code>grant</code> entries add credit, <code>usage</code> entries debit each request, and <code>refund</code> and <code>adjustment</code> entries correct. Nothing edits a balance directly; a database trigger keeps it equal to the ledger’s sum.</p>
<h2 id="reservation">The hold before dispatch</h2>
<p>Before any upstream work, a request reserves (holds) the most it can cost on the endpoint it will try first:</p>
<ul>
<li>every input token it could be charged for, at the endpoint’s dearest input-side price (a cache write can cost more than plain input). The input is bounded by the UTF-8 bytes of the messages plus fixed allowances for framing, images and tools, so the real count can never exceed it;</li>
<li>plus the whole output allowance at the output price: <code>max_tokens</code> (or <code>max_completion_tokens</code>) when the request sets it, otherwise <strong>the model’s entire output limit</strong>;</li>
<li>plus the fee, rounded up.</li>
</ul>
<p>If a fallback moves the request to a dearer endpoint, the hold is raised first (and the fallback skipped when the credit is not there). When the request ends, the actual charge is debited and the rest of the hold is released in the same transaction. A charge never exceeds what was held.</p>
<p><strong>Keep the hold small with <code>max_tokens</code>.</strong> Without it, a model with a large output limit holds dollars for a one-word answer, and an organisation with little credit is refused although the answer would cost a fraction of a cent.</p>
${holdExample(ctx)}
<h2 id="fee">The fee</h2>
<p>This instance charges <strong>${percent(fee)}</strong> on top of the upstream price (<code>LOWROUTER_FEE_PERCENT</code>, default ${percent(ctx.defaults.feePercent)}). A request’s charge is the upstream price of the tokens it used (input, cached input and cache writes at their own prices, output), plus the fee on that amount, each rounded half up to the micro-dollar. The response shows the total in <code>usage.cost</code> (USD); the request row keeps the upstream cost and the charge apart.</p>
<h2 id="402">402: insufficient credits</h2>
<p>When the hold does not fit in the organisation’s available credit (balance minus what other requests in flight hold), the request is refused before it is sent, with HTTP <code>402</code> in OpenAI’s error envelope (<code>type</code> and <code>code</code> <code>insufficient_credits</code>) or the <code>InsufficientCredits</code> result of the GraphQL <code>complete</code> mutation. The message says how much the request would hold and why (its output allowance times the output price, plus its input bound), how much is available, and that setting <code>max_tokens</code> lowers the hold. Nothing is charged for a refused request.</p>
<p>What to do:</p>
<ol>
<li>Set <code>max_tokens</code> to what you expect the answer to need; retry.</li>
<li>Choose a cheaper model, or <code>lowrouter/auto</code>.</li>
<li>Ask the instance admin to grant credit (below).</li>
</ol>
<h2 id="grant">How an instance admin grants credit</h2>
<p>Only the instance admin key (the one printed at first start, or <code>LOWROUTER_ADMIN_KEY</code>) may grant credit. Use the form in <a href="/settings">Settings</a>, or the <code>grantCredits</code> mutation; each grant is a ledger entry and an audit-log entry with the admin key and your note:</p>
${code(`mutation {
  grantCredits(orgId: "org_default", amountUsd: 25, note: "December budget") {
    __typename
    ... on GrantCreditsSuccess { balanceUsd ledgerEntry { id } }
    ... on Error { message }
  }
}`)}
<p><code>amountUsd</code> is more than 0 with at most 6 decimals. Any key with the <code>read</code> scope reads its organisation’s balance and ledger with <code>credits { balanceUsd ledger { … } }</code>.</p>
<h2 id="exports">Exports for finance</h2>
<p>Two CSV exports, streamed, for any key with the <code>read</code> scope (the instance admin may pass <code>orgId</code>):</p>
<ul>
<li><code>GET /export/usage.csv</code>: sums per bucket, grouped by <code>groupBy</code> (${USAGE_GROUP_BY.join(', ')}); columns after the groups: ${EXPORT_COLUMNS.usageMeasures.join(', ')}.</li>
<li><code>GET /export/requests.csv</code>: one row per request; columns: ${EXPORT_COLUMNS.requests.join(', ')}.</li>
</ul>
<p>Money columns are USD with six decimals, exact. See <a href="/docs/guides/bi">BI tools</a> for filters and examples.</p>`;
}

export function selfHostingPage(ctx: DocsContext): Raw {
  const d = ctx.defaults;
  const c = ctx.config;
  const metrics = createGatewayMetrics()
    .render()
    .split('\n')
    .flatMap((l) => {
      const m = /^# HELP (\S+) (.*)$/.exec(l);
      return m ? [{ name: m[1]!, help: m[2]! }] : [];
    });
  const rows: [string, string, string][] = [
    ['PORT, HOST', `${d.port}, ${d.host}`, 'Where the gateway listens.'],
    ['DATABASE_URL', 'unset', 'PostgreSQL connection URL. Unset: the embedded PGlite database.'],
    ['LOWROUTER_DATA_DIR', d.dataDir, 'PGlite data directory (when DATABASE_URL is unset).'],
    [
      'LOWROUTER_PG_PREPARE',
      String(d.pgPrepare),
      'Prepared statements on PostgreSQL; false behind PgBouncer in transaction mode.',
    ],
    ['LOWROUTER_ADMIN_KEY', 'generated', 'The instance admin key (lr_ + 43 or more base62 characters).'],
    [
      'LOWROUTER_KEY_SECRET',
      'generated, kept in the database',
      'HMAC secret API keys are hashed under. Set it in production.',
    ],
    [
      'LOWROUTER_FEE_PERCENT',
      `${d.feePercent}`,
      `Platform fee on the upstream price, percent. This instance: ${c.feePercent}.`,
    ],
    [
      'LOWROUTER_HIGH_INTENSITY_THRESHOLD',
      `${d.highIntensityThreshold}`,
      `gCO2e/kWh above which a region is tried last unless pinned. This instance: ${c.highIntensityThreshold}.`,
    ],
    ['LOWROUTER_MAX_BODY_BYTES', `${d.maxBodyBytes}`, 'Request body limit, bytes (413 beyond).'],
    ['LOWROUTER_MAX_MESSAGES', `${d.maxMessages}`, 'Messages per request.'],
    [
      'LOWROUTER_MAX_IN_FLIGHT',
      `${d.maxInFlight}`,
      '/v1 requests one process serves at once; beyond, 503 with retry-after.',
    ],
    [
      'LOWROUTER_HEADERS_TIMEOUT_MS',
      `${d.headersTimeoutMs}`,
      'Time a client has to send its headers, ms (408 beyond).',
    ],
    [
      'LOWROUTER_RETENTION_MONTHS',
      `${d.retentionMonths}`,
      'Months of request rows kept on PostgreSQL (0 keeps all); daily rollups stay.',
    ],
    [
      'LOWROUTER_STREAM_STALL_MS',
      `${d.streamStallMs}`,
      'A streaming client that reads nothing this long is treated as gone, ms.',
    ],
    [
      'LOWROUTER_WORKERS',
      'one per core',
      'Processes serving the port on PostgreSQL. PGlite always uses one.',
    ],
    ['LOWROUTER_KEY_CACHE_MAX', `${d.keyCacheMax}`, 'API keys cached per process.'],
    [
      'LOWROUTER_FAILED_AUTH_PER_MINUTE',
      `${d.failedAuthPerMinute}`,
      'Failed authentications per minute per address before 429; 0 turns it off.',
    ],
    [
      'LOWROUTER_TRUST_PROXY',
      String(d.trustProxy),
      'Count failures under the last X-Forwarded-For hop; only behind a proxy that appends it.',
    ],
    ['LOWROUTER_LOG_LEVEL', d.logLevel, 'debug, info, warn, error or silent; JSON lines on stderr.'],
    [
      'LOWROUTER_<PROVIDER>_API_KEY',
      'unset',
      'Credentials per provider (id upper-cased, - as _). OPENAI_API_KEY, ANTHROPIC_API_KEY, MISTRAL_API_KEY, GEMINI_API_KEY also work.',
    ],
    [
      'LOWROUTER_<PROVIDER>_BASE_URL',
      'from the catalog',
      'Override a provider’s base URL (required for self-hosted vLLM and Ollama).',
    ],
  ];
  return html`<h1>Self-hosting</h1>
<p class="lead">One Node.js process (or one per core), one database, configured by environment variables.</p>
<h2 id="configuration">Configuration</h2>
<p>Every setting is an environment variable, read once at start; an invalid value stops the start with a message naming it. Defaults below are read from the code; where this instance differs, it says so.</p>
<div class="table-wrap"><table class="cards">
<thead><tr><th scope="col">Variable</th><th scope="col">Default</th><th scope="col">Meaning</th></tr></thead>
<tbody>
${rows.map(([v, def, m]) => html`<tr><td data-label="Variable"><code>${v}</code></td><td data-label="Default" class="nowrap">${def}</td><td data-label="Meaning">${m}</td></tr>\n`)}</tbody>
</table></div>
<p>An endpoint whose provider has no credentials is reported unavailable and never called. ${n(ctx.facts.selfHostedProviders)} catalog providers are self-hosted (vLLM, Ollama): give them a base URL.</p>
<h2 id="postgresql">PostgreSQL</h2>
<p>Without <code>DATABASE_URL</code>, LowRouter runs PGlite, an embedded PostgreSQL, in <code>${d.dataDir}/</code>: good for one machine and one process. For production, point <code>DATABASE_URL</code> at PostgreSQL:</p>
${code(`DATABASE_URL=postgres://lowrouter:secret@db.internal:5432/lowrouter \\
LOWROUTER_KEY_SECRET=$(openssl rand -hex 32) \\
${PNPM} start`)}
<p>On PostgreSQL, <code>pnpm start</code> runs migrations and the catalog import once, then forks one worker per core (<code>LOWROUTER_WORKERS</code>) on the same port; a worker that dies is replaced, and the <code>x-lowrouter-node</code> header names the process that answered. Request rows are partitioned by month, so <code>LOWROUTER_RETENTION_MONTHS</code> drops old months cheaply. Behind PgBouncer in transaction mode set <code>LOWROUTER_PG_PREPARE=false</code>.</p>
<h2 id="backups">Backups</h2>
<ul>
<li><strong>PostgreSQL</strong>: back up the database with your usual tools (<code>pg_dump</code>, or base backups with WAL archiving). Everything LowRouter keeps is in it: organisations, hashed keys, the credit ledger, requests and their estimates, rollups, the audit log, the catalog and grid imports.</li>
<li><strong>PGlite</strong>: stop the gateway, copy the data directory (<code>${d.dataDir}/</code>), start it again. Copying it while the gateway runs can give a torn copy.</li>
<li>Keep <code>LOWROUTER_KEY_SECRET</code> with the backup (or the generated one is in the database): without it no API key verifies.</li>
</ul>
<h2 id="metrics">Metrics and health</h2>
<p><code>GET /metrics</code> serves Prometheus text; <code>GET /healthz</code> answers while the process is alive and <code>GET /readyz</code> while the database answers (503 otherwise). The metrics:</p>
<div class="table-wrap"><table>
<thead><tr><th scope="col">Metric</th><th scope="col">Meaning</th></tr></thead>
<tbody>
${metrics.map((m) => html`<tr><td><code>${m.name}</code></td><td>${m.help}</td></tr>\n`)}</tbody>
</table></div>
<p>Logs are JSON lines on stderr at <code>LOWROUTER_LOG_LEVEL</code>; secrets (keys, provider credentials) never appear in them, and every unexpected error is logged under the request id the client received.</p>
<h2 id="upgrades">Upgrades</h2>
<ol>
<li>Back up (above).</li>
<li>Fetch the new version and run <code>${PNPM} install</code>.</li>
<li>Apply migrations with <code>pnpm lowrouter migrate</code>, or let <code>pnpm start</code> do it (it migrates before serving, and rebuilds what is stale). Migrations live in <code>api/drizzle/</code> (applied in order, each once, recorded in the database) and only move forward.</li>
<li>Start the gateway. The catalog (models, prices, regions) is imported again from <code>data/</code> on every start; grid figures you imported stay.</li>
</ol>`;
}

export function biPage(ctx: DocsContext): Raw {
  const port = ctx.defaults.port;
  const base = `http://localhost:${port}`;
  return html`<h1>BI tools</h1>
<p class="lead">Usage, cost, energy and gCO2e into spreadsheets and dashboards, from GraphQL or CSV.</p>
<p>Both need a key with the <code>read</code> scope, sent as <code>Authorization: Bearer lr_…</code>. A key reads its own organisation; the instance admin can pass <code>orgId</code>.</p>
<h2 id="csv">CSV</h2>
<p>The simplest path for Excel, Google Sheets, Power BI, Tableau or Metabase: a URL that returns CSV.</p>
${code(`curl -H "Authorization: Bearer $LOWROUTER_READ_KEY" \\
  "${base}/export/usage.csv?from=2026-11-01&to=2026-12-01&groupBy=day,model"`)}
<ul>
<li><code>/export/usage.csv</code> takes ${EXPORT_COLUMNS.usageParams.map((p, i) => html`${i ? ', ' : ''}<code>${p}</code>`)}. <code>groupBy</code> is any of ${USAGE_GROUP_BY.join(', ')} (comma-separated).</li>
<li><code>/export/requests.csv</code> takes ${EXPORT_COLUMNS.requestsParams.map((p, i) => html`${i ? ', ' : ''}<code>${p}</code>`)}.</li>
<li>Lists (<code>models</code>, <code>providers</code>, …) are comma-separated; dates are ISO 8601; <code>status</code> is <code>ok</code> or <code>error</code>. A bad parameter answers 400 naming it.</li>
</ul>
<p>Tools that cannot send a header can go through a small proxy, or read the CSV a scheduled job saves.</p>
<h2 id="graphql">GraphQL</h2>
<p>For tools with a GraphQL connector, or your own scripts: <code>usage</code> returns sums per bucket, <code>requests</code> one row per request (pages of ${DEFAULT_PAGE_SIZE} by default, at most ${MAX_PAGE_SIZE}, with a cursor).</p>
${code(`query {
  usage(filter: { from: "2026-11-01T00:00:00Z", to: "2026-12-01T00:00:00Z" },
        groupBy: [DAY, PROVIDER], timezone: "UTC") {
    day provider requests costUsd
    energyWh { min max mid } gco2e { min max mid }
  }
}`)}
<p>Every type and field is described in the <a href="/docs/api/graphql">GraphQL reference</a>; the schema is also committed as <code>api/schema.graphql</code> for tools that import SDL.</p>
<h2 id="reading">Reading the figures</h2>
<ul>
<li>Money is exact: USD with six decimals, summed from integer micro-USD.</li>
<li>Energy (Wh) and gCO2e are ranges: sum <code>min</code> with <code>min</code> and <code>max</code> with <code>max</code>; <code>mid</code> is their midpoint. They are estimates; see <a href="/docs/sustainable-ai/sustainability-first">what is not measured</a>.</li>
<li>Buckets are UTC days (the rollup is kept per UTC day); <code>timezone</code> accepts only UTC. For local-time detail, read <code>requests</code> or <code>/export/requests.csv</code>, whose timestamps are UTC.</li>
</ul>`;
}
