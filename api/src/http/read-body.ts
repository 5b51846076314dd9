/** Reads a JSON body with a byte cap, so an oversized request is refused before it is buffered. */
export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413; message: string };

export async function readJsonBody(request: Request, maxBytes: number): Promise<BodyResult> {
  const declared = Number(request.headers.get('content-length') ?? '0');
  if (declared > maxBytes)
    return { ok: false, status: 413, message: `request body is ${declared} bytes; the limit is ${maxBytes}` };
  if (!request.body) return { ok: false, status: 400, message: 'request body is empty: send a JSON object' };
  if (request.headers.get('content-length')) {
    // HTTP framing bounds the body to the declared length, checked above: read it in one go.
    return parseJson(new TextDecoder().decode(await request.arrayBuffer()));
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return { ok: false, status: 413, message: `request body exceeds the limit of ${maxBytes} bytes` };
    }
    chunks.push(value);
  }
  return parseJson(new TextDecoder().decode(Buffer.concat(chunks)));
}

function parseJson(text: string): BodyResult {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch (err) {
    return { ok: false, status: 400, message: `request body is not valid JSON: ${(err as Error).message}` };
  }
}
