/**
 * Credit across gateway processes: 200 concurrent requests through the official `openai` SDK, spread
 * over every gateway process on one database, against a balance that covers about 50 of them. On
 * PostgreSQL two processes share the database (each with its own credit lease); PGlite serves one
 * process per data directory, so there it is one. The balance never goes below zero, every success
 * has exactly one request row and one debit, the balance equals the ledger, and once the processes
 * have stopped nothing is held any more (their leases were given back).
 */
import { grantCredit } from '@lowrouter/api/billing/ledger';
import { testDrivers } from '@lowrouter/api/db/testing';
import OpenAI from 'openai';
import { afterAll, describe, expect, it } from 'vitest';
import { closeFakes, fakeProviderEnv, startFakes } from './helpers/gateway-with-fakes';
import { multiNodeEnv } from './helpers/multi-node-env';
import { prepareDb } from './helpers/prepare-db';
import { spawnGateway } from './helpers/spawn-gateway';

const MINI = 'openai/gpt-4o-mini';
const hi = [{ role: 'user' as const, content: 'Say hi' }];

describe.each(testDrivers())('200 concurrent requests over every gateway process on %s', (driver) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('never overdraws, records each success once, and releases every lease at shutdown', async () => {
    const fakes = await startFakes({ synthetic: true, latencyMs: 400 });
    cleanups.push(() => closeFakes(fakes));
    const prepared = await prepareDb(driver, 0);
    cleanups.push(prepared.drop);
    // PGlite is one process per data directory: the test's own handle is closed while gateways run.
    let db = await prepared.open();
    const q = (text: string, params: unknown[] = []) => db.exec(text, params);
    // What the gateway holds for this request shape (see inference/bounds.ts), fee included: cover 50.
    const [{ need }] = (await q(
      "select ceil((($1::bigint * input_micro_per_mtok + 100 * output_micro_per_mtok) / 1e6)) as need from endpoints where id = 'openai/gpt-4o-mini@openai:us'",
      [64 + 16 + 6],
    )) as { need: string }[];
    const perRequest = Number(need) + Math.ceil((Number(need) * 500) / 10_000);
    await grantCredit(db.db, {
      orgId: 'org_default',
      amountMicro: perRequest * 50,
      kind: 'grant',
      note: 'burst',
      actorKeyId: null,
    });

    await db.close();

    // On PostgreSQL through PgBouncer in transaction mode when the suite has one (CI always).
    const env = {
      ...prepared.env,
      ...(prepared.env.DATABASE_URL ? multiNodeEnv(prepared.env.DATABASE_URL) : {}),
      ...fakeProviderEnv(fakes),
      LOWROUTER_LOG_LEVEL: 'info',
    };
    const processes = driver === 'postgres' ? 2 : 1;
    const gateways = await Promise.all(Array.from({ length: processes }, () => spawnGateway(env, 120_000)));
    cleanups.push(async () => {
      for (const g of gateways) if (g.child.exitCode === null) g.child.kill('SIGKILL');
    });
    const clients = gateways.map(
      (g) => new OpenAI({ apiKey: prepared.adminKey, baseURL: `${g.url}/v1`, maxRetries: 0 }),
    );

    // On PostgreSQL, watch the books while the load runs.
    let lowest = Number.POSITIVE_INFINITY;
    let watching = driver === 'postgres';
    if (watching) db = await prepared.open();
    const watch = (async () => {
      while (watching) {
        const [o] = await q(
          "select balance_micro - reserved_micro as free, balance_micro as b from organizations where id = 'org_default'",
        );
        lowest = Math.min(lowest, Number(o!.b), Number(o!.free));
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) =>
        clients[i % clients.length]!.chat.completions.create({ model: MINI, messages: hi, max_tokens: 100 }),
      ),
    );
    watching = false;
    await watch;
    const ok = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value.id] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(ok.length).toBeGreaterThan(0);
    expect(refused.length).toBeGreaterThan(0);
    expect(
      refused.every((e) => e.status === 402),
      String(refused.find((e) => e.status !== 402)),
    ).toBe(true);
    expect(lowest).toBeGreaterThanOrEqual(0);

    if (driver === 'postgres') await db.close();
    for (const g of gateways) g.child.kill('SIGTERM');
    for (const g of gateways) expect(await g.exited, g.stderr()).toBe(0);
    // Admission ran on leases (a process that only arrived near zero may have reserved exactly), and
    // what they held was given back as the processes stopped.
    expect(gateways.some((g) => g.stderr().includes('returned credit leases'))).toBe(true);

    db = await prepared.open();
    cleanups.push(() => db.close());
    expect(await q('select * from credit_reservations')).toEqual([]);
    const [org] = await q("select balance_micro, reserved_micro from organizations where id = 'org_default'");
    const [sum] = await q(
      "select coalesce(sum(amount_micro), 0) as s from credit_ledger where org_id = 'org_default'",
    );
    expect(Number(org!.reserved_micro)).toBe(0);
    expect(Number(org!.balance_micro)).toBe(Number(sum!.s));
    expect(Number(org!.balance_micro)).toBeGreaterThanOrEqual(0);
    const rows = new Set((await q("select id from requests where status = 'ok'")).map((r) => r.id));
    expect(ok.filter((id) => !rows.has(id))).toEqual([]);
    const debits = await q(
      "select request_id from credit_ledger where org_id = 'org_default' and kind = 'usage'",
    );
    expect(debits.map((d) => d.request_id).sort()).toEqual([...ok].sort());
  }, 300_000);
});
