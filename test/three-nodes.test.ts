/**
 * Three gateway processes on one PostgreSQL database, load spread round-robin over them through the
 * official `openai` SDK, one node killed with `kill -9` mid-load and restarted (same environment, a new
 * process on a new port), the load going on throughout. Two keys in two organisations:
 * - `main` has credit for a fixed number of requests, fewer than it sends, so its credit runs out
 *   during the run: every answered request has one row and one debit, the balance never went below
 *   zero, the debits stay within what was granted, the balance equals the ledger, and once every node
 *   has stopped nothing is held — the killed node's lease was released by the restart's start-up sweep;
 * - `limited` has `requestsPerMinute` = RPM, set through GraphQL as users do, and sends far more than
 *   that across the three nodes: its successes stay within RPM per aligned clock minute the run touched.
 * PostgreSQL only: PGlite serves one process per data directory.
 */
import { grantCredit } from '@lowrouter/api/billing/ledger';
import { describeOnPostgres } from './helpers/postgres-only';
import OpenAI from 'openai';
import { afterAll, expect, it } from 'vitest';
import { type FakeUpstream, startFakeUpstream } from './fake-upstream/server';
import { multiNodeEnv } from './helpers/multi-node-env';
import { type PreparedDb, prepareDb } from './helpers/prepare-db';
import { type SpawnedGateway, spawnGateway } from './helpers/spawn-gateway';

const MINI = 'openai/gpt-4o-mini';
/** The limited key's requests-per-minute. */
const RPM = 5;
/** Fake upstream latency (ms). */
const LATENCY_MS = 40;
/** Credit for this many requests' holds (µUSD of the gateway's maximum for the request shape, fee in). */
const CREDIT_REQUESTS = 120;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const minute = (ms: number) => Math.floor(ms / 60_000);

interface Answer {
  key: 'main' | 'limited';
  /** Index of the node slot (0..2) the request was sent to, and which process generation. */
  slot: number;
  generation: number;
  /** HTTP status, or 0 when the request got no answer (connection refused or cut by the kill). */
  status: number;
  /** Request id of a 200: the body's id, checked equal to `x-lowrouter-request-id`. */
  id?: string;
  headerId?: string | null;
  error?: string;
}

/** What the run produced, shared by the checks below. */
interface Run {
  prepared: PreparedDb;
  answers: Answer[];
  /** Wall-clock ms when the limited key's first request was sent and its last answer came back. */
  limitedFrom: number;
  limitedTo: number;
}

describeOnPostgres('three gateway nodes on postgres', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c().catch(() => {});
  });
  let run: Run | undefined;

  it('keeps the books across a kill -9 and a restart: one row and one debit per answer, no overspend, nothing held', async () => {
    const fake: FakeUpstream = await startFakeUpstream({
      protocol: 'openai',
      scenario: { synthetic: true, latencyMs: LATENCY_MS },
      record: false,
    });
    cleanups.push(() => fake.close());
    const prepared = await prepareDb('postgres', 0);
    cleanups.push(prepared.drop);
    const db = await prepared.open();
    cleanups.push(() => db.close());
    const q = (text: string, params: unknown[] = []) => db.exec(text, params);

    // What the gateway holds for this request shape (inference/bounds.ts), fee included.
    const [{ need }] = (await q(
      "select ceil((($1::bigint * input_micro_per_mtok + 16 * output_micro_per_mtok) / 1e6)) as need from endpoints where id = 'openai/gpt-4o-mini@openai:us'",
      [64 + 16 + 6],
    )) as { need: string }[];
    const perRequest = Number(need) + Math.ceil((Number(need) * 500) / 10_000);
    const granted = perRequest * CREDIT_REQUESTS;
    await grantCredit(db.db, {
      orgId: 'org_default',
      amountMicro: granted,
      kind: 'grant',
      note: 'three nodes',
      actorKeyId: null,
    });
    const env = {
      ...multiNodeEnv(prepared.env.DATABASE_URL!),
      LOWROUTER_ADMIN_KEY: prepared.adminKey,
      LOWROUTER_OPENAI_API_KEY: 'sk-test-openai-0123456789abcdef',
      LOWROUTER_OPENAI_BASE_URL: fake.baseUrl,
      LOWROUTER_LOG_LEVEL: 'info',
      // One process per node: `start` forks one worker per core on PostgreSQL otherwise.
      LOWROUTER_WORKERS: '1',
    };
    const all: SpawnedGateway[] = [];
    cleanups.push(async () => {
      for (const g of all)
        if (g.child.exitCode === null && g.child.signalCode === null) g.child.kill('SIGKILL');
    });
    const start = async () => {
      // Compiled, as `pnpm start` runs it: a node starts in a few seconds instead of tsx's tens.
      const g = await spawnGateway(env, 120_000, [], { compiled: true });
      all.push(g);
      return g;
    };
    // The first start builds api/dist when it is stale; the other two then start from it at once.
    const first = await start();
    const nodes = [first, ...(await Promise.all([start(), start()]))];

    // The limited key, in an organisation of its own with ample credit, made as users make it.
    const gql = async <T>(query: string, variables: object = {}): Promise<T> => {
      const res = await fetch(`${nodes[0]!.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${prepared.adminKey}` },
        body: JSON.stringify({ query, variables }),
      });
      const json = (await res.json()) as { data?: T; errors?: unknown[] };
      if (!json.data || json.errors) throw new Error(JSON.stringify(json.errors));
      return json.data;
    };
    const { createOrganization } = await gql<{ createOrganization: { organization: { id: string } } }>(
      `mutation { createOrganization(name: "limited") { ... on CreateOrganizationSuccess { organization { id } } } }`,
    );
    const limitedOrg = createOrganization.organization.id;
    await gql(
      `mutation($orgId: ID!) { grantCredits(orgId: $orgId, amountUsd: 100, note: "limited") { ... on GrantCreditsSuccess { balanceUsd } } }`,
      { orgId: limitedOrg },
    );
    const { createApiKey } = await gql<{ createApiKey: { key: string } }>(
      `mutation($orgId: ID!, $rpm: Int) { createApiKey(orgId: $orgId, name: "limited", scopes: [INFERENCE], requestsPerMinute: $rpm) { ... on CreateApiKeySuccess { key } } }`,
      { orgId: limitedOrg, rpm: RPM },
    );
    const keys = { main: prepared.adminKey, limited: createApiKey.key };

    // Node slots the load round-robins over; a slot's client points at whatever process serves it.
    const generation = [0, 0, 0];
    const clientsFor = (g: SpawnedGateway) => ({
      main: new OpenAI({ apiKey: keys.main, baseURL: `${g.url}/v1`, maxRetries: 0, timeout: 60_000 }),
      limited: new OpenAI({ apiKey: keys.limited, baseURL: `${g.url}/v1`, maxRetries: 0, timeout: 60_000 }),
    });
    const slots = nodes.map(clientsFor);
    const answers: Answer[] = [];
    let turn = 0;
    const send = async (key: Answer['key']): Promise<Answer> => {
      const slot = turn++ % slots.length;
      const a: Answer = { key, slot, generation: generation[slot]!, status: 0 };
      try {
        const { data, response } = await slots[slot]![key].chat.completions.create({
          model: MINI,
          messages: [{ role: 'user', content: 'Say hi' }],
          max_tokens: 16,
        }).withResponse();
        a.status = response.status;
        a.id = data.id;
        a.headerId = response.headers.get('x-lowrouter-request-id');
      } catch (err) {
        const e = err as { status?: number; message?: string };
        a.status = e.status ?? 0;
        a.error = e.message;
      }
      answers.push(a);
      return a;
    };

    // Watch the books of the credit-limited organisation while the load runs.
    let lowest = Number.POSITIVE_INFINITY;
    let running = true;
    const watch = (async () => {
      while (running) {
        const [o] = await q(
          "select balance_micro - reserved_micro as free, balance_micro as b from organizations where id = 'org_default'",
        );
        lowest = Math.min(lowest, Number(o!.b), Number(o!.free));
        await sleep(50);
      }
    })();
    const loop = (key: Answer['key'], pauseMs: number) => async () => {
      while (running) {
        const a = await send(key);
        await sleep(a.status === 0 ? 20 : pauseMs);
      }
    };
    const limitedFrom = Date.now();
    const load = Promise.all([
      ...Array.from({ length: 4 }, loop('main', 60)),
      ...Array.from({ length: 2 }, loop('limited', 100)),
    ]);

    const ok = (key: Answer['key']) => answers.filter((a) => a.key === key && a.status === 200);
    const until = async (what: string, cond: () => boolean, ms: number) => {
      const end = Date.now() + ms;
      while (!cond()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
        await sleep(20);
      }
    };
    try {
      // Mid-load, while credit is plentiful: kill the node of slot 1 with its lease held.
      await until('20 answered requests of the main key', () => ok('main').length >= 20, 30_000);
      const victim = nodes[1]!;
      const victimRes = await fetch(`${victim.url}/healthz`);
      const victimNode = String(victimRes.headers.get('x-lowrouter-node')).split(';')[0]!;
      const victimHeld = await q('select request_id from credit_reservations where node_id = $1', [
        victimNode,
      ]);
      victim.child.kill('SIGKILL');
      expect(await victim.exited).toBe('SIGKILL');
      expect(victimHeld.length, 'the killed node held a lease or reservations').toBeGreaterThan(0);

      // Restart it (same environment, a new process); the load never stopped.
      const restarted = await start();
      nodes[1] = restarted;
      slots[1] = clientsFor(restarted);
      generation[1] = 1;
      // Its start-up sweep released what the killed node held (its node id is in no row any more).
      expect(await q('select request_id from credit_reservations where node_id = $1', [victimNode])).toEqual(
        [],
      );
      // (The restart's sweep, or a survivor's minute sweep if the restart took that long.)
      expect(
        all.some((g) => g.stderr().includes('released reservations of gateway nodes that are gone')),
      ).toBe(true);

      // Go on until the main key's credit ran out and the restarted node answered its share.
      await until(
        'the credit to run out and the restarted node to answer',
        () =>
          answers.some((a) => a.key === 'main' && a.status === 402) &&
          answers.filter((a) => a.slot === 1 && a.generation === 1 && a.status !== 0).length >= 6,
        40_000,
      );
    } finally {
      running = false;
      await load;
      await watch;
    }
    const limitedTo = Date.now();

    // Stop every node cleanly; each gives back its leases.
    for (const g of nodes) g.child.kill('SIGTERM');
    for (const g of nodes) expect(await g.exited, g.stderr()).toBe(0);
    run = { prepared, answers, limitedFrom, limitedTo };

    // Only expected answers: 200, 402 for the main key, 429 for the limited one, and no answer at all
    // from the killed node's slot (refused or cut by the kill).
    const unexpected = answers.filter(
      (a) =>
        a.status !== 200 &&
        !(a.key === 'main' && a.status === 402) &&
        !(a.key === 'limited' && a.status === 429) &&
        !(a.status === 0 && a.slot === 1 && a.generation === 0),
    );
    expect(unexpected).toEqual([]);
    expect(answers.some((a) => a.key === 'main' && a.status === 402)).toBe(true);
    expect(lowest).toBeGreaterThanOrEqual(0);

    // Every 200 carries its request id in the body and the header; each has one row and one debit.
    const answered = answers.filter((a) => a.status === 200);
    expect(answered.filter((a) => !a.id || a.id !== a.headerId)).toEqual([]);
    const ids = answered.map((a) => a.id!);
    expect(new Set(ids).size).toBe(ids.length);
    const rows = await q(
      "select id, count(*)::int as n from requests where id = any($1) and status = 'ok' group by id",
      [ids],
    );
    expect(rows.filter((r) => r.n !== 1)).toEqual([]);
    expect(rows.map((r) => r.id).sort()).toEqual([...ids].sort());
    const debits = await q(
      "select request_id, count(*)::int as n from credit_ledger where kind = 'usage' and request_id = any($1) group by request_id",
      [ids],
    );
    expect(debits.filter((d) => d.n !== 1)).toEqual([]);
    expect(debits.map((d) => d.request_id).sort()).toEqual([...ids].sort());
    // Every debit belongs to one recorded request (none for a request that was never recorded).
    expect(
      await q(
        "select l.request_id from credit_ledger l left join requests r on r.id = l.request_id where l.kind = 'usage' and r.id is null",
      ),
    ).toEqual([]);

    // No overspend and nothing held, in both organisations.
    const [spent] = await q(
      "select coalesce(-sum(amount_micro), 0) as s from credit_ledger where org_id = 'org_default' and kind = 'usage'",
    );
    expect(Number(spent!.s)).toBeGreaterThan(0);
    expect(Number(spent!.s)).toBeLessThanOrEqual(granted);
    expect(await q('select * from credit_reservations')).toEqual([]);
    for (const org of ['org_default', limitedOrg]) {
      const [o] = await q('select balance_micro, reserved_micro from organizations where id = $1', [org]);
      const [sum] = await q(
        'select coalesce(sum(amount_micro), 0) as s from credit_ledger where org_id = $1',
        [org],
      );
      expect(Number(o!.reserved_micro), org).toBe(0);
      expect(Number(o!.balance_micro), org).toBeGreaterThanOrEqual(0);
      expect(Number(o!.balance_micro), org).toBe(Number(sum!.s));
    }
  }, 180_000);

  it('holds the limited key to its requests per minute across the three nodes', () => {
    expect(run, 'the run above completed').toBeDefined();
    const { answers, limitedFrom, limitedTo } = run!;
    const sent = answers.filter((a) => a.key === 'limited' && a.status !== 0).length;
    const succeeded = answers.filter((a) => a.key === 'limited' && a.status === 200).length;
    const minutes = minute(limitedTo) - minute(limitedFrom) + 1;
    expect(sent, 'the limited key sent more than its limit').toBeGreaterThan(RPM * minutes);
    expect(
      succeeded,
      `${succeeded} of ${sent} admitted over ${minutes} aligned minute(s)`,
    ).toBeLessThanOrEqual(RPM * minutes);
  });
});
