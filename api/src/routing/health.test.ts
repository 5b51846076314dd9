import { describe, expect, test } from 'vitest';
import { createHealthTracker } from './health';

/** A tracker on a hand-driven clock (ms). */
function setup(overrides: Partial<Parameters<typeof createHealthTracker>[0]> = {}) {
  let t = 1_000_000;
  const tracker = createHealthTracker({
    windowSize: 10,
    failureThreshold: 3,
    failureRate: 0.5,
    minRequests: 6,
    coolDownMs: 10_000,
    now: () => t,
    ...overrides,
  });
  return { tracker, advance: (ms: number) => (t += ms), now: () => t };
}
const ok = { ok: true, latencyMs: 100 };
const fail = { ok: false, latencyMs: 5_000, errorKind: 'timeout' };
const E = 'm@p:r';

describe('circuit breaker', () => {
  test('stays closed below the consecutive threshold', () => {
    const { tracker } = setup();
    tracker.record(E, fail);
    tracker.record(E, fail);
    expect(tracker.state(E)).toBe('closed');
    expect(tracker.allowRequest(E)).toBe(true);
  });

  test('opens after N consecutive failures and explains why', () => {
    const { tracker, now } = setup();
    for (let i = 0; i < 3; i++) tracker.record(E, fail);
    expect(tracker.state(E)).toBe('open');
    expect(tracker.allowRequest(E)).toBe(false);
    expect(tracker.snapshot(E)).toMatchObject({ openedAt: now(), consecutiveFailures: 3 });
    expect(tracker.view(E)).toEqual({
      state: 'open',
      detail: 'circuit open after 3 consecutive failures (probe in 10 s)',
    });
  });

  test('a success resets the consecutive count', () => {
    const { tracker } = setup();
    for (const o of [fail, fail, ok, fail, fail]) tracker.record(E, o);
    expect(tracker.state(E)).toBe('closed');
  });

  test('opens on the failure rate once the window holds the minimum requests', () => {
    const { tracker } = setup();
    for (const o of [fail, ok, fail, ok, ok]) tracker.record(E, o);
    expect(tracker.state(E)).toBe('closed'); // 2 of 5, below minRequests
    tracker.record(E, fail);
    expect(tracker.state(E)).toBe('open'); // 3 of 6 = 50% ≥ 50%
    expect(tracker.snapshot(E).openReason).toBe('circuit open: 3 of the last 6 requests failed (50% ≥ 50%)');
  });

  test('the window slides: old failures fall out', () => {
    const { tracker } = setup({ failureRate: 0.6 });
    for (const o of [fail, fail, ok, fail, fail, ok, ok, ok, ok, ok, ok, ok]) tracker.record(E, o);
    expect(tracker.snapshot(E)).toMatchObject({
      state: 'closed',
      requests: 10,
      failures: 2,
      failureRate: 0.2,
    });
  });

  test('half-open after the cool-down allows exactly one probe', () => {
    const { tracker, advance } = setup();
    for (let i = 0; i < 3; i++) tracker.record(E, fail);
    advance(9_999);
    expect(tracker.state(E)).toBe('open');
    advance(1);
    expect(tracker.state(E)).toBe('half-open');
    expect(tracker.allowRequest(E)).toBe(true);
    expect(tracker.allowRequest(E)).toBe(false);
    expect(tracker.allowRequest(E)).toBe(false);
    expect(tracker.view(E)).toEqual({ state: 'half-open', detail: 'a recovery probe is in flight' });
  });

  test('closes when the probe succeeds and forgets old failures', () => {
    const { tracker, advance } = setup();
    for (let i = 0; i < 3; i++) tracker.record(E, fail);
    advance(10_000);
    expect(tracker.allowRequest(E)).toBe(true);
    tracker.record(E, ok);
    expect(tracker.state(E)).toBe('closed');
    expect(tracker.allowRequest(E)).toBe(true);
    expect(tracker.snapshot(E)).toMatchObject({
      requests: 1,
      failures: 0,
      openedAt: null,
      consecutiveFailures: 0,
    });
  });

  test('re-opens when the probe fails, with a fresh cool-down', () => {
    const { tracker, advance, now } = setup();
    for (let i = 0; i < 3; i++) tracker.record(E, fail);
    advance(10_000);
    tracker.allowRequest(E);
    tracker.record(E, { ok: false, latencyMs: 10, errorKind: 'server' });
    expect(tracker.state(E)).toBe('open');
    expect(tracker.snapshot(E)).toMatchObject({
      openedAt: now(),
      openReason: 'circuit re-opened: the recovery probe failed (server)',
      lastError: { kind: 'server', at: now() },
    });
    advance(10_000);
    expect(tracker.allowRequest(E)).toBe(true);
  });

  test('grants a new probe if the first is never recorded within a cool-down', () => {
    const { tracker, advance } = setup();
    for (let i = 0; i < 3; i++) tracker.record(E, fail);
    advance(10_000);
    expect(tracker.allowRequest(E)).toBe(true);
    advance(10_000);
    expect(tracker.allowRequest(E)).toBe(true);
  });

  test('a late failure while open does not restart the cool-down', () => {
    const { tracker, advance } = setup();
    for (let i = 0; i < 3; i++) tracker.record(E, fail);
    advance(5_000);
    tracker.record(E, fail);
    advance(5_000);
    expect(tracker.state(E)).toBe('half-open');
  });

  test('endpoints are tracked independently', () => {
    const { tracker } = setup();
    for (let i = 0; i < 3; i++) tracker.record(E, fail);
    expect(tracker.state('other@p:r')).toBe('closed');
  });
});

describe('mark unavailable', () => {
  test('takes the endpoint out for the given time, then restores it', () => {
    const { tracker, advance, now } = setup();
    tracker.markUnavailable(E, '401 from upstream: credential rejected', 60_000);
    expect(tracker.state(E)).toBe('unavailable');
    expect(tracker.allowRequest(E)).toBe(false);
    expect(tracker.view(E)).toEqual({
      state: 'unavailable',
      detail: 'marked unavailable: 401 from upstream: credential rejected (for another 60 s)',
    });
    expect(tracker.snapshot(E)).toMatchObject({ unavailableUntil: now() + 60_000 });
    advance(60_000);
    expect(tracker.state(E)).toBe('closed');
    expect(tracker.snapshot(E).unavailableReason).toBeNull();
  });
});

test('snapshot reports counts, rate and median latency', () => {
  const { tracker } = setup();
  expect(tracker.snapshot(E)).toEqual({
    state: 'closed',
    requests: 0,
    failures: 0,
    failureRate: 0,
    p50LatencyMs: null,
    consecutiveFailures: 0,
    openedAt: null,
    openReason: null,
    lastError: null,
    unavailableUntil: null,
    unavailableReason: null,
  });
  for (const latencyMs of [300, 100, 200]) tracker.record(E, { ok: true, latencyMs });
  tracker.record(E, { ok: false, latencyMs: 900, errorKind: 'server' });
  expect(tracker.snapshot(E)).toMatchObject({
    requests: 4,
    failures: 1,
    failureRate: 0.25,
    p50LatencyMs: 250,
  });
});

describe('release', () => {
  test('a probe that ended with no verdict frees the slot for the next probe, without recording', () => {
    const { tracker, advance } = setup();
    for (let i = 0; i < 3; i++) tracker.record(E, fail);
    advance(10_000);
    expect(tracker.allowRequest(E)).toBe(true); // the probe
    expect(tracker.allowRequest(E)).toBe(false);
    tracker.release(E); // its client went away
    expect(tracker.state(E)).toBe('half-open');
    expect(tracker.allowRequest(E)).toBe(true);
    expect(tracker.snapshot(E).requests).toBe(3);
  });
});

describe('hooks for sharing circuits between nodes', () => {
  test('reports when a circuit opens, re-opens after a failed probe, and closes after a good one', () => {
    const seen: unknown[] = [];
    const { tracker, advance, now } = setup({ onTransition: (id, t) => seen.push({ id, ...t }) });
    for (let i = 0; i < 3; i++) tracker.record(E, fail);
    const opened = now();
    advance(10_000);
    expect(tracker.allowRequest(E)).toBe(true);
    tracker.record(E, fail);
    const reopened = now();
    advance(10_000);
    expect(tracker.allowRequest(E)).toBe(true);
    tracker.record(E, ok);
    expect(seen).toEqual([
      { id: E, kind: 'open', openedAt: opened, reason: 'circuit open after 3 consecutive failures' },
      {
        id: E,
        kind: 'reopen',
        openedAt: reopened,
        reason: 'circuit re-opened: the recovery probe failed (timeout)',
      },
      { id: E, kind: 'close', openedAt: reopened, reason: null },
    ]);
  });

  test('adopts a circuit another node opened, with its opening time, and a close that forgets the window', () => {
    const seen: unknown[] = [];
    const { tracker, advance, now } = setup({ onTransition: (_id, t) => seen.push(t) });
    tracker.record(E, fail);
    tracker.record(E, fail);
    tracker.adopt(E, {
      openedAt: now() - 4_000,
      reason: 'opened on node_x: circuit open after 3 consecutive failures',
    });
    expect(tracker.view(E)).toEqual({
      state: 'open',
      detail: 'opened on node_x: circuit open after 3 consecutive failures (probe in 6 s)',
    });
    advance(6_000);
    expect(tracker.state(E)).toBe('half-open');
    tracker.adopt(E, null);
    expect(tracker.snapshot(E)).toMatchObject({ state: 'closed', requests: 0, consecutiveFailures: 0 });
    tracker.record(E, fail);
    expect(tracker.state(E)).toBe('closed');
    expect(seen).toEqual([]);
  });
});
