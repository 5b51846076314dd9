/**
 * Per-call cancellation and timers for call.ts, and reading a whole body under them. No fetch here.
 */
import type { AbortReason } from './call-errors';

export interface LinkTimeouts {
  connectMs: number;
  firstByteMs: number;
  idleMs: number;
  totalMs: number;
}

/**
 * One AbortController per call, fed by the caller's signal, the total deadline and a re-armable phase timer
 * (first byte, then idle between chunks). `reason` says which one fired.
 */
export class CallLink {
  private readonly controller = new AbortController();
  private phase: ReturnType<typeof setTimeout> | undefined;
  private readonly total: ReturnType<typeof setTimeout>;
  private readonly onCallerAbort = () => this.abort('client');
  reason: AbortReason | undefined;

  constructor(
    readonly timeouts: LinkTimeouts,
    private readonly caller?: AbortSignal,
  ) {
    this.total = setTimeout(() => this.abort('total'), timeouts.totalMs);
    this.total.unref?.();
    if (caller?.aborted) this.abort('client');
    else caller?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /**
   * Races a body read against our abort, so a timeout or cancellation ends the read even when the fetch
   * implementation does not tie its body stream to the signal.
   */
  race<T>(read: Promise<T>): Promise<T> {
    if (this.controller.signal.aborted) {
      read.catch(() => {}); // the read fails with the abort too; nobody waits for it
      return Promise.reject(new Error(`aborted: ${this.reason}`));
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(new Error(`aborted: ${this.reason}`));
      this.controller.signal.addEventListener('abort', onAbort, { once: true });
      read.then(
        (v) => {
          this.controller.signal.removeEventListener('abort', onAbort);
          resolve(v);
        },
        (e: unknown) => {
          this.controller.signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      );
    });
  }

  arm(reason: 'first-byte' | 'idle', ms: number) {
    this.disarm();
    this.phase = setTimeout(() => this.abort(reason), ms);
    this.phase.unref?.();
  }

  disarm() {
    if (this.phase) clearTimeout(this.phase);
    this.phase = undefined;
  }

  abort(reason: AbortReason) {
    if (this.reason) return;
    this.reason = reason;
    this.controller.abort();
    this.disarm();
  }

  /**
   * Ends the call: timers cleared, listener removed. `cancel` also aborts the upstream request (left early);
   * a body read to its end is not aborted, so its connection goes back to the keep-alive pool.
   */
  close(cancel = false) {
    this.disarm();
    clearTimeout(this.total);
    this.caller?.removeEventListener('abort', this.onCallerAbort);
    if (cancel && !this.controller.signal.aborted) this.controller.abort();
  }
}

/**
 * An upstream body: a web ReadableStream (an injected `fetch`'s Response) or any async iterable of
 * bytes (the default transport hands over undici's Node stream as is: no web-stream conversion).
 */
export type UpstreamBody = ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

/** One pull-based reader over either kind of body; `cancel` stops the upstream read. */
export interface BodyReader {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
  cancel(): Promise<void>;
}

export function bodyReader(body: UpstreamBody): BodyReader {
  if ('getReader' in body && typeof body.getReader === 'function') {
    const r = body.getReader();
    return {
      read: () => r.read() as ReturnType<BodyReader['read']>,
      cancel: () => r.cancel(),
    };
  }
  const it = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  return {
    read: () => it.next() as ReturnType<BodyReader['read']>,
    cancel: async () => {
      // Leaving the iterator early destroys a Node stream (and with it undici's request).
      await it.return?.();
      (body as { destroy?: () => void }).destroy?.();
    },
  };
}

/** Reads a whole body as UTF-8 text, with the idle timer between chunks and a byte cap. */
export async function readAll(
  res: { body: UpstreamBody | null },
  link: CallLink,
  cap: number,
): Promise<{ ok: true; text: string } | { ok: false; reason: AbortReason | undefined; err?: unknown }> {
  const reader = res.body ? bodyReader(res.body) : undefined;
  if (!reader) return { ok: true, text: '' };
  const utf8 = new TextDecoder();
  let text = '';
  let bytes = 0;
  try {
    for (;;) {
      link.arm('idle', link.timeouts.idleMs);
      const chunk = await link.race(reader.read());
      link.disarm();
      if (chunk.done) return { ok: true, text: text + utf8.decode() };
      bytes += chunk.value.byteLength;
      if (bytes > cap) {
        link.abort('size');
        reader.cancel().catch(() => {});
        return { ok: false, reason: 'size' };
      }
      text += utf8.decode(chunk.value, { stream: true });
    }
  } catch (err) {
    return { ok: false, reason: link.reason, err };
  }
}
