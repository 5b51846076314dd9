/**
 * Upper bounds used for credit reservations. A byte-level BPE token covers at least one byte of
 * text, so the UTF-8 length of everything sent is a true upper bound on text tokens; images and
 * per-message framing get generous fixed allowances. Reserving on this bound means the actual
 * charge can never exceed the reservation.
 */
import type { CanonicalRequest } from '../providers/canonical';

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s).length;

/** Tokens per image, above what any provider charges for one image (OpenAI high detail, Anthropic ~1,600). */
export const IMAGE_TOKEN_ALLOWANCE = 6_000;
const PER_MESSAGE = 16;
const PER_REQUEST = 64;

export function inputTokenUpperBound(req: CanonicalRequest): number {
  let n = PER_REQUEST;
  for (const m of req.messages) {
    n += PER_MESSAGE;
    const c = 'content' in m ? m.content : null;
    if (typeof c === 'string') n += bytes(c);
    else if (Array.isArray(c)) {
      for (const part of c as { type: string; text?: string }[]) {
        n += part.type === 'text' ? bytes(part.text ?? '') : IMAGE_TOKEN_ALLOWANCE;
      }
    }
    if (m.role === 'assistant' && m.tool_calls) n += bytes(JSON.stringify(m.tool_calls));
  }
  if (req.tools) n += bytes(JSON.stringify(req.tools));
  if (req.response_format) n += bytes(JSON.stringify(req.response_format));
  return n;
}
