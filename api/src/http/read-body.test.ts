import { once } from 'node:events';
import { type IncomingMessage, type Server, createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type BodyResult, readJsonBody } from './read-body';

describe('readJsonBody', () => {
  let server: Server | undefined;
  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  /** Sends `raw` (a whole HTTP request) and resolves with what readJsonBody made of its body. */
  async function read(raw: string | string[], maxBytes: number): Promise<BodyResult> {
    let result!: (r: BodyResult) => void;
    const got = new Promise<BodyResult>((r) => {
      result = r;
    });
    server = createServer((req: IncomingMessage, res) => {
      readJsonBody(req, maxBytes).then((r) => {
        result(r);
        res.end();
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const sock = connect((server.address() as AddressInfo).port, '127.0.0.1');
    sock.on('error', () => {});
    await once(sock, 'connect');
    for (const part of Array.isArray(raw) ? raw : [raw]) sock.write(part);
    const r = await got;
    sock.destroy();
    return r;
  }
  const head = (extra: string) => `POST / HTTP/1.1\r\nhost: x\r\n${extra}\r\n`;

  it('parses a body with a declared length', async () => {
    expect(await read(`${head('content-length: 9\r\n')}{"a":[1]}`, 100)).toEqual({
      ok: true,
      value: { a: [1] },
    });
  });

  it('parses a chunked body that stays under the limit', async () => {
    const r = await read(
      [head('transfer-encoding: chunked\r\n'), '4\r\n{"a"\r\n', '3\r\n:2}\r\n', '0\r\n\r\n'],
      100,
    );
    expect(r).toEqual({ ok: true, value: { a: 2 } });
  });

  it('refuses a declared length over the limit without reading the body', async () => {
    expect(await read(head('content-length: 101\r\n'), 100)).toEqual({
      ok: false,
      status: 413,
      message: 'request body is 101 bytes; the limit is 100',
    });
  });

  it('refuses a chunked body once it grows past the limit, without waiting for its end', async () => {
    const chunk = `40\r\n${'x'.repeat(64)}\r\n`;
    expect(await read([head('transfer-encoding: chunked\r\n'), chunk, chunk], 100)).toEqual({
      ok: false,
      status: 413,
      message: 'request body exceeds the limit of 100 bytes',
    });
  });

  it('says what is wrong with an empty or broken body', async () => {
    expect(await read(head('content-length: 0\r\n'), 100)).toMatchObject({ ok: false, status: 400 });
    const broken = await read(`${head('content-length: 3\r\n')}{"a`, 100);
    expect(broken).toMatchObject({ ok: false, status: 400 });
    expect((broken as { message: string }).message).toMatch(/^request body is not valid JSON/);
  });
});
