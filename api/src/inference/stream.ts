/**
 * The stream stage: turns the upstream's canonical events into what the surfaces write (deltas, then one
 * `final` or one `error`), accumulating the answer so the request can be settled, and settles it EXACTLY
 * ONCE whatever happens:
 * - the upstream finishes → settled `ok` (charged the usage it reported, or an estimate), then `final`;
 * - the upstream fails mid-stream → settled `error`, charged for what was generated, then `error`;
 * - the client leaves (its `signal` aborts, or the writer calls `return()`) → settled at once as
 *   `client_disconnected`, charged for what was generated, the upstream cancelled. This does not wait for
 *   the writer to pull again: a generator blocked on an upstream that hangs, or parked at a `yield` that a
 *   backpressured writer will not resume, is settled from the abort itself;
 * - the client stops reading (the writer has not pulled for `stallMs`) → the same, with error kind
 *   `client_stalled`; if the writer pulls later, it gets an `error` item saying so.
 *
 * The generator is pull-based: it asks the upstream for the next event only when its consumer asks for
 * the next item, so nothing is buffered here beyond one upstream event. Health hears the outcome through
 * `report` (the client leaving is no verdict on the endpoint).
 */
import { GATEWAY_PROVIDER } from '../providers/call-errors';
import type { CanonicalStreamEvent, CanonicalUsage, FinishReason, ToolCall } from '../providers/canonical';
import type { ProviderError } from '../providers/provider-error';
import type { Completion } from './complete';

/** What a stream yields: upstream deltas, then exactly one `final` (after the record is committed) or one `error`. */
export type StreamItem =
  | { type: 'delta'; event: Extract<CanonicalStreamEvent, { type: 'text' | 'reasoning' | 'tool_call' }> }
  | { type: 'final'; completion: Completion }
  | { type: 'error'; error: ProviderError; requestId: string };

export interface StreamSettleArgs {
  usage: CanonicalUsage;
  finishReason: FinishReason | null;
  status: 'ok' | 'error' | 'client_disconnected';
  errorKind?: string;
  /** ms from the upstream call to the end of the stream, when it ended cleanly. */
  upstreamLatencyMs: number | undefined;
  message: Completion['message'];
}

/** Default for `stallMs`: a client that has not read for this long is treated as gone, ms. */
export const DEFAULT_STREAM_STALL_MS = 60_000;

export interface StreamOptions {
  requestId: string;
  /** Provider id, for the error when the upstream ends without its end marker. */
  provider: string;
  /** The first upstream event, already read by execute (undefined when the stream was empty). */
  first: CanonicalStreamEvent | undefined;
  rest: AsyncIterator<CanonicalStreamEvent>;
  /** When the upstream call started, ms (same clock as `now`). */
  startedAt: number;
  /** Tells health how the stream ended (see ExecuteResult.report). */
  report: (error?: ProviderError) => void;
  /** Records the row and settles the reservation; called exactly once. */
  settle: (args: StreamSettleArgs) => Promise<Completion>;
  /** Upper bound of the input tokens, for the estimate when the upstream sent no usage. */
  inputBound: number;
  /** Fires when the client goes away. */
  signal?: AbortSignal;
  /** ms without a pull from the consumer before the stream is treated as abandoned. */
  stallMs: number;
  now: () => number;
  /** Where a failed settlement outside the consumer's reach is reported. */
  onSettleError: (err: unknown) => void;
}

export function estimateOutputTokens(text: string, toolArgs: string): number {
  return Math.ceil((text.length + toolArgs.length) / 4);
}

const STOP = Symbol('stop');

export function streamItems(o: StreamOptions): AsyncGenerator<StreamItem> {
  let text = '';
  let reasoning = '';
  const tools: ToolCall[] = [];
  let usage: CanonicalUsage | undefined;
  let finish: FinishReason | undefined;
  let error: ProviderError | undefined;

  const take = (ev: CanonicalStreamEvent): StreamItem | null => {
    switch (ev.type) {
      case 'text':
        text += ev.text;
        return { type: 'delta', event: ev };
      case 'reasoning':
        reasoning += ev.text;
        return { type: 'delta', event: ev };
      case 'tool_call': {
        let t = tools[ev.index];
        if (!t) {
          t = {
            id: ev.id ?? '',
            type: 'function',
            function: { name: ev.name ?? '', arguments: '' },
          } as ToolCall;
          tools[ev.index] = t;
        }
        if (ev.id) t.id = ev.id;
        if (ev.name) t.function.name = ev.name;
        t.function.arguments += ev.arguments;
        return { type: 'delta', event: ev };
      }
      case 'usage':
        usage = ev.usage;
        return null;
      case 'finish':
        finish = ev.finishReason;
        return null;
      case 'error':
        error = ev.error;
        return null;
      default:
        return null;
    }
  };
  /** The upstream's usage, or an estimate from what was streamed (never below what it reported). */
  const counted = (): CanonicalUsage => ({
    inputTokens: usage?.inputTokens ?? Math.ceil(o.inputBound / 4),
    outputTokens: Math.max(
      usage?.outputTokens ?? 0,
      estimateOutputTokens(text + reasoning, tools.map((t) => t.function.arguments).join('')),
    ),
    cachedInputTokens: usage?.cachedInputTokens ?? 0,
    cacheWriteTokens: usage?.cacheWriteTokens ?? 0,
    reasoningTokens: usage?.reasoningTokens ?? 0,
    estimated: true,
  });
  const partialUsage = () => (usage && usage.outputTokens > 0 ? usage : counted());
  const message = (): Completion['message'] => ({
    content: text || null,
    toolCalls: tools.filter(Boolean),
    ...(reasoning ? { reasoning } : {}),
  });

  // --- settle exactly once ---------------------------------------------------------------------
  let settled: Promise<Completion> | undefined;
  const settleOnce = (args: StreamSettleArgs): Promise<Completion> => {
    settled ??= o.settle(args);
    return settled;
  };

  // --- stop from outside the generator: client gone, or not reading ------------------------------
  let stopped: 'client' | 'stall' | undefined;
  /** Ends the upstream read in progress, if any, as STOP. */
  let wake: (() => void) | undefined;
  const nextEvent = () =>
    new Promise<IteratorResult<CanonicalStreamEvent> | typeof STOP>((resolve, reject) => {
      wake = () => resolve(STOP);
      o.rest.next().then(resolve, reject);
    }).finally(() => {
      wake = undefined;
    });
  let stallTimer: ReturnType<typeof setTimeout> | undefined;
  const disarmStall = () => {
    if (stallTimer) clearTimeout(stallTimer);
    stallTimer = undefined;
  };
  const armStall = () => {
    disarmStall();
    stallTimer = setTimeout(() => stop('stall'), o.stallMs);
    stallTimer.unref?.();
  };
  const cleanup = () => {
    disarmStall();
    o.signal?.removeEventListener('abort', onAbort);
  };
  function stop(why: 'client' | 'stall') {
    if (stopped || settled) return;
    stopped = why;
    cleanup();
    wake?.();
    // Cancels the upstream (call.ts aborts its request); queued behind a read in progress, which the
    // same abort ends.
    o.rest.return?.(undefined).catch(() => {});
    o.report({
      kind: 'client_closed',
      status: null,
      retryable: false,
      provider: GATEWAY_PROVIDER,
      message: why === 'stall' ? 'the client stopped reading' : 'the client disconnected',
    });
    settleOnce({
      usage: partialUsage(),
      finishReason: null,
      status: 'client_disconnected',
      errorKind: why === 'stall' ? 'client_stalled' : 'client_disconnected',
      upstreamLatencyMs: undefined,
      message: message(),
    }).catch(o.onSettleError);
  }
  const onAbort = () => stop('client');
  if (o.signal?.aborted) queueMicrotask(onAbort);
  else o.signal?.addEventListener('abort', onAbort, { once: true });
  armStall(); // until the consumer first pulls

  let started = false;
  async function* run(): AsyncGenerator<StreamItem> {
    started = true;
    disarmStall();
    try {
      const firstItem = o.first ? take(o.first) : null;
      if (firstItem && !stopped) {
        armStall();
        yield firstItem;
        disarmStall();
      }
      while (!stopped && !error && !finish) {
        const next = await nextEvent();
        if (next === STOP || next.done) break;
        const item = take(next.value);
        if (item && !stopped) {
          armStall();
          yield item;
          disarmStall();
        }
      }
      if (stopped) {
        await settled?.catch(() => {});
        if (stopped === 'stall') {
          const e: ProviderError = {
            kind: 'timeout',
            status: null,
            retryable: false,
            provider: GATEWAY_PROVIDER,
            message: `the client did not read the stream for ${o.stallMs} ms; it was ended`,
          };
          yield { type: 'error', error: e, requestId: o.requestId };
        }
        return;
      }
      cleanup();
      if (!error && finish) {
        o.report();
        const completion = await settleOnce({
          usage: usage ?? counted(),
          finishReason: finish,
          status: 'ok',
          upstreamLatencyMs: o.now() - o.startedAt,
          message: message(),
        });
        yield { type: 'final', completion };
        return;
      }
      const e: ProviderError = error ?? {
        kind: 'network',
        status: null,
        retryable: true,
        provider: o.provider,
        message: 'the upstream stream ended before its end marker',
      };
      // The client's own disconnect also cancels the upstream, which then reports an error: that is
      // the client leaving, not an upstream fault (report() knows), and the row says so.
      const clientLeft = Boolean(o.signal?.aborted) || e.kind === 'client_closed';
      o.report(e);
      // Charged for what was generated before the cut; the row says why it ended.
      await settleOnce({
        usage: partialUsage(),
        finishReason: null,
        status: clientLeft ? 'client_disconnected' : 'error',
        errorKind: clientLeft ? 'client_disconnected' : e.kind,
        upstreamLatencyMs: undefined,
        message: message(),
      });
      yield { type: 'error', error: e, requestId: o.requestId };
    } finally {
      // Left early by the consumer (return() at a yield): the client went away.
      if (!settled) stop('client');
      cleanup();
      await settled?.catch(() => {});
    }
  }

  const gen = run();
  // return() on a generator that never started skips its body (and so its finally): settle here.
  const returnOf = gen.return.bind(gen);
  gen.return = async (value) => {
    if (!started) {
      stop('client');
      await settled?.catch(() => {});
    }
    return returnOf(value);
  };
  return gen;
}
