/**
 * `pnpm bench load`: LowRouter's pipeline under load, side by side with the Portkey gateway, in one run.
 * A zero-latency fake OpenAI upstream (its own process) and this load generator share one CPU; the
 * gateway under test runs alone on the other (taskset). For each of LowRouter on PGlite, LowRouter on
 * a throwaway PostgreSQL database and Portkey: the overhead at concurrency 1 (interleaved pairs direct
 * vs through the gateway), req/s with p50/p99 at c=1, 16, 64 and a long run at 256, errors by status
 * (503 shedding apart), peak RSS, circuits opened; then a markdown table and the targets as PASS/FAIL.
 *
 * Flags: --quick (short durations) · --durations=OVERHEAD,LEVEL,LONG (seconds, default 10,10,30)
 * · --only=pglite,postgres,portkey · --cpu-prof[=DIR] (profile LowRouter, print the top 15 self times).
 * PostgreSQL: TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ROOT } from '../helpers/spawn-gateway';
import { monotonicUs, topSelfTime } from './load/cpu-profile';
import { closedLoop, interleavedOverhead, openPool, send, type Target } from './load/loadgen';
import { type GatewayUnderTest, LOWROUTER_ENTRY, startLowRouter } from './load/lowrouter';
import { startPortkey } from './load/portkey';
import {
  CAN_PIN,
  commCpuMs,
  cpuMs,
  GATEWAY_CPU,
  LOAD_CPU,
  pinSelf,
  sampleRss,
  startBenchUpstream,
} from './load/proc';
import {
  type GatewayResult,
  type LevelCpu,
  levelLine,
  markdownTable,
  overheadLine,
  targets,
} from './load/report';

type Side = 'pglite' | 'postgres' | 'portkey';
const SIDES: Side[] = ['pglite', 'postgres', 'portkey'];
const LEVELS = [1, 16, 64];
const LONG = 256;

interface Options {
  overheadMs: number;
  levelMs: number;
  longMs: number;
  warmupMs: number;
  only: Side[];
  cpuProfDir?: string;
}

function parseFlags(args: string[]): Options {
  const flag = (name: string) => args.find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  const value = (name: string) => flag(name)?.split('=').slice(1).join('=') || undefined;
  const known = ['quick', 'durations', 'only', 'cpu-prof'];
  const unknown = args.filter((a) => !known.some((k) => a === `--${k}` || a.startsWith(`--${k}=`)));
  if (unknown.length) throw new Error(`unknown flag ${unknown.join(' ')}; have --${known.join(', --')}`);
  const quick = Boolean(flag('quick'));
  let [overhead, level, long] = quick ? [3, 3, 6] : [10, 10, 30];
  const durations = value('durations');
  if (durations) {
    const parts = durations.split(',').map(Number);
    if (parts.length !== 3 || parts.some((n) => !(n > 0) || n > 600))
      throw new Error('--durations=OVERHEAD,LEVEL,LONG in seconds, each more than 0 and at most 600');
    [overhead, level, long] = parts as [number, number, number];
  }
  const only = (value('only')?.split(',') ?? SIDES) as Side[];
  const bad = only.filter((s) => !SIDES.includes(s));
  if (bad.length) throw new Error(`--only takes ${SIDES.join(',')}; not ${bad.join(',')}`);
  const prof = flag('cpu-prof');
  const cpuProfDir = prof
    ? resolve(value('cpu-prof') ?? mkdtempSync(join(tmpdir(), 'lowrouter-bench-cpuprof-')))
    : undefined;
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
  return {
    overheadMs: overhead! * 1000,
    levelMs: level! * 1000,
    longMs: long! * 1000,
    warmupMs: quick ? 1000 : 3000,
    only,
    cpuProfDir,
  };
}

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

/** Fails loudly unless the gateway answers a real completion (not an error page that is merely fast). */
async function sanityCheck(name: string, target: Target): Promise<void> {
  const pool = openPool(target.origin, 1);
  try {
    const r = await send(pool, target, undefined, true);
    const content = r.status === 200 ? JSON.parse(r.text!).choices?.[0]?.message?.content : undefined;
    if (typeof content !== 'string' || !content.includes('synthetic'))
      throw new Error(`${name} did not answer a completion: ${r.status} ${r.text?.slice(0, 300)}`);
  } finally {
    await pool.close();
  }
}

/** CPU time of what shares the load CPU: this process (the load generator) and the fake upstream. */
function loadCpuMs(fakePid: number): number | null {
  const self = cpuMs(process.pid);
  const fake = cpuMs(fakePid);
  return self !== null && fake !== null ? self + fake : null;
}

async function measure(
  gw: GatewayUnderTest,
  direct: Target,
  o: Options,
  window: { fromUs: number; toUs: number },
  fakePid: number,
): Promise<GatewayResult> {
  await sanityCheck(gw.name, gw.target);
  await closedLoop(gw.target, 16, o.warmupMs); // JIT, pools and caches warm; not counted
  window.fromUs = monotonicUs();
  const overhead = await interleavedOverhead(direct, gw.target, o.overheadMs);
  say(overheadLine(gw.name, overhead));
  const result: GatewayResult = { name: gw.name, overhead, levels: [], peakRss: {} };
  const circuits = new Set<string>();
  let inFlight: Promise<void> | undefined; // one health query at a time, however slow the answers
  const poll = () =>
    (inFlight ??= (async () => {
      for (const c of (await gw.openCircuits?.().catch(() => [])) ?? []) circuits.add(c);
      inFlight = undefined;
    })());
  for (const c of [...LEVELS, LONG]) {
    const rss = sampleRss(gw.pid);
    const cpu0 = cpuMs(gw.pid);
    const pg0 = gw.name.includes('PostgreSQL') ? commCpuMs('postgres') : undefined;
    const load0 = loadCpuMs(fakePid);
    const timer = gw.openCircuits ? setInterval(() => void poll(), 1000) : undefined;
    const level = await closedLoop(gw.target, c, c === LONG ? o.longMs : o.levelMs);
    clearInterval(timer);
    result.peakRss[c] = rss.stop();
    const cpu1 = cpuMs(gw.pid);
    const load1 = loadCpuMs(fakePid);
    const cpu: LevelCpu = {
      loadMs: load0 !== null && load1 !== null ? load1 - load0 : null,
      gatewayMs: cpu0 !== null && cpu1 !== null ? cpu1 - cpu0 : null,
      postgresMs: pg0 !== undefined ? commCpuMs('postgres') - pg0 : undefined,
    };
    result.levels.push(level);
    say(levelLine(gw.name, level, result.peakRss[c]!, cpu));
  }
  window.toUs = monotonicUs();
  if (gw.openCircuits) {
    await poll(); // the one still running, if any
    await poll();
    result.circuits = [...circuits];
  }
  return result;
}

/** The top self times of the gateway's busiest thread (the main one; tsx adds a module-loader thread). */
function printProfile(name: string, dir: string, window: { fromUs: number; toUs: number }): void {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  if (!files.length) {
    say(`${name}: no .cpuprofile in ${dir} (did the gateway exit cleanly?)`);
    return;
  }
  const summaries = files
    .map((f) => ({ f: join(dir, f), s: topSelfTime(join(dir, f), 15, ROOT, window) }))
    .sort((a, b) => b.s.busyMs - a.s.busyMs);
  const { f, s } = summaries[0]!;
  say(
    `\n### ${name}: top 15 self time, ${s.windowed ? 'during the measured load' : 'whole run (window not found)'}: ` +
      `${s.busyMs.toFixed(0)} ms busy, ${s.idleMs.toFixed(0)} ms idle\n${f}` +
      (summaries.length > 1
        ? ` (other threads: ${summaries
            .slice(1)
            .map((x) => x.f)
            .join(', ')})`
        : ''),
  );
  for (const t of s.top)
    say(`${t.selfMs.toFixed(0).padStart(8)} ms ${(t.share * 100).toFixed(1).padStart(5)}%  ${t.fn}`);
}

export async function run(args: string[]): Promise<void> {
  const o = parseFlags(args);
  process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/postgres';
  const pinned = pinSelf(LOAD_CPU);
  say(
    pinned
      ? `pinning: load generator + fake upstream on CPU ${LOAD_CPU}, gateway on CPU ${GATEWAY_CPU} (taskset)`
      : `pinning: NONE (taskset ${CAN_PIN ? 'failed' : 'absent or a single CPU'}); every process shares every CPU`,
  );
  say(
    `load average ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' ')}; durations: overhead ${o.overheadMs / 1000} s, c=${LEVELS.join('/')} ` +
      `${o.levelMs / 1000} s each, c=${LONG} ${o.longMs / 1000} s; LowRouter entry: node ${LOWROUTER_ENTRY.join(' ')}`,
  );
  const fake = await startBenchUpstream();
  const fakeBase = fake.baseUrl;
  const results: GatewayResult[] = [];
  const failures: string[] = [];
  try {
    const direct: Target = {
      origin: new URL(fakeBase).origin,
      path: '/v1/chat/completions',
      headers: { authorization: 'Bearer sk-test' },
    };
    for (const side of o.only) {
      let gw: GatewayUnderTest | undefined;
      const window = { fromUs: 0, toUs: Number.MAX_SAFE_INTEGER };
      const profDir = o.cpuProfDir && side !== 'portkey' ? join(o.cpuProfDir, side) : undefined;
      if (profDir) mkdirSync(profDir, { recursive: true });
      try {
        gw =
          side === 'portkey'
            ? await startPortkey(fakeBase, say)
            : await startLowRouter(side, fakeBase, { cpuProfDir: profDir });
        say(`\n${gw.name}: pid ${gw.pid} at ${gw.target.origin}`);
        results.push(await measure(gw, direct, o, window, fake.pid));
      } catch (err) {
        failures.push(`${side}: ${err instanceof Error ? err.message : String(err)}`);
        say(`${side} FAILED: ${err instanceof Error ? err.message : String(err)}`);
      } finally {
        await gw?.stop();
      }
      if (gw && profDir && existsSync(profDir)) printProfile(gw.name, profDir, window);
    }
  } finally {
    await fake.stop();
  }
  if (results.length) {
    say(`\n### Load: gateways side by side (${o.longMs / 1000} s at c=${LONG})\n`);
    say(markdownTable(results));
    say('\n### Targets\n');
    say(targets(results, LONG));
  }
  if (failures.length) {
    process.exitCode = 1;
    say(`\n${failures.length} side(s) did not run to the end:\n${failures.join('\n')}`);
  }
}
