/**
 * `pnpm bench pglite-thread`: PGlite in the serving thread (as before) against PGlite in its worker
 * (db/client.ts now). For each: per-statement latency of a trivial query and of a drizzle point
 * select (sequential, µs), and the event-loop delay (perf_hooks.monitorEventLoopDelay, ms) while a
 * statement-heavy loop runs: small inserts and selects, then aggregates over 200,000 rows. The delay
 * is what every request handled by the same thread would wait on top of its own work.
 * `--n=N` statements per latency run (default 2000).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { PGlite } from '@electric-sql/pglite';
import { type DbHandle, openDb, resultRows } from '@lowrouter/api/db/client';
import { sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/pglite';

type Runner = {
  label: string;
  db: DbHandle['db'];
  raw: (q: string) => Promise<unknown>;
  close: () => Promise<void>;
};

async function inThread(): Promise<Runner> {
  const pg = new PGlite();
  await pg.waitReady;
  return {
    label: 'in-thread',
    db: drizzle(pg) as unknown as DbHandle['db'],
    raw: (q) => pg.query(q),
    close: () => pg.close(),
  };
}

async function inWorker(): Promise<Runner> {
  const h = await openDb({ dataDir: 'memory://' });
  return { label: 'worker', db: h.db, raw: (q) => h.exec(q), close: () => h.close() };
}

const q = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.floor(p * (xs.length - 1))]!;

async function latency(n: number, fn: (i: number) => Promise<unknown>): Promise<string> {
  for (let i = 0; i < 100; i++) await fn(i);
  const us: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn(i);
    us.push((performance.now() - t0) * 1000);
  }
  return `median ${q(us, 0.5).toFixed(0)} µs, p99 ${q(us, 0.99).toFixed(0)} µs`;
}

/**
 * Event-loop delay while `work` runs: perf_hooks.monitorEventLoopDelay (which records nothing when
 * the loop never turns), and the gaps between turns of a 1 ms timer, up to the end of the work.
 */
async function lag(work: () => Promise<void>): Promise<string> {
  const h = monitorEventLoopDelay({ resolution: 1 });
  h.enable();
  const gaps: number[] = [];
  let last = performance.now();
  let running = true;
  let timer: NodeJS.Timeout | undefined;
  const tick = () => {
    const now = performance.now();
    gaps.push(now - last);
    last = now;
    if (running) timer = setTimeout(tick, 1);
  };
  timer = setTimeout(tick, 1);
  const t0 = performance.now();
  await work();
  const ms = performance.now() - t0;
  running = false;
  clearTimeout(timer);
  gaps.push(performance.now() - last);
  h.disable();
  const f = (ns: number) => (ns / 1e6).toFixed(1);
  return (
    `timer turns ${gaps.length}, gap p50 ${q(gaps, 0.5).toFixed(1)} ms, p99 ${q(gaps, 0.99).toFixed(1)} ms, ` +
    `max ${Math.max(...gaps).toFixed(0)} ms; monitorEventLoopDelay ${h.count} samples, p99 ${f(h.count ? h.percentile(99) : 0)} ms, ` +
    `max ${f(h.count ? h.max : 0)} ms (loop took ${ms.toFixed(0)} ms)`
  );
}

export async function run(args: string[]): Promise<void> {
  const n = Number(args.find((a) => a.startsWith('--n='))?.slice(4) ?? 2000);
  for (const open of [inThread, inWorker]) {
    const r = await open();
    await r.raw('create table kv (id int primary key, v text)');
    await r.raw('insert into kv select g, md5(g::text) from generate_series(1, 200000) g');
    const w = (line: string) => process.stdout.write(`${r.label.padEnd(9)} ${line}\n`);
    w(`select 1: ${await latency(n, () => r.raw('select 1'))}`);
    w(
      `drizzle point select: ${await latency(n, (i) =>
        r.db.execute(sql`select v from kv where id = ${(i % 200000) + 1}`).then(resultRows),
      )}`,
    );
    w(
      `small statements (${n} insert+select): ${await lag(async () => {
        for (let i = 0; i < n; i++) {
          await r.db.execute(sql`insert into kv values (${300000 + i}, 'x') on conflict do nothing`);
          await r.db.execute(sql`select v from kv where id = ${300000 + i}`);
        }
      })}`,
    );
    w(
      `aggregates (20 × group by over 200k rows): ${await lag(async () => {
        for (let i = 0; i < 20; i++) await r.raw('select left(v, 1) k, count(*) from kv group by 1');
      })}`,
    );
    await r.close();
  }
}
