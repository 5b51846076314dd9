/**
 * Server-sent events out, written straight to the socket: one `data:` line per JSON chunk, `[DONE]` at
 * the end (OpenAI's framing). Back-pressure waits for 'drain' OR 'close' — never for drain alone, since a
 * client that stops reading and then disconnects never drains — and a closed connection ends the
 * stream's generator with `return()`, so its `finally` settles the request (charge, row, reservation).
 */
import type { ServerResponse } from 'node:http';

export function sseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

export const SSE_DONE = 'data: [DONE]\n\n';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
} as const;

/** A client that reads nothing for this long while the socket is full is cut off (ms); the gateway passes LOWROUTER_STREAM_STALL_MS. */
export const STALL_LIMIT_MS = 60_000;

/**
 * Sends `opening`, then `encode(item)` for each item until the generator is done. Resolves once the
 * stream has ended, either way; when the client left first, `items.return()` has run (and finished)
 * by then. `encode` returns '' for an item that writes nothing. A client that keeps the connection
 * open but stops reading is cut after `stallLimitMs` without a drain, so it cannot hold credit forever.
 */
export async function writeSse<T>(
  res: ServerResponse,
  headers: Record<string, string>,
  opening: string,
  items: AsyncGenerator<T>,
  encode: (item: T) => string,
  stallLimitMs = STALL_LIMIT_MS,
): Promise<void> {
  let closed = false;
  const onClose = () => {
    closed = true;
  };
  res.once('close', onClose);
  let finished = false;
  try {
    res.writeHead(200, { ...SSE_HEADERS, ...headers });
    if (!(await write(res, opening, () => closed, stallLimitMs))) return;
    for (;;) {
      const next = await items.next();
      if (next.done) {
        finished = true;
        return;
      }
      const chunk = encode(next.value);
      if (chunk && !(await write(res, chunk, () => closed, stallLimitMs))) return;
    }
  } catch (err) {
    // The stream itself broke (not the client): cut the connection rather than end it cleanly.
    res.destroy();
    throw err;
  } finally {
    res.off('close', onClose);
    if (!finished) await items.return(undefined);
    if (!closed && !res.destroyed) res.end();
  }
}

/**
 * Writes one chunk; when the socket buffer is full waits for 'drain' or 'close' (or the stall limit,
 * which destroys the response). False once closed.
 */
function write(
  res: ServerResponse,
  chunk: string,
  isClosed: () => boolean,
  stallLimitMs: number,
): boolean | Promise<boolean> {
  if (isClosed() || res.destroyed) return false;
  if (res.write(chunk)) return true;
  return new Promise<boolean>((resolve) => {
    const stalled = setTimeout(() => {
      res.destroy();
      settle(false);
    }, stallLimitMs);
    const settle = (open: boolean) => {
      clearTimeout(stalled);
      res.off('drain', onDrain);
      res.off('close', onClosed);
      resolve(open);
    };
    const onDrain = () => settle(true);
    const onClosed = () => settle(false);
    res.on('drain', onDrain);
    res.on('close', onClosed);
  });
}
