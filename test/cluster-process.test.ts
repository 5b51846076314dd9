import { request } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, testDrivers } from '@lowrouter/api/db/testing';
import { describe, expect, it } from 'vitest';
import { multiNodeEnv } from './helpers/multi-node-env';
import { spawnGateway } from './helpers/spawn-gateway';

/** GET /healthz on a new connection each time (so the cluster may hand it to any worker). */
function healthz(url: string): Promise<{ status: number; node: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/healthz`, { agent: false }, (res) => {
      res.resume();
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, node: String(res.headers['x-lowrouter-node'] ?? '') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

const pidOf = (node: string) => Number(/pid=(\d+)/.exec(node)?.[1]);

/** The distinct processes that answer `n` requests in a row (every answer must be 200). */
async function answering(url: string, n: number): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < n; i++) {
    const r = await healthz(url);
    expect(r.status).toBe(200);
    pids.add(pidOf(r.node));
  }
  return pids;
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe.each(testDrivers())('pnpm start with LOWROUTER_WORKERS=2 on %s', (driver) => {
  it(driver === 'postgres'
    ? 'serves from two worker processes, replaces one killed with -9, and stops them all on SIGTERM'
    : 'stays one process and says so', async () => {
    const created = driver === 'postgres' ? await createTestDatabase() : undefined;
    const dir = created ? null : mkdtempSync(join(tmpdir(), 'lowrouter-cluster-'));
    // On PostgreSQL through PgBouncer in transaction mode when the suite has one (CI always).
    const env: Record<string, string> = created ? multiNodeEnv(created.url) : { LOWROUTER_DATA_DIR: dir! };
    // As `pnpm start` runs it: compiled (built first when stale), the workers re-running run.mjs.
    const g = await spawnGateway(
      { ...env, LOWROUTER_WORKERS: '2', LOWROUTER_LOG_LEVEL: 'info' },
      120_000,
      [],
      {
        compiled: true,
      },
    );
    try {
      // The admin key is printed once, by the primary, whatever the number of workers.
      expect(g.stdout().match(/\n {2}lr_[0-9A-Za-z]{43}\n/g)).toHaveLength(1);
      const first = await answering(g.url, 20);
      if (driver === 'pglite') {
        expect(g.stderr()).toContain('serving from one process');
        expect([...first]).toEqual([g.child.pid]);
        return;
      }
      expect(first.size).toBe(2);
      expect(first.has(g.child.pid!)).toBe(false);

      const [victim, survivor] = [...first] as [number, number];
      process.kill(victim, 'SIGKILL');
      // Bounded wait for the replacement: a third pid answering beside the survivor.
      let now = new Set<number>();
      for (let i = 0; i < 100 && !(now.size === 2 && !now.has(victim)); i++) {
        await new Promise((r) => setTimeout(r, 200));
        now = await answering(g.url, 10).catch(() => new Set<number>());
      }
      expect(now.has(survivor)).toBe(true);
      expect(now.has(victim)).toBe(false);
      expect(now.size).toBe(2);
      expect(g.stderr()).toContain('worker died, starting another');
      // Requests keep succeeding from both.
      expect((await answering(g.url, 20)).size).toBe(2);

      g.child.kill('SIGTERM');
      expect(await g.exited).toBe(0);
      for (const pid of now) expect(alive(pid)).toBe(false);
    } finally {
      g.child.kill('SIGKILL');
      await g.exited;
      await created?.drop();
      if (dir) rmSync(dir, { recursive: true, force: true });
    }
  }, 180_000);
});
