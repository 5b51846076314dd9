/**
 * Time from process start to /readyz answering 200: cold (empty data dir: migrations + catalog import
 * + bootstrap) and warm (same dir again), on PGlite, for the compiled start (`pnpm start`: run.mjs,
 * api/dist, already built) and from source through tsx (`pnpm lowrouter start`, the tests); and on
 * Postgres when BENCH_DATABASE_URL is set. `--rounds=N` (default 3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnGateway } from '../helpers/spawn-gateway';

async function timeToReady(env: Record<string, string>, compiled: boolean): Promise<number> {
  const t0 = performance.now();
  const g = await spawnGateway(env, 120_000, [], { compiled });
  for (;;) {
    const res = await fetch(`${g.url}/readyz`).catch(() => null);
    if (res?.status === 200) break;
    await new Promise((r) => setTimeout(r, 10));
  }
  const ms = performance.now() - t0;
  g.child.kill('SIGTERM');
  await g.exited;
  return ms;
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
  const modes: [string, boolean][] = [
    ['compiled', true],
    ['tsx', false],
  ];
  for (const [label, compiled] of modes) {
    const cold: number[] = [];
    const warm: number[] = [];
    for (let i = 0; i < rounds; i++) {
      const dir = mkdtempSync(join(tmpdir(), 'lowrouter-bench-'));
      cold.push(await timeToReady({ LOWROUTER_DATA_DIR: dir }, compiled));
      warm.push(await timeToReady({ LOWROUTER_DATA_DIR: dir }, compiled));
      rmSync(dir, { recursive: true, force: true });
    }
    process.stdout.write(`pglite ${label} cold start to ready: ${show(cold)}\n`);
    process.stdout.write(`pglite ${label} warm restart to ready: ${show(warm)}\n`);
  }
  const pgUrl = process.env.BENCH_DATABASE_URL;
  if (pgUrl) {
    for (const [label, compiled] of modes) {
      const warm: number[] = [];
      for (let i = 0; i < rounds; i++) warm.push(await timeToReady({ DATABASE_URL: pgUrl }, compiled));
      process.stdout.write(`postgres ${label} restart to ready: ${show(warm)}\n`);
    }
  }
}
