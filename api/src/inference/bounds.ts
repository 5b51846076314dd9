/**
 * Upper bounds used for credit reservations. A byte-level BPE token covers at least one byte of
 * text, so the UTF-8 length of everything sent is a true upper bound on text tokens; images and
 * per-message framing get generous fixed allowances. Reserving on this bound means the actual
 * charge can never exceed the reservation, and an upstream that reports more input than this is lying
 * (providers/trust-usage.ts refuses it).
 */
import type { CanonicalRequest } from '../providers/canonical';

const encoder = new TextEncoder();
const bytes = (s: string) => encoder.encode(s).length;

/** Tokens per image, above what any provider charges for one image (OpenAI high detail, Anthropic ~1,600). */
export const IMAGE_TOKEN_ALLOWANCE = 6_000;
const PER_MESSAGE = 16;
const PER_REQUEST = 64;
/**
 * Tokens a provider adds on its own when tools are offered: Anthropic's tool-use system prompt is
 * 313–346 tokens, OpenAI's and Gemini's framing is smaller. Without it the bound is not a bound for a
 * short prompt with a short tool, and trust-usage.ts would refuse an honest count.
 */
export const TOOLS_ALLOWANCE = 1_024;

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
  // JSON.stringify recurses: safe because parseCanonicalRequest refuses nesting deeper than MAX_JSON_DEPTH.
  if (req.tools?.length) n += TOOLS_ALLOWANCE + bytes(JSON.stringify(req.tools));
  if (req.response_format) n += bytes(JSON.stringify(req.response_format));
  return n;
}
