import { describe, expect, it } from 'vitest';
import type { CallChatResult } from '../providers/call';
import type { CanonicalStreamEvent } from '../providers/canonical';
import type { ProviderError, ProviderErrorKind } from '../providers/provider-error';
import { executeAttempts } from './execute';
import { createHealthTracker } from './health';
import type { Attempt } from './rank-types';

const attempt = (id: string): Attempt => ({
  endpointId: id,
  modelId: `m/${id}`,
  providerId: id,
  regionId: `${id}:r`,
  country: 'FR',
  locationBasis: 'documented',
  score: 0,
  reasons: [],
});
const err = (kind: ProviderErrorKind, status: number | null, retryable: boolean): CallChatResult => ({
  ok: false,
  error: { kind, status, retryable, message: `${kind}`, provider: 'p' } as ProviderError,
});
const ok = (): CallChatResult => ({
  ok: true,
  stream: false,
  status: 200,
  warnings: [],
  response: {
    id: 'x',
    model: 'm',
    message: { role: 'assistant', content: 'hi' },
    finishReason: 'stop',
    usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
    warnings: [],
  },
});
async function* events(list: CanonicalStreamEvent[]) {
  for (const e of list) yield e;
}
const streamOf = (list: CanonicalStreamEvent[]): CallChatResult => ({
  ok: true,
  stream: true,
  status: 200,
  warnings: [],
  clientRequestedUsage: false,
  events: events(list),
});

function run(
  results: Record<string, CallChatResult[]>,
  opts: {
    ids?: string[];
    context?: Record<string, number>;
    stream?: boolean;
    maxAttempts?: number;
    deadlineMs?: number;
    clock?: { t: number };
    before?: (h: ReturnType<typeof createHealthTracker>) => void;
  } = {},
) {
  const clock = opts.clock ?? { t: 0 };
  const health = createHealthTracker({ now: () => clock.t });
  opts.before?.(health);
  const calls: string[] = [];
  const ids = opts.ids ?? Object.keys(results);
  const promise = executeAttempts({
    attempts: ids.map(attempt),
    stream: opts.stream ?? false,
    health,
    now: () => clock.t,
    deadlineMs: opts.deadlineMs ?? 60_000,
    maxAttempts: opts.maxAttempts ?? 4,
    contextWindowOf: (a) => opts.context?.[a.endpointId] ?? 128_000,
    call: async (a) => {
      calls.push(a.endpointId);
      clock.t += 10;
      return results[a.endpointId]!.shift()!;
    },
  });
  return { promise, calls, health };
}

describe('executing attempts with fallback', () => {
  it.each([
    ['rate_limited', 429],
    ['upstream', 500],
    ['overloaded', 503],
    ['overloaded', 529],
    ['timeout', null],
    ['network', null],
  ] as const)('falls back on %s (%s)', async (kind, status) => {
    const { promise, calls } = run({ a: [err(kind, status, true)], b: [ok()] });
    const r = await promise;
    expect(r.ok && r.attempt.endpointId).toBe('b');
    expect(calls).toEqual(['a', 'b']);
    expect(r.ok && r.fallbackUsed).toBe(true);
  });

  it("does not fall back on the client's own invalid request", async () => {
    const { promise, calls } = run({ a: [err('bad_request', 400, false)], b: [ok()] });
    const r = await promise;
    expect(r).toMatchObject({ ok: false, clientError: true });
    expect(calls).toEqual(['a']);
  });

  it('does not fall back on a content-filter refusal', async () => {
    const { promise, calls } = run({ a: [err('content_filter', 400, false)], b: [ok()] });
    expect((await promise).ok).toBe(false);
    expect(calls).toEqual(['a']);
  });

  it('on a context-length error, falls back only to a larger context window', async () => {
    const { promise, calls } = run(
      { small: [err('context_length', 400, false)], same: [ok()], large: [ok()] },
      { context: { small: 8_000, same: 8_000, large: 128_000 } },
    );
    const r = await promise;
    expect(calls).toEqual(['small', 'large']);
    expect(r.ok && r.attempt.endpointId).toBe('large');
    expect(r.ok && r.attempts.find((x) => x.endpointId === 'same')?.message).toMatch(/context window/);
  });

  it('marks an endpoint unavailable when the provider refuses our credential, and falls back', async () => {
    const { promise, calls, health } = run({ a: [err('auth', 401, false)], b: [ok()] });
    const r = await promise;
    expect(calls).toEqual(['a', 'b']);
    expect(r.ok).toBe(true);
    expect(health.state('a')).toBe('unavailable');
    expect(health.snapshot('a').unavailableReason).toMatch(/credential/);
  });

  it('stops at the retry budget', async () => {
    const { promise, calls } = run(
      { a: [err('upstream', 500, true)], b: [err('upstream', 500, true)], c: [ok()] },
      { maxAttempts: 2 },
    );
    const r = await promise;
    expect(calls).toEqual(['a', 'b']);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.attempts.at(-1)).toMatchObject({
      endpointId: 'c',
      outcome: 'skipped',
      message: 'retry budget spent',
    });
  });

  it('stops at the deadline', async () => {
    const clock = { t: 0 };
    const { promise, calls } = run({ a: [err('timeout', null, true)], b: [ok()] }, { deadlineMs: 10, clock });
    const r = await promise;
    expect(calls).toEqual(['a']);
    expect(!r.ok && r.attempts.at(-1)).toMatchObject({
      endpointId: 'b',
      outcome: 'skipped',
      message: 'deadline passed',
    });
  });

  it('skips an endpoint whose circuit is open', async () => {
    const clock = { t: 0 };
    const { promise, calls } = run(
      { a: [ok()], b: [ok()] },
      {
        clock,
        before: (h) => {
          for (let i = 0; i < 10; i++) h.record('a', { ok: false, latencyMs: 1, errorKind: 'upstream' });
        },
      },
    );
    const r = await promise;
    expect(calls).toEqual(['b']);
    expect(r.ok && r.attempts[0]).toMatchObject({
      endpointId: 'a',
      outcome: 'skipped',
      message: 'circuit open',
    });
  });

  it('a stream falls back when it fails before its first byte', async () => {
    const failing = streamOf([
      {
        type: 'error',
        error: { kind: 'overloaded', status: null, retryable: true, message: 'overloaded', provider: 'a' },
      },
    ]);
    const fine = streamOf([
      { type: 'text', text: 'hi' },
      { type: 'finish', finishReason: 'stop' },
    ]);
    const { promise, calls } = run({ a: [failing], b: [fine] }, { stream: true });
    const r = await promise;
    expect(calls).toEqual(['a', 'b']);
    expect(r.ok && 'first' in r && r.first).toEqual({ type: 'text', text: 'hi' });
  });

  it('a stream does not fall back once its first byte is out: the failure stays in the stream', async () => {
    const late = streamOf([
      { type: 'text', text: 'partial' },
      {
        type: 'error',
        error: { kind: 'network', status: null, retryable: true, message: 'cut', provider: 'a' },
      },
    ]);
    const { promise, calls } = run({ a: [late], b: [ok()] }, { stream: true });
    const r = await promise;
    expect(calls).toEqual(['a']);
    expect(r.ok && 'rest' in r).toBe(true);
    if (r.ok && 'rest' in r) expect((await r.rest.next()).value).toMatchObject({ type: 'error' });
  });
});

describe('what counts against an endpoint', () => {
  /** `n` requests, each answered by `result()` on endpoint a (b as fallback), on one shared tracker. */
  async function repeat(n: number, result: () => CallChatResult, signal?: AbortSignal) {
    const health = createHealthTracker({ now: () => 0 });
    const calls: string[] = [];
    for (let i = 0; i < n; i++) {
      await executeAttempts({
        attempts: [attempt('a'), attempt('b')],
        stream: false,
        health,
        now: () => 0,
        deadlineMs: 60_000,
        maxAttempts: 4,
        contextWindowOf: () => 128_000,
        ...(signal ? { signal } : {}),
        call: async (a) => {
          calls.push(a.endpointId);
          return a.endpointId === 'a' ? result() : ok();
        },
      });
    }
    return { health, calls };
  }

  it("a caller's 400 does not open the circuit", async () => {
    const { health } = await repeat(20, () => err('bad_request', 400, false));
    expect(health.state('a')).toBe('closed');
    expect(health.snapshot('a').failures).toBe(0);
  });

  it.each(['context_length', 'content_filter', 'not_found'] as const)(
    'a %s answer does not open the circuit',
    async (kind) => {
      const { health } = await repeat(20, () => err(kind, 400, false));
      expect(health.snapshot('a').failures).toBe(0);
    },
  );

  it('a client abort does not count, and is not retried elsewhere', async () => {
    const closed = await repeat(20, () => err('client_closed', null, false));
    expect(closed.health.snapshot('a')).toMatchObject({ state: 'closed', failures: 0 });
    expect(closed.calls.every((c) => c === 'a')).toBe(true);
    // A cancelled fetch may surface as a reset: once the caller's signal has fired, it is the caller's.
    const left = await repeat(20, () => err('network', null, true), AbortSignal.abort());
    expect(left.health.snapshot('a')).toMatchObject({ state: 'closed', failures: 0 });
    expect(left.calls.every((c) => c === 'a')).toBe(true);
  });

  it.each([
    ['upstream', 500],
    ['overloaded', 503],
    ['rate_limited', 429],
    ['timeout', null],
    ['network', null],
  ] as const)('5xx/429/upstream timeout do count: %s (%s) opens the circuit', async (kind, status) => {
    const { health } = await repeat(5, () => err(kind, status, true));
    expect(health.state('a')).toBe('open');
  });

  it("the gateway's own deadline and credit refusals do not count; a refusal falls back", async () => {
    const deadline = await repeat(20, () => ({
      ok: false,
      error: { kind: 'timeout', status: null, retryable: true, message: 'deadline', provider: 'lowrouter' },
    }));
    expect(deadline.health.snapshot('a').failures).toBe(0);
    const refusal = await repeat(20, () => ({
      ok: false,
      error: { kind: 'bad_request', status: 402, retryable: true, message: 'credit', provider: 'lowrouter' },
    }));
    expect(refusal.health.snapshot('a').failures).toBe(0);
    expect(refusal.calls.filter((c) => c === 'b')).toHaveLength(20);
  });

  it('a stream the client left is no verdict on the endpoint; an upstream cut is', async () => {
    const health = createHealthTracker({ now: () => 0 });
    const go = async () => {
      const r = await executeAttempts({
        attempts: [attempt('a')],
        stream: true,
        health,
        now: () => 0,
        deadlineMs: 60_000,
        maxAttempts: 4,
        contextWindowOf: () => 128_000,
        call: async () => streamOf([{ type: 'text', text: 'hi' }]),
      });
      if (!r.ok || !('report' in r)) throw new Error('expected a stream');
      return r.report;
    };
    for (let i = 0; i < 10; i++) {
      (await go())({ kind: 'client_closed', status: null, retryable: false, message: 'left', provider: 'p' });
    }
    expect(health.snapshot('a')).toMatchObject({ state: 'closed', requests: 0 });
    for (let i = 0; i < 5; i++) {
      (await go())({ kind: 'network', status: null, retryable: true, message: 'cut', provider: 'p' });
    }
    expect(health.state('a')).toBe('open');
  });
});
