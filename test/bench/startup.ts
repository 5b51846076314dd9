/**
 * Time from process start to /readyz answering 200: cold (empty data dir: migrations + catalog import
 * + bootstrap) and warm (same dir again), on PGlite, for the compiled start (`pnpm start`: run.mjs,
 * api/dist, already built) and from source through tsx (`pnpm lowrouter start`, the tests); and on
 * Postgres when BENCH_DATABASE_URL is set (its workers: LOWROUTER_WORKERS). Wall time depends on what
 * else the machine runs; the process's CPU time to ready (from /proc) much less. `--rounds=N` (default 3).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnGateway } from '../helpers/spawn-gateway';

/** CPU time (user + system, ms) the process has used so far, from /proc (Linux); NaN elsewhere. */
function cpuMs(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime + stime, in 1/100 s
  } catch {
    return Number.NaN;
  }
}

/** Wall time to /readyz 200, and the CPU time the process used to get there (ms). */
async function timeToReady(env: Record<string, string>, compiled: boolean): Promise<[number, number]> {
  const t0 = performance.now();
  const g = await spawnGateway(env, 120_000, [], { compiled });
  for (;;) {
    const res = await fetch(`${g.url}/readyz`).catch(() => null);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = performance.now() - t0;
  const cpu = cpuMs(g.child.pid!);
  g.child.kill('SIGTERM');
  await g.exited;
  return [ms, cpu];
}

const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const show = (xs: number[]) => `median ${med(xs).toFixed(0)} ms (${xs.map((x) => x.toFixed(0)).join(', ')})`;

export async function run(args: string[]): Promise<void> {
  const rounds = Number(args.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3);
  // Build once up front so no round pays for it (run.mjs would build a stale api/dist on first use).
  const { ensureApiBuilt } = (await import('../../api/scripts/build.mjs' as string)) as {
    ensureApiBuilt: () => Promise<boolean>;
  };
  await ensureApiBuilt();
  // The modes alternate within each round, so a machine busy with other work skews both alike.
  const modes = { compiled: true, tsx: false };
  const rows = new Map<string, { wall: number[]; cpu: number[] }>();
  const add = (key: string, [wall, cpu]: [number, number]) => {
    const row = rows.get(key) ?? { wall: [], cpu: [] };
    row.wall.push(wall);
    row.cpu.push(cpu);
    rows.set(key, row);
  };
  for (let i = 0; i < rounds; i++) {
    for (const [label, compiled] of Object.entries(modes)) {
      const dir = mkdtempSync(join(tmpdir(), 'lowrouter-bench-'));
      add(`pglite ${label} cold start`, await timeToReady({ LOWROUTER_DATA_DIR: dir }, compiled));
      add(`pglite ${label} warm restart`, await timeToReady({ LOWROUTER_DATA_DIR: dir }, compiled));
      rmSync(dir, { recursive: true, force: true });
    }
    const pgUrl = process.env.BENCH_DATABASE_URL;
    for (const [label, compiled] of Object.entries(pgUrl ? modes : {})) {
      add(
        `postgres ${label} restart (1 worker)`,
        await timeToReady({ DATABASE_URL: pgUrl!, LOWROUTER_WORKERS: '1' }, compiled),
      );
    }
  }
  for (const [key, { wall, cpu }] of [...rows].sort()) {
    process.stdout.write(`${key} to ready: wall ${show(wall)}; CPU ${show(cpu)}\n`);
  }
}
