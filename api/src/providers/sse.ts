/**
 * A byte-level Server-Sent Events decoder (WHATWG HTML "event stream interpretation"), correct however the
 * bytes are split: lines end in `\n`, `\r\n` or `\r` (a `\r` at the end of one chunk and `\n` at the start
 * of the next are ONE line ending); multi-line `data:` joins with `\n`; `:` lines are comments (keep-alives
 * such as OpenRouter's `: OPENROUTER PROCESSING`); `event:` and `id:` are kept; a UTF-8 character split
 * across chunks is reassembled. Unlike the browser algorithm, a final event without its trailing blank
 * line is still delivered by `end()` — real upstreams (Gemini) sometimes close right after the last line.
 */

export interface SseEvent {
  /** The `event:` field, when the event had one (Anthropic names every event; OpenAI never does). */
  event?: string;
  /** The `data:` lines joined with `\n`. */
  data: string;
  /** The `id:` field, when present. */
  id?: string;
}

export interface SseDecoder {
  /** Feeds raw bytes (or already-decoded text); returns the events completed by them. */
  push(chunk: Uint8Array | string): SseEvent[];
  /** Flushes at end of body: a pending line and an event still being built are delivered. */
  end(): SseEvent[];
  /** Number of comment lines seen so far (keep-alives). */
  readonly comments: number;
}

export function createSseDecoder(): SseDecoder {
  const utf8 = new TextDecoder('utf-8');
  let buffer = '';
  let skipLeadingLf = false; // previous chunk ended in '\r'; a following '\n' belongs to it
  let first = true;
  let data: string[] = [];
  let event: string | undefined;
  let id: string | undefined;
  let comments = 0;

  const dispatch = (out: SseEvent[]) => {
    if (data.length > 0) {
      const ev: SseEvent = { data: data.join('\n') };
      if (event !== undefined) ev.event = event;
      if (id !== undefined) ev.id = id;
      out.push(ev);
    }
    data = [];
    event = undefined;
    // `id` is sticky per the spec ("last event ID"), but we report it only on the event that carried it.
    id = undefined;
  };

  const line = (text: string, out: SseEvent[]) => {
    if (text === '') return dispatch(out);
    if (text.startsWith(':')) {
      comments++;
      return;
    }
    const colon = text.indexOf(':');
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? '' : text.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
    else if (field === 'id' && !value.includes('\0')) id = value;
    // `retry` and unknown fields are ignored.
  };

  const consume = (text: string, out: SseEvent[]) => {
    let s = text;
    if (first && s.length > 0) {
      if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
      first = false;
    }
    if (skipLeadingLf && s.length > 0) {
      if (s[0] === '\n') s = s.slice(1);
      skipLeadingLf = false;
    }
    buffer += s;
    let start = 0;
    for (let i = 0; i < buffer.length; i++) {
      const c = buffer.charCodeAt(i);
      if (c !== 10 && c !== 13) continue;
      line(buffer.slice(start, i), out);
      if (c === 13) {
        if (i + 1 < buffer.length) {
          if (buffer.charCodeAt(i + 1) === 10) i++;
        } else {
          skipLeadingLf = true;
        }
      }
      start = i + 1;
    }
    buffer = buffer.slice(start);
  };

  return {
    push(chunk) {
      const out: SseEvent[] = [];
      consume(typeof chunk === 'string' ? chunk : utf8.decode(chunk, { stream: true }), out);
      return out;
    },
    end() {
      const out: SseEvent[] = [];
      consume(utf8.decode(), out);
      if (buffer !== '') line(buffer, out);
      buffer = '';
      dispatch(out);
      return out;
    },
    get comments() {
      return comments;
    },
  };
}

/** Decodes a whole SSE body at once (tests, fixtures). */
export function parseSse(body: Uint8Array | string): SseEvent[] {
  const d = createSseDecoder();
  return [...d.push(body), ...d.end()];
}
