/**
 * call.ts's default transport against an upstream that drops idle keep-alive sockets without telling
 * (a NAT or load balancer forgetting the flow): the next request written into such a socket is reset.
 * Real undici, real loopback sockets; no timing involved.
 */
import { type AddressInfo, type Socket, createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callChat, closeUpstreamDispatchers } from './call';
import type { CanonicalStreamEvent } from './canonical';
import { readFixture } from './fixture-files';
import { SAMPLE_REQUESTS, testTarget } from './test-support';

/**
 * A minimal HTTP/1.1 upstream that answers the first request of each connection (keep-alive, no
 * Keep-Alive hint) and resets the connection when a second request arrives on it.
 */
async function droppingUpstream() {
  const json = readFixture('openai/chat-nonstream.json');
  const sse = readFixture('openai/chat-stream-include-usage.sse');
  const stats = { connections: 0, resets: 0, answered: 0 };
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    stats.connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
    let buffered = '';
    let served = false;
    socket.on('data', (d) => {
      if (served) {
        stats.resets++;
        socket.resetAndDestroy();
        return;
      }
      buffered += d.toString('latin1');
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      const length = Number(/content-length: *(\d+)/i.exec(buffered.slice(0, end))?.[1] ?? 0);
      const body = buffered.slice(end + 4);
      if (Buffer.byteLength(body, 'latin1') < length) return;
      served = true;
      stats.answered++;
      const stream = /"stream":true/.test(body);
      const payload = Buffer.from(stream ? sse : json);
      const type = stream ? 'text/event-stream' : 'application/json';
      socket.write(
        `HTTP/1.1 200 OK\r\ncontent-type: ${type}\r\ncontent-length: ${payload.length}\r\nconnection: keep-alive\r\n\r\n`,
      );
      // A stream in two writes, so the body is still flowing when the response headers are out.
      const half = payload.length >> 1;
      socket.write(payload.subarray(0, half));
      setImmediate(() => socket.write(payload.subarray(half)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    stats,
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('a pooled socket the upstream dropped', () => {
  let up: Awaited<ReturnType<typeof droppingUpstream>>;
  beforeAll(async () => {
    up = await droppingUpstream();
  });
  afterAll(async () => {
    await closeUpstreamDispatchers();
    await up.close();
  });

  const call = (stream: boolean) => {
    const t = testTarget('openai');
    return callChat({
      provider: t.provider,
      endpoint: t.endpoint,
      request: SAMPLE_REQUESTS.systemPrompt,
      apiKey: 'sk-test-0123456789abcdef',
      baseUrl: up.baseUrl,
      stream,
    });
  };

  it('never fails a request: it is sent again once on a fresh connection', async () => {
    for (let i = 0; i < 6; i++) {
      const r = await call(false);
      expect(r.ok ? 'ok' : r.error.message).toBe('ok');
    }
    // The reused sockets were really dropped, and every request was answered on a live one.
    expect(up.stats.resets).toBeGreaterThan(0);
    expect(up.stats.answered).toBe(6);
  });

  it('a stream sent again on a fresh connection arrives whole', async () => {
    for (let i = 0; i < 3; i++) {
      const r = await call(true);
      if (!r.ok || !r.stream) throw new Error(r.ok ? 'expected a stream' : r.error.message);
      const events: CanonicalStreamEvent[] = [];
      for await (const e of r.events) events.push(e);
      expect(events.at(-1)).toMatchObject({ type: 'finish' });
    }
  });
});
