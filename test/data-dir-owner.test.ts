/**
 * One process per embedded data directory, shown with real processes: a second gateway, `migrate`
 * and `grid import` on the directory of a running gateway are refused at once, naming it; after the
 * gateway is killed with SIGKILL the directory is free again (the lock cannot go stale).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './helpers/run-cli';
import { type SpawnedGateway, spawnGateway } from './helpers/spawn-gateway';

const gql = async (url: string, query: string, key: string) => {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as any;
};

const FACTOR = '{ region(id: "scaleway:fr-par") { gridIntensity { gco2ePerKwh source } } }';

describe('one process per embedded data directory', () => {
  it('refuses a second gateway, migrate and grid import while a gateway serves it, then frees it after kill -9', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'lowrouter-owner-'));
    const started: SpawnedGateway[] = [];
    try {
      const dir = join(tmp, 'data');
      const csv = join(tmp, 'grid.csv');
      writeFileSync(
        csv,
        'region_id,gco2e_per_kwh,year,source,basis\nscaleway:fr-par,123,2025,Test licence,lifecycle\n',
      );
      const first = await spawnGateway({ LOWROUTER_DATA_DIR: dir }, 240_000);
      started.push(first);
      const adminKey = /\n {2}(lr_[0-9A-Za-z]{43})\n/.exec(first.stdout())![1]!;
      const owner = `in use by process ${first.child.pid} (lowrouter start, serving ${first.url})`;

      const second = await runCli(['start'], { LOWROUTER_DATA_DIR: dir, PORT: '0', HOST: '127.0.0.1' });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(owner);
      expect(second.stderr).toContain(`kill ${first.child.pid}`);
      expect(second.stdout).not.toContain('LowRouter is up');

      for (const args of [['migrate'], ['grid', 'import', csv]]) {
        const refused = await runCli(args, { LOWROUTER_DATA_DIR: dir });
        expect(refused.code, args.join(' ')).toBe(1);
        expect(refused.stderr).toContain(owner);
        expect(refused.stdout).toBe('');
      }
      // The gateway kept serving, with the catalog factor (the refused import changed nothing).
      const before = await gql(first.url, FACTOR, adminKey);
      expect(before.data.region.gridIntensity.gco2ePerKwh).not.toBe(123);

      first.child.kill('SIGKILL');
      expect(await first.exited).toBe('SIGKILL');
      const imported = await runCli(['grid', 'import', csv], { LOWROUTER_DATA_DIR: dir });
      expect(imported.stderr).toBe('');
      expect(imported.stdout).toMatch(/^imported 1 factor\(s\) as \S+; 1 region\(s\) now use them\n$/);
      expect(imported.code).toBe(0);

      const restarted = await spawnGateway({ LOWROUTER_DATA_DIR: dir }, 240_000);
      started.push(restarted);
      const after = await gql(restarted.url, FACTOR, adminKey);
      expect(after.data.region.gridIntensity.gco2ePerKwh).toBe(123);
      restarted.child.kill('SIGTERM');
      expect(await restarted.exited).toBe(0);
    } finally {
      for (const g of started) g.child.kill('SIGKILL');
      await Promise.all(started.map((g) => g.exited));
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 600_000);
});
