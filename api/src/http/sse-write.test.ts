import { once } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSse } from './sse-write';

/** A node:http server on port 0 whose only handler is `handler`. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<Server> {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return server;
}

async function rawGet(server: Server) {
  const sock = connect((server.address() as AddressInfo).port, '127.0.0.1');
  await once(sock, 'connect');
  sock.on('error', () => {});
  let received = '';
  sock.on('data', (d: Buffer) => {
    received += d.toString('latin1');
  });
  sock.write('GET / HTTP/1.1\r\nhost: x\r\n\r\n');
  return { sock, text: () => received };
}

describe('writeSse', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('writes the opening and every event, then ends the response', async () => {
    async function* items() {
      yield 1;
      yield 2;
    }
    server = await serve((_req, res) => {
      void writeSse(res, { 'x-id': 'r1' }, 'data: open\n\n', items(), (n) => `data: ${n}\n\n`);
    });
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(res.headers.get('x-id')).toBe('r1');
    expect(await res.text()).toBe('data: open\n\ndata: 1\n\ndata: 2\n\n');
  });

  it('returns the generator when the client leaves while the socket is full (no drain ever comes)', async () => {
    let settled = false;
    let resolveDone: () => void;
    const done = new Promise<void>((r) => {
      resolveDone = r;
    });
    let response: ServerResponse | undefined;
    async function* endless() {
      try {
        for (;;) yield 'x'.repeat(64 * 1024);
      } finally {
        settled = true; // where a real stream charges and releases its reservation
      }
    }
    server = await serve((_req, res) => {
      response = res;
      writeSse(res, {}, '', endless(), (s) => `data: ${s}\n\n`).then(() => resolveDone());
    });
    const client = await rawGet(server);
    await new Promise((r) => setTimeout(r, 20));
    client.sock.pause(); // the kernel buffers fill up, then the writer waits for a drain
    for (let i = 0; i < 200 && !response?.writableNeedDrain; i++) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    expect(response!.writableNeedDrain).toBe(true);
    expect(settled).toBe(false);
    client.sock.destroy();
    await done;
    expect(settled).toBe(true);
  });

  it('cuts a client that stops reading but keeps the connection open, once the stall limit passes', async () => {
    let settled = false;
    let resolveDone: () => void;
    const done = new Promise<void>((r) => {
      resolveDone = r;
    });
    async function* endless() {
      try {
        for (;;) yield 'x'.repeat(64 * 1024);
      } finally {
        settled = true;
      }
    }
    server = await serve((_req, res) => {
      writeSse(res, {}, '', endless(), (s) => `data: ${s}\n\n`, 300).then(() => resolveDone());
    });
    const client = await rawGet(server);
    client.sock.pause(); // never reads again, never closes
    let clientClosed = false;
    client.sock.on('close', () => {
      clientClosed = true;
    });
    await done;
    expect(settled).toBe(true);
    client.sock.resume(); // read what was buffered, then see the end
    for (let i = 0; i < 200 && !clientClosed; i++) await new Promise((r) => setTimeout(r, 20));
    expect(clientClosed).toBe(true);
  });
});
