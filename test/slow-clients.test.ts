/**
 * Clients that misbehave at the socket level, through a real gateway and raw TCP: one that stops
 * reading a long stream and then disconnects (settled and charged, nothing held), one that sends its
 * headers byte by byte (cut by the header timeout), one that uploads a chunked body past the limit
 * (413, then the connection is closed). Runs on PGlite, and on PostgreSQL when TEST_DATABASE_URL is set.
 */
import { once } from 'node:events';
import { type Socket, connect } from 'node:net';
import { testDrivers } from '@lowrouter/api/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` every 50 ms until it returns a value, at most `tries` times. */
async function waitFor<T>(check: () => Promise<T | undefined> | T | undefined, tries = 200): Promise<T> {
  for (let i = 0; i < tries; i++) {
    const v = await check();
    if (v !== undefined) return v;
    await sleep(50);
  }
  throw new Error('condition not met in time');
}

/** A raw client socket that collects everything it receives and notes when it closes. */
async function rawClient(url: string) {
  const sock = connect(Number(new URL(url).port), '127.0.0.1');
  await once(sock, 'connect');
  const state = { received: Buffer.alloc(0), closed: false, sock };
  sock.on('data', (d: Buffer) => {
    state.received = Buffer.concat([state.received, d]);
  });
  sock.on('error', () => {});
  sock.on('close', () => {
    state.closed = true;
  });
  return state;
}

describe.each(testDrivers())('clients that misbehave on the socket, on %s', (driver) => {
  let g: GatewayWithFakes;
  const serverSockets: Socket[] = [];
  beforeAll(async () => {
    g = await startGatewayWithFakes(driver, {
      env: { LOWROUTER_HEADERS_TIMEOUT_MS: '1000', LOWROUTER_MAX_BODY_BYTES: '65536' },
    });
    await g.grant('org_default', 100_000_000);
    g.gateway.server.on('connection', (s: Socket) => serverSockets.push(s));
  });
  afterAll(() => g.close());

  it('settles a stream whose client stopped reading and then disconnected: charged, row written, nothing held', async () => {
    // Far more than the socket buffers hold: the gateway must block on a full socket.
    g.fakes.openai.setScenario({ synthetic: true, words: 2_000_000, chunks: 40_000 });
    const body = JSON.stringify({
      model: 'openai/gpt-4o-mini',
      messages: [{ role: 'user', content: 'Tell me a very long story' }],
      stream: true,
    });
    const c = await rawClient(g.url);
    c.sock.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
        `authorization: Bearer ${g.adminKey}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    const head = await waitFor(() => {
      const text = c.received.toString('latin1');
      return text.includes('\r\n\r\n') ? text.slice(0, text.indexOf('\r\n\r\n')) : undefined;
    });
    c.sock.pause(); // stop reading: the kernel buffers fill, then the gateway's writes back up
    expect(head).toMatch(/^HTTP\/1\.1 200/);
    const id = /x-lowrouter-request-id: (\S+)/i.exec(head)![1]!;
    const server = serverSockets.find((s) => s.remotePort === c.sock.localPort)!;
    await waitFor(() => (server.writableNeedDrain ? true : undefined), 400);
    await sleep(300); // blocked and staying blocked
    expect(server.writableNeedDrain).toBe(true);
    c.sock.destroy();

    const row = await waitFor(async () => {
      const [r] = await g.gateway.db.exec(
        'select status, error_kind, output_tokens, charge_micro from requests where id = $1',
        [id],
      );
      return r;
    });
    expect(row).toMatchObject({ status: 'client_disconnected', error_kind: 'client_disconnected' });
    expect(Number(row.output_tokens)).toBeGreaterThan(0);
    expect(Number(row.output_tokens)).toBeLessThan(2_000_000);
    expect(Number(row.charge_micro)).toBeGreaterThan(0);
    const debit = await g.gateway.db.exec(
      "select amount_micro from credit_ledger where request_id = $1 and kind = 'usage'",
      [id],
    );
    expect(debit.map((d) => -Number(d.amount_micro))).toEqual([Number(row.charge_micro)]);
    // Credit leases hold credit for requests to come: give the spare back, then nothing may be held.
    await g.gateway.returnIdleCredit();
    expect(await g.gateway.db.exec('select * from credit_reservations where amount_micro > 0')).toEqual([]);
    const [bal] = await g.gateway.db.exec(
      `select o.balance_micro, o.reserved_micro,
              (select sum(amount_micro) from credit_ledger l where l.org_id = o.id) as ledger
         from organizations o where o.id = 'org_default'`,
    );
    expect(Number(bal!.balance_micro)).toBe(Number(bal!.ledger));
    expect(Number(bal!.reserved_micro)).toBe(0);
  });

  it('cuts a client that sends its headers byte by byte, and keeps serving the others', async () => {
    const c = await rawClient(g.url);
    const slow = `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\n${'x-slow: y\r\n'.repeat(8)}`;
    let sent = 0;
    // At most ~12 s of trickling (140 bytes, 80 ms apart); the header timeout is 1 s.
    for (; sent < slow.length && !c.closed; sent++) {
      c.sock.write(slow[sent]!);
      if (sent % 5 === 0) {
        // Meanwhile, a well-behaved client is served as usual.
        const res = await fetch(`${g.url}/v1/models`);
        expect(res.status).toBe(200);
      }
      await sleep(80);
    }
    await waitFor(() => (c.closed ? true : undefined), 100);
    expect(sent).toBeLessThan(slow.length);
    expect(c.received.toString('latin1')).toMatch(/^HTTP\/1\.1 408/);
    expect((await fetch(`${g.url}/v1/models`)).status).toBe(200);
  });

  it('answers a chunked upload past the body limit with 413 and closes the connection', async () => {
    const c = await rawClient(g.url);
    c.sock.write(
      `POST /v1/chat/completions HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\n` +
        `authorization: Bearer ${g.adminKey}\r\ntransfer-encoding: chunked\r\n\r\n`,
    );
    const piece = `{"pad":"${'x'.repeat(16_000)}",`;
    const frame = `${Buffer.byteLength(piece).toString(16)}\r\n${piece}\r\n`;
    // 64 KiB is the limit; send up to 4 MB, stopping once the gateway answers or hangs up.
    for (let i = 0; i < 250 && !c.closed && c.received.length === 0; i++) {
      if (!c.sock.write(frame)) await Promise.race([once(c.sock, 'drain'), sleep(200)]);
    }
    await waitFor(() => (c.closed ? true : undefined), 200);
    const text = c.received.toString('latin1');
    expect(text).toMatch(/^HTTP\/1\.1 413/);
    expect(text).toMatch(/\r\nconnection: close\r\n/i);
    const json = JSON.parse(text.slice(text.indexOf('\r\n\r\n') + 4));
    expect(json.error).toMatchObject({ type: 'invalid_request_error', code: 'request_too_large' });
  });
});
