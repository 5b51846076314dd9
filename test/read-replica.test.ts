/**
 * Reads off the primary (DATABASE_READ_URL) against a real streaming replica: the gateway writes to a
 * throwaway database on the primary (TEST_DATABASE_URL) and reads analytics from the same database on
 * the hot standby at TEST_REPLICA_URL (`.ci/run` starts it with test/helpers/start-replica.sh).
 *
 * Deterministic, not timed: replay on the standby is paused, so anything written afterwards is on the
 * primary and not on the replica until replay resumes. Requests still succeed and are charged; usage,
 * requests, footprint reports, exports and the public /footprint page do not show them yet, and the
 * reported lag grows; balances (primary-only) move at once. After resuming, everything appears.
 *
 * PostgreSQL only. Skipped without TEST_REPLICA_URL, except in CI (CI=true), where that is a failure.
 */
import { type DbHandle, openDb } from '@lowrouter/api/db/client';
import { createTestDatabase } from '@lowrouter/api/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const REPLICA = process.env.TEST_REPLICA_URL;
/** Whether this suite runs here; in CI a missing replica is a failure, not a skip. */
const RUN = !!REPLICA || !!process.env.CI;
if (!REPLICA)
  process.stderr.write(
    'read-replica tests: TEST_REPLICA_URL is not set (start one with test/helpers/start-replica.sh DIR, then TEST_REPLICA_URL=postgres://postgres@127.0.0.1:5433)\n',
  );

const MODEL = 'openai/gpt-4o-mini';
const ORG = 'org_default';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value other than undefined, or fails after `ms`. */
async function until<T>(what: string, check: () => Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
}

describe.skipIf(!RUN)('reads off the primary, against a streaming replica', () => {
  /** Direct sessions: the test's own view of each server, raw SQL. */
  let primary: DbHandle;
  let standby: DbHandle;
  const one = async (db: DbHandle, text: string, params: unknown[] = []) => (await db.exec(text, params))[0]!;
  let drop: (() => Promise<void>) | undefined;
  let g: GatewayWithFakes;

  /** Waits until the standby has replayed everything the primary has written so far. */
  const caughtUp = async () => {
    const { lsn } = await one(primary, 'select pg_current_wal_lsn()::text as lsn');
    await until('the replica to replay up to the primary', async () => {
      const r = await one(standby, 'select pg_last_wal_replay_lsn() >= $1::pg_lsn as ok', [lsn]);
      return r.ok ? true : undefined;
    });
  };
  const auth = () => ({ authorization: `Bearer ${g.adminKey}` });
  const chat = (content: string) =>
    fetch(`${g.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content }] }),
    });
  const exportLines = async (path: string) => {
    const res = await fetch(`${g.url}${path}`, { headers: auth() });
    expect(res.status).toBe(200);
    return (await res.text()).trim().split('\n').length - 1;
  };
  /** What an analyst sees: usage totals, the requests listing, the footprint report, both CSV exports. */
  const analytics = async () => {
    const day = new Date().toISOString().slice(0, 10);
    const next = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const res = await g.gql(
      `query($from: String!, $to: String!) {
        usage { requests }
        requests(first: 50) { nodes { id } }
        footprintReport(period: MONTH, from: $from, to: $to) { totals { requests } }
        analyticsSource { kind lagSeconds }
      }`,
      { from: day, to: next },
    );
    expect(res.errors).toBeUndefined();
    return {
      usage: res.data.usage[0]?.requests ?? 0,
      listed: res.data.requests.nodes.length,
      footprint: res.data.footprintReport.totals.requests,
      requestsCsv: await exportLines('/export/requests.csv'),
      usageCsvRequests: await (async () => {
        const r = await fetch(`${g.url}/export/usage.csv`, { headers: auth() });
        const [head, row] = (await r.text()).trim().split('\n');
        if (!row) return 0;
        const i = head!.split(',').indexOf('requests');
        return Number(row.split(',')[i]);
      })(),
      source: res.data.analyticsSource as { kind: string; lagSeconds: number },
    };
  };
  const balanceUsd = async () => {
    const res = await g.gql('{ credits { balanceUsd } }');
    return res.data.credits.balanceUsd as number;
  };

  beforeAll(async () => {
    if (!REPLICA)
      throw new Error(
        'TEST_REPLICA_URL is not set: in CI, .ci/run starts a streaming replica (test/helpers/start-replica.sh) and exports it',
      );
    if (!process.env.TEST_DATABASE_URL) throw new Error('TEST_DATABASE_URL (the primary) is not set');
    standby = await openDb({ databaseUrl: REPLICA, maxConnections: 1 });
    const { recovery } = await one(standby, 'select pg_is_in_recovery() as recovery');
    expect(recovery, 'TEST_REPLICA_URL must name a hot standby').toBe(true);
    // A run that died while paused leaves the standby paused: resume first.
    await standby.exec('select pg_wal_replay_resume()');
    const created = await createTestDatabase();
    drop = created.drop;
    primary = await openDb({ databaseUrl: created.url, maxConnections: 1 });
    const name = new URL(created.url).pathname.slice(1);
    const replicaUrl = new URL(REPLICA);
    replicaUrl.pathname = `/${name}`;
    // The database exists on the standby once its creation is replayed.
    await until(`database ${name} on the replica`, async () => {
      const r = await one(standby, 'select count(*)::int as n from pg_database where datname = $1', [name]);
      return r.n ? true : undefined;
    });
    g = await startGatewayWithFakes('postgres', {
      databaseUrl: created.url,
      env: { DATABASE_READ_URL: replicaUrl.toString() },
    });
    await g.grant(ORG, 10_000_000);
    await caughtUp();
  }, 180_000);

  afterAll(async () => {
    await standby?.exec('select pg_wal_replay_resume()').catch(() => {});
    await g?.close();
    await primary?.close();
    await standby?.close();
    await drop?.();
  }, 120_000);

  it('while replay is paused: requests succeed and are charged, analytics do not show them and the lag grows; on resume they appear', async () => {
    const before = await analytics();
    expect(before).toMatchObject({ usage: 0, listed: 0, footprint: 0, requestsCsv: 0, usageCsvRequests: 0 });
    expect(before.source.kind).toBe('REPLICA');
    const balance0 = await balanceUsd();

    await standby.exec('select pg_wal_replay_pause()');
    await until('replay to pause', async () => {
      const r = await one(standby, 'select pg_get_wal_replay_pause_state() as s');
      return r.s === 'paused' ? true : undefined;
    });

    // Writes go to the primary, untouched by the paused replica.
    for (const content of ['one', 'two', 'three']) {
      const res = await chat(content);
      expect(res.status).toBe(200);
      await res.json();
    }
    await until('three request rows on the primary', async () => {
      const r = await one(primary, 'select count(*)::int as n from requests');
      return r.n === 3 ? true : undefined;
    });

    // Primary-only reads are immediate: the debits of those requests, then a grant, read right away.
    const balance1 = await balanceUsd();
    expect(balance1).toBeLessThan(balance0);
    const grant = await g.gql(
      `mutation { grantCredits(orgId: "${ORG}", amountUsd: 2.5) {
          __typename ... on GrantCreditsSuccess { balanceUsd } } }`,
    );
    expect(grant.data.grantCredits.__typename).toBe('GrantCreditsSuccess');
    expect(await balanceUsd()).toBeCloseTo(balance1 + 2.5, 6);

    // The replica has not replayed them: analytics still show nothing, and say how far behind they are.
    const paused = await analytics();
    expect(paused).toMatchObject({ usage: 0, listed: 0, footprint: 0, requestsCsv: 0, usageCsvRequests: 0 });
    expect(paused.source.kind).toBe('REPLICA');
    // The public /footprint page (first asked now, so not cached from before) reads the replica too.
    const page = await (await fetch(`${g.url}/footprint`)).text();
    expect(page).toContain('No request has been served yet');
    await sleep(1_500);
    const later = await analytics();
    expect(later).toMatchObject({ usage: 0, listed: 0, requestsCsv: 0 });
    expect(later.source.lagSeconds).toBeGreaterThan(paused.source.lagSeconds);
    expect(later.source.lagSeconds).toBeGreaterThan(1);

    await standby.exec('select pg_wal_replay_resume()');
    await caughtUp();
    const after = await analytics();
    expect(after).toMatchObject({ usage: 3, listed: 3, footprint: 3, requestsCsv: 3, usageCsvRequests: 3 });
    expect(after.source.kind).toBe('REPLICA');
  }, 180_000);
});
