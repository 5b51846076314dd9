/**
 * The request body limit for /graphql (config.maxBodyBytes, LOWROUTER_MAX_BODY_BYTES): a declared
 * Content-Length over it is refused at once, and a streamed body is counted as it arrives and cut off
 * the moment it passes the limit, so at most `maxBytes` are ever held. Either way: 413 with a clear
 * GraphQL-shaped error.
 */

const tooLarge = (maxBytes: number, size: string) =>
  new Response(
    JSON.stringify({
      errors: [
        {
          message: `the request body is ${size}; /graphql accepts at most ${maxBytes} bytes (LOWROUTER_MAX_BODY_BYTES): send a smaller query or fewer variables`,
          extensions: { code: 'PAYLOAD_TOO_LARGE', maxBytes },
        },
      ],
    }),
    { status: 413, headers: { 'content-type': 'application/json', connection: 'close' } },
  );

/**
 * The request with its body read and checked (a fresh Request over the bytes), or a 413 Response.
 * Requests without a body (GET, HEAD) pass through untouched.
 */
export async function limitRequestBody(request: Request, maxBytes: number): Promise<Request | Response> {
  if (!request.body) return request;
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) return tooLarge(maxBytes, `${declared} bytes`);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    try {
      chunk = await reader.read();
    } catch {
      // The client went away mid-upload: nobody reads this answer, but it must not be a 500.
      return new Response(null, { status: 400, headers: { connection: 'close' } });
    }
    const { done, value } = chunk;
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return tooLarge(maxBytes, `more than ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const headers = new Headers(request.headers);
  headers.delete('transfer-encoding');
  headers.set('content-length', String(size));
  return new Request(request.url, {
    method: request.method,
    headers,
    body: Buffer.concat(chunks),
    signal: request.signal,
  });
}
