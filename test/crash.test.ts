/**
 * Crash safety: load through the SDK, kill -9 the gateway mid-load, restart it. Every response a
 * client received has exactly one request row and one debit; no reservation survives the restart;
 * the balance equals the sum of the ledger. On PGlite and on PostgreSQL.
 */
import { testDrivers } from '@lowrouter/api/db/testing';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { closeFakes, fakeProviderEnv, startFakes } from './helpers/gateway-with-fakes';
import { multiNodeEnv } from './helpers/multi-node-env';
import { prepareDb } from './helpers/prepare-db';
import { spawnGateway } from './helpers/spawn-gateway';

describe.each(testDrivers())('a kill -9 mid-load on %s', (driver) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('loses no record, double-charges nothing and leaks no reservation', async () => {
    const fakes = await startFakes({ synthetic: true, latencyMs: 150 });
    cleanups.push(() => closeFakes(fakes));
    // Before the first start: schema, catalog, bootstrap key, credit.
    const prepared = await prepareDb(driver, 10_000_000);
    cleanups.push(prepared.drop);
    const { adminKey, open } = prepared;
    // On PostgreSQL through PgBouncer in transaction mode when the suite has one (CI always): the
    // restarted node finds the dead one's reservations by its session advisory lock (direct URL).
    const env = {
      ...prepared.env,
      ...(prepared.env.DATABASE_URL ? multiNodeEnv(prepared.env.DATABASE_URL) : {}),
      ...fakeProviderEnv(fakes),
    };
    const first = await spawnGateway(env);
    const client = new OpenAI({ apiKey: adminKey, baseURL: `${first.url}/v1`, maxRetries: 0 });
    const received: string[] = [];
    let stop = false;
    const worker = async (i: number) => {
      for (let n = 0; !stop && n < 20; n++) {
        try {
          const stream = i % 2 === 0;
          if (stream) {
            const s = await client.chat.completions.create({
              model: 'openai/gpt-4o-mini',
              messages: [{ role: 'user', content: `hello ${i}/${n}` }],
              stream: true,
            });
            let id = '';
            let finished = false;
            for await (const c of s) {
              id = c.id;
              if ((c as any).route) finished = true;
            }
            if (finished) received.push(id);
          } else {
            const r = await client.chat.completions.create({
              model: 'openai/gpt-4o-mini',
              messages: [{ role: 'user', content: `hello ${i}/${n}` }],
            });
            received.push(r.id);
          }
        } catch {
          // The crash cuts requests in flight; those were never received.
        }
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, (_, i) => worker(i)));
    while (received.length < 12) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL');
    stop = true;
    await load;
    expect(await first.exited).toBe('SIGKILL');
    expect(received.length).toBeGreaterThanOrEqual(12);

    // Restart: the start sweeps what the dead process held. Then stop it and read the books.
    const second = await spawnGateway(env);
    second.child.kill('SIGTERM');
    const code = await second.exited;
    expect(code, `${second.stdout()}\n${second.stderr()}`).toBe(0);

    const db = await open();
    try {
      const q = (text: string, params: unknown[] = []) => db.exec(text, params);
      for (const id of received) {
        expect(await q('select status from requests where id = $1', [id]), id).toEqual([{ status: 'ok' }]);
        expect(
          (await q("select 1 from credit_ledger where request_id = $1 and kind = 'usage'", [id])).length,
          id,
        ).toBe(1);
      }
      expect(await q('select * from credit_reservations')).toEqual([]);
      const [org] = await q(
        "select balance_micro, reserved_micro from organizations where id = 'org_default'",
      );
      const [sum] = await q(
        "select coalesce(sum(amount_micro), 0) as s from credit_ledger where org_id = 'org_default'",
      );
      expect(Number(org!.reserved_micro)).toBe(0);
      expect(Number(org!.balance_micro)).toBe(Number(sum!.s));
      // Every debit belongs to exactly one recorded request.
      const orphans = await q(
        "select l.request_id from credit_ledger l left join requests r on r.id = l.request_id where l.kind = 'usage' and r.id is null",
      );
      expect(orphans).toEqual([]);
    } finally {
      await db.close();
    }
    // Two gateway starts and a load: far beyond the 30 s default on a loaded 2-core machine.
  }, 240_000);
});
