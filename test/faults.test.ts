/**
 * Faults through a real gateway and the loopback fakes: dropped keep-alive sockets, resets before and
 * after the first byte, an upstream that hangs after its headers while the client leaves, clients that
 * give up under load while others read slowly. After each: every organisation's balance equals its ledger, no
 * credit is left reserved, each request left exactly one row, and another tenant is served normally
 * (one tenant's faults never open the circuit for everyone).
 */
import { testDrivers } from '@lowrouter/api/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const MODEL = 'openai/gpt-4o-mini';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it stops throwing (at most `ms`), then returns its value. */
async function eventually<T>(check: () => Promise<T>, ms = 5_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    try {
      return await check();
    } catch (err) {
      if (Date.now() > until) throw err;
      await sleep(50);
    }
  }
}

describe.each(testDrivers())('faults on %s', (driver) => {
  let g: GatewayWithFakes;
  let other: { orgId: string; key: string };

  async function tenant(name: string) {
    const org = await g.gql(
      `mutation { createOrganization(name: "${name}") { ... on CreateOrganizationSuccess { organization { id } } } }`,
    );
    const orgId = org.data.createOrganization.organization.id as string;
    const key = await g.gql(
      `mutation { createApiKey(orgId: "${orgId}", name: "k", scopes: [INFERENCE]) { ... on CreateApiKeySuccess { key } } }`,
    );
    await g.grant(orgId, 50_000_000);
    return { orgId, key: key.data.createApiKey.key as string };
  }

  function chat(key: string, body: Record<string, unknown> = {}, signal?: AbortSignal) {
    return fetch(`${g.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: JSON.stringify({ model: MODEL, messages: [{ role: 'user', content: 'Hello there' }], ...body }),
      ...(signal ? { signal } : {}),
    });
  }

  /** Reads a whole response; for a stream, whether it ended with [DONE]. */
  async function outcome(res: Response): Promise<{ status: number; done: boolean; text: string }> {
    const text = await res.text();
    return { status: res.status, done: text.includes('data: [DONE]'), text };
  }

  /** The money and bookkeeping invariants, once the gateway has settled everything. */
  async function invariants(orgId: string, requests: number) {
    await eventually(async () => {
      // Credit leases hold credit for requests to come: give the spare back, then nothing may be held.
      await g.gateway.returnIdleCredit();
      const orgs = await g.gateway.db.exec(
        `select o.id, o.balance_micro, o.reserved_micro,
                (select coalesce(sum(l.amount_micro), 0) from credit_ledger l where l.org_id = o.id) as ledger
           from organizations o`,
      );
      for (const o of orgs) {
        expect({ id: o.id, balance: Number(o.balance_micro), reserved: Number(o.reserved_micro) }).toEqual({
          id: o.id,
          balance: Number(o.ledger),
          reserved: 0,
        });
      }
      expect(
        await g.gateway.db.exec('select request_id from credit_reservations where amount_micro > 0'),
      ).toEqual([]);
      const [rows] = await g.gateway.db.exec('select count(*) as n from requests where org_id = $1', [orgId]);
      expect(Number(rows!.n)).toBe(requests);
      const perId = await g.gateway.db.exec(
        'select id from requests where org_id = $1 group by id having count(*) > 1',
        [orgId],
      );
      expect(perId).toEqual([]);
    });
  }

  /** Another tenant's burst, streams and not, is served in full. */
  async function otherTenantIsServed() {
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, i) => chat(other.key, { stream: i % 2 === 0 }).then(outcome)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(results.filter((_, i) => i % 2 === 0).every((r) => r.done)).toBe(true);
  }

  beforeAll(async () => {
    g = await startGatewayWithFakes(driver);
    other = await tenant('Other tenant');
  });
  afterEach(() => {
    g.fakes.openai.reset();
    g.fakes.openai.setScenario('synthetic');
  });
  afterAll(() => g.close());

  it('an upstream that silently drops idle keep-alive sockets fails no request', async () => {
    const a = await tenant('Stale sockets');
    g.fakes.openai.setScenario({ synthetic: true, staleSockets: true });
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++)
      statuses.push((await outcome(await chat(a.key, { stream: i % 2 === 1 }))).status);
    expect(statuses).toEqual(Array(12).fill(200));
    await invariants(a.orgId, 12);
    await otherTenantIsServed();
  });

  it('resets: before the headers sent again once, persistent ones fail cleanly, mid-stream ones charge what was generated', async () => {
    const a = await tenant('Resets');
    // After the first byte: the stream ends with an error event, charged for what was generated.
    g.fakes.openai.enqueue({ synthetic: true, words: 60, chunks: 12, resetAt: 4 });
    const cut = await chat(a.key, { stream: true });
    const r = await outcome(cut);
    expect([r.status, r.done, /"error"/.test(r.text)]).toEqual([200, false, true]);
    const id = cut.headers.get('x-lowrouter-request-id');
    await invariants(a.orgId, 1);
    const [row] = await g.gateway.db.exec('select status, charge_micro from requests where id = $1', [id]);
    expect(row!.status).toBe('error');
    expect(Number(row!.charge_micro)).toBeGreaterThan(0);
    // Before the headers: sent again on a fresh connection, once.
    g.fakes.openai.enqueue('reset-before-headers');
    expect((await outcome(await chat(a.key))).status).toBe(200);
    g.fakes.openai.setScenario('reset-before-headers');
    const failed = await Promise.all([
      chat(a.key).then(outcome),
      chat(a.key, { stream: true }).then(outcome),
    ]);
    expect(failed.map((f) => f.status)).toEqual([502, 502]);
    g.fakes.openai.setScenario('synthetic');
    await invariants(a.orgId, 4);
    await otherTenantIsServed();
  });

  it('an upstream that hangs after its headers: clients that leave are settled at once', async () => {
    const a = await tenant('Hang after headers');
    // Mid-stream: the first words arrive, then nothing; each client gives up after its first delta.
    g.fakes.openai.setScenario({ synthetic: true, words: 40, chunks: 10, hangAt: 3 });
    const ids = await Promise.all(
      Array.from({ length: 6 }, async () => {
        const abort = new AbortController();
        const res = await chat(a.key, { stream: true }, abort.signal);
        const reader = res.body!.getReader();
        let seen = '';
        while (!/"content":"[^"]+"/.test(seen)) {
          const { done, value } = await reader.read();
          if (done) throw new Error(`stream ended before its first words (HTTP ${res.status}): ${seen}`);
          seen += new TextDecoder().decode(value);
        }
        abort.abort();
        return res.headers.get('x-lowrouter-request-id')!;
      }),
    );
    // Before any byte: headers only, the clients leave while the gateway waits for the first event.
    g.fakes.openai.setScenario({ synthetic: true, chunks: 10, hangAt: 0 });
    for (let i = 1; i <= 6; i++) {
      const abort = new AbortController();
      const pending = chat(a.key, { stream: true }, abort.signal).catch(() => null);
      await eventually(async () => {
        expect(g.fakes.openai.requests.filter((r) => r.scenario.hangAt === 0)).toHaveLength(i);
      });
      abort.abort();
      await pending;
    }
    g.fakes.openai.setScenario('synthetic');
    await invariants(a.orgId, 12);
    const rows = await g.gateway.db.exec('select status, charge_micro from requests where id = any($1)', [
      ids,
    ]);
    expect(rows.map((r) => r.status)).toEqual(Array(6).fill('client_disconnected'));
    expect(rows.every((r) => Number(r.charge_micro) > 0)).toBe(true);
    await eventually(async () => expect(g.fakes.openai.requests.every((r) => r.aborted)).toBe(true));
    await otherTenantIsServed();
  });

  /** Reads a stream slowly, a pause after every chunk. */
  async function readSlowly(res: Response) {
    const reader = res.body!.getReader();
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
      await sleep(20);
    }
    return { status: res.status, done: text.includes('data: [DONE]'), text };
  }

  it('64 concurrent requests, a third of whose clients give up and some read slowly, leave the circuit closed', async () => {
    const a = await tenant('Load with timeouts');
    // Headers come late, so the clients that give up do so while the gateway waits for the upstream.
    g.fakes.openai.setScenario({ synthetic: true, latencyMs: 1_000, chunks: 4 });
    const n = 64;
    const quitters = new Set(Array.from({ length: n }, (_, i) => i).filter((i) => i % 3 === 0));
    const aborts = Array.from({ length: n }, () => new AbortController());
    const all = Promise.all(
      aborts.map((c, i) =>
        chat(a.key, { stream: i % 2 === 0 }, c.signal)
          .then((res) => (i % 4 === 2 ? readSlowly(res) : outcome(res)))
          .catch(() => null),
      ),
    );
    await eventually(async () => expect(g.fakes.openai.requests.length).toBe(n), 10_000);
    for (const i of quitters) aborts[i]!.abort();
    const results = await all;
    const served = results.filter((r, i) => !quitters.has(i) && r?.status === 200);
    expect(served).toHaveLength(n - quitters.size);
    expect(served.filter((r) => r!.text.startsWith('data:')).every((r) => r!.done)).toBe(true);
    g.fakes.openai.setScenario('synthetic');
    await invariants(a.orgId, n);
    await otherTenantIsServed();
  });
});
