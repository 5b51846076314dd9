/**
 * Per-endpoint health: a count-based sliding window of the last `windowSize` outcomes with their
 * latency, and a circuit breaker. The clock is injected (`now`, ms since the epoch); there are no
 * timers, so every transition happens when the tracker is asked.
 *
 * closed    → open       on a failure that makes `failureThreshold` consecutive failures, or that
 *                        leaves the window holding at least `minRequests` outcomes with a failure share
 *                        at or above `failureRate` (a success never opens the circuit);
 * open      → half-open  once `coolDownMs` has passed since it opened (read lazily by `state`);
 * half-open              `allowRequest` grants exactly one probe; further calls are refused until the
 *                        probe is recorded (or, if it never is, until another `coolDownMs` passes);
 * half-open → closed     when the probe succeeds (the window is cleared: old failures are forgotten);
 * half-open → open       when the probe fails (the cool-down starts again).
 *
 * `markUnavailable` (a 401/403: our credential is wrong) takes an endpoint out for a given time
 * regardless of the circuit. Record `ok: false` only for the endpoint's own failures (5xx, timeouts,
 * connection errors, 429), not for a 400 that the request caused, nor for the caller leaving or the
 * gateway's own refusals and deadlines (see `countsAgainstEndpoint` in execute.ts). An attempt that ends
 * without saying anything about the endpoint calls `release` instead: nothing is recorded, and if it was
 * the half-open probe, the next request may probe at once rather than after another cool-down.
 *
 * On PostgreSQL several gateway nodes share their circuits through `shared-health.ts`, which wraps this
 * tracker: it learns of this node's transitions through `onTransition` and applies the other nodes'
 * through `adopt`. On PGlite (one process) the tracker is used alone, as is.
 */
import type { HealthState, HealthView } from './rank-types';

export interface HealthOptions {
  /** Outcomes kept per endpoint. */
  windowSize: number;
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** Failure share (0–1) that opens the circuit once the window holds `minRequests` outcomes. */
  failureRate: number;
  minRequests: number;
  /** ms an open circuit waits before a probe. */
  coolDownMs: number;
  /** ms since the epoch. */
  now: () => number;
  /**
   * Called when `record` opens, re-opens (a failed probe) or closes (a successful probe) a circuit;
   * never for `adopt`. Must not throw or block: it runs on the request path.
   */
  onTransition?: (endpointId: string, t: CircuitTransition) => void;
}

export interface CircuitTransition {
  kind: 'open' | 'reopen' | 'close';
  /** ms since the epoch the circuit (re-)opened; for `close`, when the circuit that closed had opened. */
  openedAt: number;
  /** Why it opened; null for `close`. */
  reason: string | null;
}

/** The circuit of one endpoint, as `adopt` sets it and `circuit` reads it. */
export interface CircuitState {
  /** ms since the epoch the circuit opened; null when closed. */
  openedAt: number | null;
  reason: string | null;
  /** Whether this node's half-open probe is in flight. */
  probing: boolean;
}

export const DEFAULT_HEALTH_OPTIONS: Omit<HealthOptions, 'now'> = {
  windowSize: 50,
  failureThreshold: 5,
  failureRate: 0.5,
  minRequests: 10,
  coolDownMs: 30_000,
};

export interface Outcome {
  ok: boolean;
  /** ms from request to the end of the response (or to the failure). */
  latencyMs: number;
  /** The typed error's kind on failure (`timeout`, `server`, `rate_limit`, ...). */
  errorKind?: string;
}

export interface HealthSnapshot {
  state: HealthState;
  /** Outcomes in the window. */
  requests: number;
  failures: number;
  /** failures / requests, 0 when empty. */
  failureRate: number;
  /** Median latency in ms over the window, null when empty. */
  p50LatencyMs: number | null;
  consecutiveFailures: number;
  /** ms since the epoch the circuit last opened, null when closed. */
  openedAt: number | null;
  /** Why the circuit opened, in words. */
  openReason: string | null;
  lastError: { kind: string; at: number } | null;
  /** ms since the epoch, while marked unavailable. */
  unavailableUntil: number | null;
  unavailableReason: string | null;
}

export interface HealthTracker {
  record(endpointId: string, outcome: Outcome): void;
  state(endpointId: string): HealthState;
  snapshot(endpointId: string): HealthSnapshot;
  /** Takes the endpoint out for `ms` (a rejected credential), with the reason shown to operators. */
  markUnavailable(endpointId: string, reason: string, ms: number): void;
  /** An attempt ended with no verdict on the endpoint (client left, local refusal): frees a probe slot. */
  release(endpointId: string): void;
  /** Whether a request may go to the endpoint now; in half-open, true once (the probe). */
  allowRequest(endpointId: string): boolean;
  /** The state with the words that explain it, for `rankCandidates`' `health`. */
  view(endpointId: string): HealthView;
}

/** The tracker with the two hooks `shared-health.ts` needs to mirror other nodes' circuits. */
export interface LocalHealthTracker extends HealthTracker {
  /** The circuit as it is (no transition is applied): a map lookup, no allocation for unknown ids. */
  circuit(endpointId: string): CircuitState;
  /**
   * Sets the circuit as another node decided it: open since `openedAt` (ms since the epoch, so the
   * cool-down ends when it ends there), or closed (the window is forgotten, as after a probe's success).
   * Does not call `onTransition`.
   */
  adopt(endpointId: string, open: { openedAt: number; reason: string } | null): void;
}

interface Entry {
  window: Outcome[];
  consecutiveFailures: number;
  openedAt: number | null;
  openReason: string | null;
  probeStartedAt: number | null;
  lastError: { kind: string; at: number } | null;
  unavailableUntil: number | null;
  unavailableReason: string | null;
}

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** Creates a tracker; see the state machine at the top of this file. */
export function createHealthTracker(
  options: Partial<HealthOptions> & { now: () => number },
): LocalHealthTracker {
  const o: HealthOptions = { ...DEFAULT_HEALTH_OPTIONS, ...options };
  const entries = new Map<string, Entry>();
  const entry = (id: string): Entry => {
    let e = entries.get(id);
    if (!e) {
      e = {
        window: [],
        consecutiveFailures: 0,
        openedAt: null,
        openReason: null,
        probeStartedAt: null,
        lastError: null,
        unavailableUntil: null,
        unavailableReason: null,
      };
      entries.set(id, e);
    }
    return e;
  };
  const unavailable = (e: Entry, t: number) => e.unavailableUntil !== null && t < e.unavailableUntil;
  const circuit = (e: Entry, t: number): HealthState => {
    if (e.openedAt === null) return 'closed';
    return t - e.openedAt >= o.coolDownMs ? 'half-open' : 'open';
  };
  const stateOf = (e: Entry, t: number): HealthState => (unavailable(e, t) ? 'unavailable' : circuit(e, t));
  const open = (e: Entry, t: number, reason: string) => {
    e.openedAt = t;
    e.openReason = reason;
    e.probeStartedAt = null;
  };
  const close = (e: Entry, window: Outcome[]) => {
    e.openedAt = null;
    e.openReason = null;
    e.probeStartedAt = null;
    e.window = window;
  };
  const notify = (id: string, t: CircuitTransition) => o.onTransition?.(id, t);

  return {
    record(id, outcome) {
      const e = entry(id);
      const t = o.now();
      e.window.push(outcome);
      if (e.window.length > o.windowSize) e.window.shift();
      const wasProbe = e.probeStartedAt !== null;
      if (outcome.ok) {
        e.consecutiveFailures = 0;
        if (wasProbe) {
          const openedAt = e.openedAt;
          close(e, [outcome]);
          if (openedAt !== null) notify(id, { kind: 'close', openedAt, reason: null });
        }
        return;
      }
      e.consecutiveFailures += 1;
      e.lastError = { kind: outcome.errorKind ?? 'error', at: t };
      if (wasProbe) {
        const reason = `circuit re-opened: the recovery probe failed (${e.lastError.kind})`;
        open(e, t, reason);
        return notify(id, { kind: 'reopen', openedAt: t, reason });
      }
      if (e.openedAt !== null) return; // already open: a late outcome does not restart the cool-down
      const failures = e.window.filter((w) => !w.ok).length;
      let reason: string | undefined;
      if (e.consecutiveFailures >= o.failureThreshold) {
        reason = `circuit open after ${e.consecutiveFailures} consecutive failures`;
      } else if (e.window.length >= o.minRequests && failures / e.window.length >= o.failureRate) {
        const share = `${failures} of the last ${e.window.length} requests failed`;
        reason = `circuit open: ${share} (${pct(failures / e.window.length)} ≥ ${pct(o.failureRate)})`;
      }
      if (reason) {
        open(e, t, reason);
        notify(id, { kind: 'open', openedAt: t, reason });
      }
    },

    state: (id) => stateOf(entry(id), o.now()),

    snapshot(id) {
      const e = entry(id);
      const t = o.now();
      const failures = e.window.filter((w) => !w.ok).length;
      const latencies = e.window.map((w) => w.latencyMs).sort((a, b) => a - b);
      const mid = latencies.length >> 1;
      const p50 =
        latencies.length === 0
          ? null
          : latencies.length % 2
            ? latencies[mid]!
            : (latencies[mid - 1]! + latencies[mid]!) / 2;
      const isUnavailable = unavailable(e, t);
      return {
        state: stateOf(e, t),
        requests: e.window.length,
        failures,
        failureRate: e.window.length === 0 ? 0 : failures / e.window.length,
        p50LatencyMs: p50,
        consecutiveFailures: e.consecutiveFailures,
        openedAt: e.openedAt,
        openReason: e.openReason,
        lastError: e.lastError,
        unavailableUntil: isUnavailable ? e.unavailableUntil : null,
        unavailableReason: isUnavailable ? e.unavailableReason : null,
      };
    },

    markUnavailable(id, reason, ms) {
      const e = entry(id);
      e.unavailableUntil = o.now() + ms;
      e.unavailableReason = reason;
    },

    release(id) {
      entry(id).probeStartedAt = null;
    },

    allowRequest(id) {
      const e = entry(id);
      const t = o.now();
      const s = stateOf(e, t);
      if (s === 'closed') return true;
      if (s !== 'half-open') return false;
      if (e.probeStartedAt !== null && t - e.probeStartedAt < o.coolDownMs) return false;
      e.probeStartedAt = t;
      return true;
    },

    circuit(id) {
      const e = entries.get(id);
      if (!e) return { openedAt: null, reason: null, probing: false };
      return { openedAt: e.openedAt, reason: e.openReason, probing: e.probeStartedAt !== null };
    },

    adopt(id, remote) {
      const e = entry(id);
      if (remote) open(e, remote.openedAt, remote.reason);
      else {
        close(e, []);
        e.consecutiveFailures = 0;
      }
    },

    view(id) {
      const e = entry(id);
      const t = o.now();
      const s = stateOf(e, t);
      if (s === 'unavailable') {
        const secs = Math.ceil((e.unavailableUntil! - t) / 1000);
        return { state: s, detail: `marked unavailable: ${e.unavailableReason} (for another ${secs} s)` };
      }
      if (s === 'open') {
        const secs = Math.ceil((e.openedAt! + o.coolDownMs - t) / 1000);
        return { state: s, detail: `${e.openReason} (probe in ${secs} s)` };
      }
      if (s === 'half-open') {
        const busy = e.probeStartedAt !== null && t - e.probeStartedAt < o.coolDownMs;
        return {
          state: s,
          detail: busy
            ? 'a recovery probe is in flight'
            : `${e.openReason}; cool-down over, one probe allowed`,
        };
      }
      return s;
    },
  };
}
