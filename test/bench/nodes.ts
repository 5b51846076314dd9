/**
 * `pnpm bench nodes`: LowRouter scaled out, on PostgreSQL only (TEST_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres).
 *
 * 1. Nodes: for 1, 2 and 3 gateway processes on one throwaway database (each its own port,
 *    LOWROUTER_WORKERS=1), a zero-latency fake upstream, and the load generator of `pnpm bench load`
 *    sending each request to the next node in turn: req/s with p50/p99 at c=16 and c=64, errors by
 *    status, peak RSS per node, and the PostgreSQL connections the nodes hold. On a 2-core machine
 *    the load generator and the fake upstream share CPU 0 and EVERY gateway process shares CPU 1
 *    (taskset), so the figure is what one core of gateway serves, split over 1, 2 or 3 processes.
 * 2. Record writes: the real batch writer (`recordBatch`, what group commit calls) straight against
 *    PostgreSQL with batches of 1, 16, 64 and 256 rows, one writer, then 4 writers on 4 organisations
 *    and 4 writers on one: rows/s, commits/s and WAL bytes per row.
 *
 * Flags: --quick (short durations) · --write (the results as JSON into MEASURED, which the
 * /docs/guides/scale-out page renders) · --only=nodes,writes.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type BatchItem, recordBatch } from '@lowrouter/api/billing/record';
import { fundedOrg, testRow } from '@lowrouter/api/billing/test-support';
import { reserveCredit } from '@lowrouter/api/billing/ledger';
import { openDb } from '@lowrouter/api/db/client';
import { runMigrations } from '@lowrouter/api/db/migrate';
import { createTestDatabase } from '@lowrouter/api/db/testing';
import type { ScaleOutMeasured } from '@lowrouter/api/http/docs/measured';
import { closedLoop, quantile, rps } from './load/loadgen';
import { type GatewayUnderTest, startLowRouter } from './load/lowrouter';
import { CAN_PIN, GATEWAY_CPU, LOAD_CPU, pinSelf, sampleRss, startBenchUpstream } from './load/proc';
import { errorText, levelLine } from './load/report';

/** The committed file the docs page reads. */
export const MEASURED = fileURLToPath(
  new URL('../../api/src/http/docs/measured/scale-out.json', import.meta.url),
);

const NODE_COUNTS = [1, 2, 3];
const LEVELS = [16, 64];
const BATCHES = [1, 16, 64, 256];

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

interface Options {
  quick: boolean;
  write: boolean;
  levelMs: number;
  warmupMs: number;
  writeMs: number;
  only: ('nodes' | 'writes')[];
}

function parseFlags(args: string[]): Options {
  const known = ['--quick', '--write', '--only'];
  const unknown = args.filter((a) => !known.some((k) => a === k || a.startsWith(`${k}=`)));
  if (unknown.length) throw new Error(`unknown flag ${unknown.join(' ')}; have ${known.join(', ')}`);
  const quick = args.includes('--quick');
  const only = (args
    .find((a) => a.startsWith('--only='))
    ?.slice(7)
    .split(',') ?? ['nodes', 'writes']) as Options['only'];
  if (only.some((o) => o !== 'nodes' && o !== 'writes')) throw new Error('--only takes nodes,writes');
  return {
    quick,
    write: args.includes('--write'),
    levelMs: quick ? 4_000 : 15_000,
    warmupMs: quick ? 1_000 : 3_000,
    writeMs: quick ? 2_000 : 8_000,
    only,
  };
}

/** Connections to `databaseUrl`'s database right now, not counting the one asking. */
async function connectionsTo(databaseUrl: string): Promise<number> {
  const handle = await openDb({ databaseUrl, maxConnections: 1 });
  try {
    const [row] = await handle.exec(
      'select count(*)::int as n from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()',
    );
    return Number(row!.n);
  } finally {
    await handle.close();
  }
}

async function measureNodes(
  count: number,
  fakeBase: string,
  o: Options,
): Promise<ScaleOutMeasured['nodes'][number]> {
  const nodes: GatewayUnderTest[] = [];
  try {
    const first = await startLowRouter('postgres', fakeBase);
    nodes.push(first);
    for (let i = 1; i < count; i++)
      nodes.push(await startLowRouter('postgres', fakeBase, { join: first.shared! }));
    const targets = nodes.map((n) => n.target);
    await closedLoop(targets, 16, o.warmupMs); // JIT, pools, credit leases warm; not counted
    const connections = await connectionsTo(first.shared!.databaseUrl);
    const levels: ScaleOutMeasured['nodes'][number]['levels'] = [];
    for (const c of LEVELS) {
      const rss = nodes.map((n) => sampleRss(n.pid));
      const r = await closedLoop(targets, c, o.levelMs);
      const peaks = rss.map((s) => s.stop());
      say(levelLine(`${count} node${count > 1 ? 's' : ''}`, r, Math.max(...peaks.map((p) => p ?? 0))));
      levels.push({
        concurrency: c,
        seconds: Math.round(r.durationMs) / 1000,
        rps: Math.round(rps(r)),
        p50Ms: round2(quantile(r.latencies, 0.5)),
        p99Ms: round2(quantile(r.latencies, 0.99)),
        errors: errorText(r),
        peakRssMbPerNode: peaks.map((p) => (p ? Math.round(p / 2 ** 20) : null)),
      });
    }
    say(`${count} node(s): ${connections} PostgreSQL connections open while serving`);
    return { nodes: count, connections, levels };
  } finally {
    // Joined nodes first: the first one owns (and drops) the database.
    for (const n of [...nodes].reverse()) await n.stop();
  }
}

const round2 = (x: number) => (Number.isFinite(x) ? Math.round(x * 100) / 100 : null);

/** `recordBatch` back to back for `ms`, by `writers` concurrent writers over `orgs` organisations. */
async function measureWrites(
  o: Options,
): Promise<{ writes: ScaleOutMeasured['writes']; postgres: ScaleOutMeasured['postgres'] }> {
  const created = await createTestDatabase();
  const handle = await openDb({ databaseUrl: created.url, maxConnections: 8 });
  const writes: ScaleOutMeasured['writes'] = [];
  try {
    await runMigrations(handle);
    const [pg] = await handle.exec(
      "select current_setting('server_version') as version, current_setting('max_connections')::int as max, current_setting('synchronous_commit') as sync",
    );
    let seq = 0;
    let orgSeq = 0;
    /** An organisation with ample credit and one lease (as a node holds) its debits shrink. */
    const org = async () => {
      const id = `org_w${orgSeq++}`;
      await fundedOrg(handle.db, id, 1e15);
      const leaseId = `lease:bench:${id}`;
      await reserveCredit(handle.db, {
        orgId: id,
        requestId: leaseId,
        amountMicro: 1e14,
        nodeId: 'node_bench',
      });
      return { id, leaseId };
    };
    const batch = (o: { id: string; leaseId: string }, size: number): BatchItem[] =>
      Array.from({ length: size }, () => ({
        row: testRow(`req_w${seq++}`, o.id, 37, {
          createdAt: new Date(),
          modelId: 'openai/gpt-4o-mini',
          providerId: 'openai',
          regionId: 'openai-us',
          inputTokens: 86,
          outputTokens: 16,
          latencyMs: 5,
        }),
        releaseReservation: false,
        lease: { leaseId: o.leaseId, shrinkMicro: 37 },
      }));
    const cases = [
      ...BATCHES.map((size) => ({ size, writers: 1, orgs: 1 })),
      { size: 64, writers: 4, orgs: 4 },
      { size: 64, writers: 4, orgs: 1 },
    ];
    for (const c of cases) {
      const orgs = await Promise.all(Array.from({ length: c.orgs }, org));
      const [before] = await handle.exec('select pg_current_wal_lsn()::text as lsn');
      let rows = 0;
      let commits = 0;
      const t0 = performance.now();
      const end = t0 + o.writeMs;
      await Promise.all(
        Array.from({ length: c.writers }, async (_, w) => {
          while (performance.now() < end) {
            await recordBatch(handle.db, batch(orgs[w % orgs.length]!, c.size));
            rows += c.size;
            commits++;
          }
        }),
      );
      const seconds = (performance.now() - t0) / 1000;
      const [wal] = await handle.exec(
        'select pg_wal_lsn_diff(pg_current_wal_lsn(), $1::pg_lsn)::bigint as bytes',
        [before!.lsn],
      );
      const entry = {
        batch: c.size,
        writers: c.writers,
        organizations: c.orgs,
        seconds: Math.round(seconds * 10) / 10,
        rowsPerSec: Math.round(rows / seconds),
        commitsPerSec: Math.round(commits / seconds),
        walBytesPerRow: Math.round(Number(wal!.bytes) / rows),
      };
      writes.push(entry);
      say(
        `recordBatch ×${String(c.size).padEnd(3)} ${c.writers} writer(s) on ${c.orgs} org(s): ` +
          `${entry.rowsPerSec} rows/s, ${entry.commitsPerSec} commits/s, ${entry.walBytesPerRow} WAL bytes/row`,
      );
    }
    return {
      writes,
      postgres: {
        version: String(pg!.version),
        maxConnections: Number(pg!.max),
        synchronousCommit: String(pg!.sync),
      },
    };
  } finally {
    await handle.close();
    await created.drop();
  }
}

export async function run(args: string[]): Promise<void> {
  const o = parseFlags(args);
  process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  const pinned = pinSelf(LOAD_CPU);
  const pinning = pinned
    ? `load generator, fake upstream and record-write client on CPU ${LOAD_CPU}; every gateway process on CPU ${GATEWAY_CPU} (taskset); PostgreSQL unpinned`
    : `none (taskset ${CAN_PIN ? 'failed' : 'absent or a single CPU'}): every process shares every CPU`;
  const load = loadavg().map((x) => Math.round(x * 100) / 100);
  say(`pinning: ${pinning}\nload average at start ${load.join(' ')}`);
  const result: ScaleOutMeasured = {
    date: new Date().toISOString(),
    command: `pnpm bench nodes ${args.join(' ')}`.trim(),
    machine: {
      cores: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverage: load,
    },
    pinning,
    levelSeconds: o.levelMs / 1000,
    nodes: [],
    writes: [],
    postgres: { version: 'unknown', maxConnections: 0, synchronousCommit: 'unknown' },
  };
  if (o.only.includes('nodes')) {
    const fake = await startBenchUpstream();
    try {
      for (const count of NODE_COUNTS) result.nodes.push(await measureNodes(count, fake.baseUrl, o));
    } finally {
      await fake.stop();
    }
  }
  if (o.only.includes('writes')) Object.assign(result, await measureWrites(o));
  say(
    '\n| nodes | c | req/s | p50 ms | p99 ms | errors | peak RSS per node (MB) |\n|---:|---:|---:|---:|---:|---|---|',
  );
  for (const n of result.nodes)
    for (const l of n.levels)
      say(
        `| ${n.nodes} | ${l.concurrency} | ${l.rps} | ${l.p50Ms} | ${l.p99Ms} | ${l.errors} | ${l.peakRssMbPerNode.join(', ')} |`,
      );
  if (o.write) {
    writeFileSync(MEASURED, `${JSON.stringify(result, null, 2)}\n`);
    say(`\nwrote ${MEASURED}`);
  }
}
