/**
 * Reads a JSON request body straight from the socket with a byte cap, so an oversized request is
 * refused before it is buffered. On a 413 the rest of the body is left unread: the caller must answer
 * with `Connection: close` (see v1-router.ts) so the socket is closed instead of kept open half-read.
 */
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string };

export function readJsonBody(req: IncomingMessage, maxBytes: number): Promise<BodyResult> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > maxBytes)
    return Promise.resolve({
      ok: false,
      status: 413,
      message: `request body is ${declared} bytes; the limit is ${maxBytes}`,
    });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const finish = (result: BodyResult) => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onError);
      resolve(result);
    };
    const onData = (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        // A chunked body (no declared length) that grows past the cap: stop reading here.
        req.pause();
        finish({ ok: false, status: 413, message: `request body exceeds the limit of ${maxBytes} bytes` });
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      if (size === 0)
        finish({ ok: false, status: 400, message: 'request body is empty: send a JSON object' });
      else finish(parseJson(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size)));
    };
    // The client went away mid-body: nothing will be answered; the router sees the closed socket.
    const onError = () => finish({ ok: false, status: 400, message: 'request body was cut off' });
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onError);
  });
}

function parseJson(bytes: Buffer): BodyResult {
  try {
    return { ok: true, value: JSON.parse(bytes.toString('utf8')) };
  } catch (err) {
    return { ok: false, status: 400, message: `request body is not valid JSON: ${(err as Error).message}` };
  }
}
