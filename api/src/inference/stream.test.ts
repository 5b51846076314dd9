import { describe, expect, it } from 'vitest';
import type { CanonicalStreamEvent } from '../providers/canonical';
import type { ProviderError } from '../providers/provider-error';
import type { Completion } from './complete';
import { type StreamItem, type StreamOptions, type StreamSettleArgs, streamItems } from './stream';

const usage = {
  inputTokens: 5,
  outputTokens: 7,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
};

/**
 * An upstream stream: yields `events`, then either ends or hangs until `return()` (as call.ts does when
 * its request is cancelled). Records whether it was cancelled.
 */
function upstream(events: CanonicalStreamEvent[], hang = false) {
  const state = { cancelled: false, pulls: 0 };
  let release: (() => void) | undefined;
  const it: AsyncIterator<CanonicalStreamEvent> = {
    async next() {
      state.pulls++;
      const e = events.shift();
      if (e) return { done: false, value: e };
      if (!hang || state.cancelled) return { done: true, value: undefined };
      await new Promise<void>((r) => {
        release = r;
      });
      return { done: true, value: undefined };
    },
    async return() {
      state.cancelled = true;
      release?.();
      return { done: true, value: undefined };
    },
  };
  return { it, state };
}

/** streamItems with recording settle/report; `settled` resolves on the first settlement. */
function setup(rest: AsyncIterator<CanonicalStreamEvent>, over: Partial<StreamOptions> = {}) {
  const settles: StreamSettleArgs[] = [];
  const reports: (ProviderError | undefined)[] = [];
  let onSettle: (a: StreamSettleArgs) => void = () => {};
  const settled = new Promise<StreamSettleArgs>((r) => {
    onSettle = r;
  });
  const items = streamItems({
    requestId: 'req_1',
    provider: 'p',
    first: { type: 'start', id: 'c', model: 'm' },
    rest,
    startedAt: 0,
    report: (e) => reports.push(e),
    settle: async (a) => {
      settles.push(a);
      onSettle(a);
      return { id: 'req_1', finishReason: a.finishReason ?? 'error' } as Completion;
    },
    inputBound: 40,
    stallMs: 60_000,
    now: () => 10,
    onSettleError: (err) => {
      throw err;
    },
    ...over,
  });
  return { items, settles, reports, settled };
}

const text = (t: string): CanonicalStreamEvent => ({ type: 'text', text: t });

describe('the stream stage', () => {
  it('yields the deltas, settles once as ok with the upstream usage, then yields final', async () => {
    const up = upstream([
      text('Hel'),
      text('lo'),
      { type: 'usage', usage },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const s = setup(up.it);
    const out: StreamItem['type'][] = [];
    for await (const item of s.items) out.push(item.type);
    expect(out).toEqual(['delta', 'delta', 'final']);
    expect(s.settles).toHaveLength(1);
    expect(s.settles[0]).toMatchObject({ status: 'ok', usage, finishReason: 'stop' });
    expect(s.settles[0]!.message.content).toBe('Hello');
    expect(s.reports).toEqual([undefined]);
  });

  it('an upstream cut settles as error, charged for what was generated, and reports the error', async () => {
    const cut: ProviderError = {
      kind: 'network',
      status: null,
      retryable: true,
      message: 'cut',
      provider: 'p',
    };
    const s = setup(upstream([text('abcdefgh'), { type: 'error', error: cut }]).it);
    const out: StreamItem[] = [];
    for await (const item of s.items) out.push(item);
    expect(out.at(-1)).toMatchObject({ type: 'error', error: { kind: 'network' } });
    expect(s.settles).toHaveLength(1);
    expect(s.settles[0]).toMatchObject({ status: 'error', errorKind: 'network' });
    expect(s.settles[0]!.usage.outputTokens).toBe(2);
    expect(s.reports).toEqual([cut]);
  });

  it('settles at once when the client leaves while the upstream hangs, and cancels the upstream', async () => {
    const client = new AbortController();
    const up = upstream([text('abcd')], true);
    const s = setup(up.it, { signal: client.signal });
    expect((await s.items.next()).value).toMatchObject({ type: 'delta' });
    const pending = s.items.next(); // blocked on the hanging upstream
    client.abort();
    const args = await s.settled;
    expect(args).toMatchObject({ status: 'client_disconnected', errorKind: 'client_disconnected' });
    expect(args.usage.outputTokens).toBe(1);
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(up.state.cancelled).toBe(true);
    expect(s.settles).toHaveLength(1);
    expect(s.reports.map((r) => r?.kind)).toEqual(['client_closed']);
  });

  it('settles when the client leaves while the writer is not pulling, without waiting for it', async () => {
    const client = new AbortController();
    const up = upstream([text('abcd'), text('efgh')], true);
    const s = setup(up.it, { signal: client.signal });
    await s.items.next(); // the writer took one item and is stuck (backpressure)
    client.abort();
    expect(await s.settled).toMatchObject({ status: 'client_disconnected' });
    expect(up.state.cancelled).toBe(true);
    // The writer finally notices and returns: no second settlement.
    await s.items.return(undefined);
    expect(s.settles).toHaveLength(1);
  });

  it('a client that stops reading is settled after the stall timeout; a late pull gets an error', async () => {
    const up = upstream([text('abcd'), text('efgh')], true);
    const s = setup(up.it, { stallMs: 20 });
    await s.items.next(); // then never pulls again
    expect(await s.settled).toMatchObject({ status: 'client_disconnected', errorKind: 'client_stalled' });
    expect(up.state.cancelled).toBe(true);
    expect((await s.items.next()).value).toMatchObject({ type: 'error', error: { kind: 'timeout' } });
    expect((await s.items.next()).done).toBe(true);
    expect(s.settles).toHaveLength(1);
  });

  it('a writer that returns before its first pull still settles the request', async () => {
    const up = upstream([text('abcd')], true);
    const s = setup(up.it);
    await s.items.return(undefined);
    expect(s.settles).toEqual([expect.objectContaining({ status: 'client_disconnected' })]);
    expect(up.state.cancelled).toBe(true);
  });

  it('settles exactly once when the client leaves while the final settlement runs', async () => {
    const client = new AbortController();
    const up = upstream([text('ab'), { type: 'finish', finishReason: 'stop' }]);
    const statuses: string[] = [];
    const s = setup(up.it, {
      signal: client.signal,
      settle: async (a) => {
        statuses.push(a.status);
        client.abort(); // the client leaves while the row is being written
        await new Promise((r) => setTimeout(r, 5));
        return { id: 'req_1', finishReason: a.finishReason ?? 'error' } as Completion;
      },
    });
    const out: StreamItem['type'][] = [];
    for await (const item of s.items) out.push(item.type);
    expect(out).toEqual(['delta', 'final']);
    expect(statuses).toEqual(['ok']);
  });

  it('reads the upstream only as fast as its consumer pulls', async () => {
    const up = upstream(Array.from({ length: 50 }, (_, i) => text(`w${i} `)));
    const s = setup(up.it);
    for (let i = 0; i < 3; i++) await s.items.next();
    expect(up.state.pulls).toBe(3);
    await s.items.return(undefined);
  });
});
