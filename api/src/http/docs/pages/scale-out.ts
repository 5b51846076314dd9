/**
 * /docs/guides/scale-out: many stateless gateway nodes over one PostgreSQL, what they share and how,
 * sizing from measured figures, and the plan beyond one primary. Every figure comes from the committed
 * measurement (ctx.scaleOut, written by `pnpm bench nodes --write`), never from the prose.
 */
import type { DocsContext } from '../context';
import { code } from '../context';
import { html, type Raw } from '../html';
import type { RecordWrite, ScaleOutMeasured } from '../measured';
import { PNPM } from './start';

const SECONDS_PER_DAY = 86_400;
/** Citus worker counts the plan below is sized for. */
const CITUS_WORKERS = [4, 16];

const num = (v: number | null | undefined, digits = 0) =>
  v == null || !Number.isFinite(v)
    ? 'n/a'
    : v.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
/** 12 300 000 → "12.3 million". */
const big = (v: number) =>
  v >= 1e9 ? `${num(v / 1e9, 1)} billion` : v >= 1e6 ? `${num(v / 1e6, 1)} million` : num(v);

/** What the measurement says about the single primary; null parts when that part was not measured. */
export function sizing(m: ScaleOutMeasured) {
  const oneNode = m.nodes.find((x) => x.nodes === 1);
  const perNodeRps = oneNode ? Math.max(...oneNode.levels.map((l) => l.rps)) : null;
  const find = (batch: number, writers: number, orgs: number) =>
    m.writes.find((w) => w.batch === batch && w.writers === writers && w.organizations === orgs);
  const best = m.writes.reduce<RecordWrite | null>(
    (a, w) => (!a || w.rowsPerSec > a.rowsPerSec ? w : a),
    null,
  );
  const single = find(1, 1, 1) ?? null;
  const manyOrgs = m.writes.find((w) => w.writers > 1 && w.organizations === w.writers) ?? null;
  const oneOrg = m.writes.find((w) => w.writers > 1 && w.organizations === 1) ?? null;
  const connPerNode = m.nodes.length
    ? Math.max(...m.nodes.map((x) => Math.ceil(x.connections / x.nodes)))
    : null;
  const nodesByConnections =
    connPerNode && m.postgres.maxConnections ? Math.floor(m.postgres.maxConnections / connPerNode) : null;
  const nodesByWrites = best && perNodeRps ? Math.floor(best.rowsPerSec / perNodeRps) : null;
  return {
    perNodeRps,
    best,
    single,
    manyOrgs,
    oneOrg,
    connPerNode,
    nodesByConnections,
    nodesByWrites,
    requestsPerDay: best ? best.rowsPerSec * SECONDS_PER_DAY : null,
    walMBPerSec: best ? (best.rowsPerSec * best.walBytesPerRow) / 1e6 : null,
    walGBPerDay: best ? (best.rowsPerSec * best.walBytesPerRow * SECONDS_PER_DAY) / 1e9 : null,
  };
}

function nodesTable(m: ScaleOutMeasured): Raw {
  return html`<div class="table-wrap"><table>
<thead><tr><th scope="col" class="num">Nodes</th><th scope="col" class="num">Concurrency</th><th scope="col" class="num">Requests/s</th><th scope="col" class="num">p50 ms</th><th scope="col" class="num">p99 ms</th><th scope="col">Errors</th><th scope="col">Peak RSS per node (MB)</th><th scope="col" class="num">PostgreSQL connections</th></tr></thead>
<tbody>
${m.nodes.flatMap((x) => x.levels.map((l) => html`<tr><td class="num">${x.nodes}</td><td class="num">${l.concurrency}</td><td class="num">${num(l.rps)}</td><td class="num">${num(l.p50Ms, 2)}</td><td class="num">${num(l.p99Ms, 2)}</td><td>${l.errors}</td><td>${l.peakRssMbPerNode.map((r) => num(r)).join(', ')}</td><td class="num">${x.connections}</td></tr>\n`))}</tbody>
</table></div>`;
}

function writesTable(m: ScaleOutMeasured): Raw {
  return html`<div class="table-wrap"><table>
<thead><tr><th scope="col" class="num">Rows per batch</th><th scope="col" class="num">Writers</th><th scope="col" class="num">Organisations</th><th scope="col" class="num">Rows/s</th><th scope="col" class="num">Commits/s</th><th scope="col" class="num">WAL bytes per row</th></tr></thead>
<tbody>
${m.writes.map((w) => html`<tr><td class="num">${w.batch}</td><td class="num">${w.writers}</td><td class="num">${w.organizations}</td><td class="num">${num(w.rowsPerSec)}</td><td class="num">${num(w.commitsPerSec)}</td><td class="num">${num(w.walBytesPerRow)}</td></tr>\n`)}</tbody>
</table></div>`;
}

/** Which limit of the single primary comes first, with the measured numbers. */
function firstLimit(s: ReturnType<typeof sizing>, m: ScaleOutMeasured): Raw {
  if (s.nodesByConnections == null || s.nodesByWrites == null || !s.best || !s.perNodeRps) return html``;
  const byConnections = html`<strong>connections</strong>: ${s.connPerNode} per node against <code>max_connections</code> = ${num(m.postgres.maxConnections)} is ${s.nodesByConnections} nodes without PgBouncer`;
  const byWrites = html`<strong>the record write rate</strong>: ${num(s.best.rowsPerSec)} rows/s is ${s.nodesByWrites} nodes at the measured ${num(s.perNodeRps)} requests/s each`;
  return s.nodesByConnections <= s.nodesByWrites
    ? html`<p>What runs out first, on these figures: ${byConnections}; then ${byWrites}. PgBouncer in transaction mode lifts the first limit (a node needs a server connection only while a statement runs; it keeps only its session connections through <code>DATABASE_DIRECT_URL</code>, for its advisory lock and <code>LISTEN</code>), which leaves the write rate.</p>`
    : html`<p>What runs out first, on these figures: ${byWrites}; before ${byConnections}.</p>`;
}

export function scaleOutPage(ctx: DocsContext): Raw {
  const m = ctx.scaleOut;
  const s = sizing(m);
  const measured = m.nodes.length > 0 || m.writes.length > 0;
  const three = m.nodes.find((x) => x.nodes === 3);
  const c64 = (x?: ScaleOutMeasured['nodes'][number]) =>
    x?.levels.find((l) => l.concurrency === 64)?.rps ?? null;
  const oneC64 = c64(m.nodes.find((x) => x.nodes === 1));
  const threeC64 = c64(three);
  return html`<h1>Scale out</h1>
<p>When one machine is not enough, run several gateway nodes behind a load balancer over one PostgreSQL. A node keeps nothing that another needs: credit, limits, circuit state and every record are in the database, so a node can be added, restarted or killed at any time.</p>
<h2 id="shared">What the nodes share, and how</h2>
<div class="table-wrap"><table>
<thead><tr><th scope="col">State</th><th scope="col">How it is shared</th><th scope="col">Round trips on the hot path</th></tr></thead>
<tbody>
<tr><td>Credit</td><td>Each node leases a block of an organisation’s credit (a reservation row) and admits requests against it in memory; near a zero balance it reserves exactly per request, so the balance never goes below zero. A node that dies (even <code>kill -9</code>) holds a session advisory lock no more: the sweep of any node, at its start and every minute, releases its leases and reservations.</td><td>none (a refill in the background)</td></tr>
<tr><td>Request records</td><td>Group commit: the rows, ledger debits, lease shrinks and rollups of the requests that finish together are written by one statement, committed before their answers complete.</td><td>one commit per batch</td></tr>
<tr><td>Rate limits</td><td>A node takes slices of a key’s per-minute budget from PostgreSQL (⌈limit/16⌉, growing with its demand up to ⌈limit/4⌉) and gives unused ones back after 2 s idle. Across all nodes, the requests (and estimated tokens) admitted per key in each aligned clock minute never exceed the limit. The error: a 60 s span straddling a minute boundary can reach twice the limit across nodes (one node alone never passes it in any 60 s); a refusal can come early by at most what other nodes hold unused, ≤ (nodes − 1) × ⌈limit/4⌉; a killed node’s unused slice is lost for that minute (less, never more).</td><td>one per slice</td></tr>
<tr><td>Circuit breakers</td><td>A small table every node polls about every 250 ms: a circuit opened on one node is seen by the others within a second, and one half-open probe per cool-down is sent for the whole cluster.</td><td>none (a background poll)</td></tr>
<tr><td>Keys, policies, grid</td><td>Revocations and changes are pushed to every node with <code>LISTEN</code>/<code>NOTIFY</code>.</td><td>none</td></tr>
</tbody>
</table></div>
<p>Through PgBouncer in transaction mode, set <code>LOWROUTER_PG_PREPARE=false</code> and give <code>DATABASE_DIRECT_URL</code> a direct connection to PostgreSQL for what needs a session (the node’s advisory lock, <code>LISTEN</code>). <code>DATABASE_READ_URL</code> sends analytics and exports to a streaming replica, off the primary. See <a href="/docs/guides/self-hosting#postgresql">Self-hosting</a> for the rest of the configuration.</p>
${code(`DATABASE_URL=postgres://lowrouter:secret@pgbouncer.internal:6432/lowrouter \\
DATABASE_DIRECT_URL=postgres://lowrouter:secret@db.internal:5432/lowrouter \\
DATABASE_READ_URL=postgres://lowrouter:secret@replica.internal:5432/lowrouter \\
LOWROUTER_PG_PREPARE=false \\
LOWROUTER_KEY_SECRET=the-same-on-every-node \\
${PNPM} start`)}
<h2 id="measured">Measured</h2>
${
  measured
    ? html`<p>Measured on ${m.date.slice(0, 10)} with <code>${m.command}</code>: ${m.machine.cores} cores (${m.machine.cpu}), ${m.machine.memoryGiB} GiB, Node ${m.machine.node}, PostgreSQL ${m.postgres.version} (<code>synchronous_commit</code> ${m.postgres.synchronousCommit}) on the same machine. Pinning: ${m.pinning}. Load average at the start: ${m.machine.loadAverage.join(', ')}. A shared or busy machine makes every figure here lower and noisier; re-run it on yours.</p>`
    : html`<p>Not measured yet: run <code>${PNPM} bench nodes --write</code>.</p>`
}
${
  m.nodes.length
    ? html`<h3 id="throughput">Throughput per node</h3>
<p>1, 2 and 3 gateway processes (<code>LOWROUTER_WORKERS=1</code> each, each its own port) over one database, a zero-latency fake upstream, each request sent to the next node in turn, ${num(m.levelSeconds)} s per level.</p>
${nodesTable(m)}
<p>With ${m.machine.cores} cores, the gateway processes share ${m.machine.cores > 1 ? 'one core' : 'the only core'} between them while the load generator and the fake upstream use the other${oneC64 && threeC64 ? html`: 3 nodes served ${num(threeC64)} requests/s at concurrency 64 against ${num(oneC64)} for one. With every node on the same core, this is not nodes adding up: that core stays saturated, and more processes on it cost more CPU per request (context switches, smaller record batches per node, each process’s own background work), while PostgreSQL, unpinned, shares the machine too. Nodes on machines of their own should each add about the single-node figure until the database limits below; one machine cannot measure that.` : '.'}</p>`
    : ''
}
${
  m.writes.length
    ? html`<h3 id="writes">Record write rate</h3>
<p>The real batch writer (what group commit calls) straight against PostgreSQL, back to back, each request row with its debit, lease shrink and rollups:</p>
${writesTable(m)}
<ul>
${s.best ? html`<li>At the best measured rate, ${num(s.best.rowsPerSec)} rows/s (batches of ${s.best.batch}), the primary records about ${big(s.requestsPerDay!)} requests per day, writing ${num(s.walMBPerSec, 1)} MB/s of WAL (${num(s.walGBPerDay, 0)} GB per day) at ${num(s.best.walBytesPerRow)} bytes per row.</li>\n` : ''}
${s.single ? html`<li>One row per commit reaches ${num(s.single.commitsPerSec)} commits/s: the commit (WAL flush) rate, not the rows, is the ceiling, and group commit multiplies it by the batch. Under load the batches grow by themselves (the rows that finish during a flush share the next one).</li>\n` : ''}
${s.manyOrgs && s.oneOrg ? html`<li>${s.manyOrgs.writers} writers on ${s.manyOrgs.organizations} organisations: ${num(s.manyOrgs.rowsPerSec)} rows/s; the same ${s.oneOrg.writers} writers on one organisation: ${num(s.oneOrg.rowsPerSec)} rows/s. Every batch updates its organisation’s balance row, so one organisation’s batches are serialised on that row lock: the busiest organisation gets at most one commit at a time.</li>\n` : ''}
${s.connPerNode != null ? html`<li>Each node held up to ${s.connPerNode} PostgreSQL connections while serving; <code>max_connections</code> is ${num(m.postgres.maxConnections)} here.</li>\n` : ''}
</ul>
${firstLimit(s, m)}`
    : ''
}
<h2 id="beyond">Beyond one primary: a plan</h2>
<p>Not built; what the figures above say to do next, in order.</p>
<ol>
<li><strong>Partition by organisation with Citus.</strong> Distribute the tables every request writes by <code>org_id</code>, co-located so a record batch stays on one shard: <code>organizations</code> (its balance row), <code>requests</code> (keeping its monthly partitions), <code>credit_ledger</code>, <code>credit_reservations</code>, <code>usage_daily</code>, <code>usage_hourly</code>, and <code>audit_log</code> once its chain is per organisation (below). The catalog (<code>models</code>, <code>providers</code>, <code>regions</code>, <code>endpoints</code>), the grid and <code>api_keys</code> (read on every request by a hash that does not name the organisation) become reference tables, copied to every worker. The coordinator keeps what is small and global: instance settings, the rate-limit slices and breaker table, node liveness (advisory locks). ${s.best ? html`If each worker sustains the write rate measured here, ${CITUS_WORKERS.map((w, i) => html`${i ? '; ' : ''}${w} workers record about ${big(w * s.requestsPerDay!)} requests per day`)}, and the balance row of one organisation stays the limit for that organisation.` : ''}</li>
<li><strong>A separate analytics store fed from the partitions.</strong> Logical decoding (<code>pgoutput</code>, or Debezium) of each worker’s <code>requests</code> into a column store (ClickHouse, or DuckDB over Parquet): dashboards, usage queries and exports read there, seconds behind, and the workers only write.${s.best ? html` The change stream is about the WAL volume above, ${num(s.walMBPerSec, 1)} MB/s per primary at the measured rate.` : ''}</li>
<li><strong>What the gateway would change.</strong> Group commit forms one batch per organisation (one single-shard statement, no two-phase commit); every query names its <code>org_id</code> (most already do); the audit chain becomes one chain per organisation instead of one global chain serialised by an advisory lock; the reservation sweep runs per worker; cross-organisation admin reads (instance totals) go to the analytics store.</li>
</ol>`;
}
