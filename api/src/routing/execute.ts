/**
 * Runs ranked attempts in order, with fallback:
 * - falls back on retryable errors (429, 5xx, 529, timeouts, network) and on context-length errors
 *   (then only to candidates with a larger context window);
 * - an upstream 401/403 means OUR credential is wrong: the endpoint is marked unavailable and the next
 *   one is tried;
 * - never falls back on the client's own invalid request (400) or a content-filter refusal;
 * - a total deadline and a retry budget bound every request;
 * - a stream falls back only before its first byte reached the client: the first upstream event is
 *   read here, and an error there is an attempt failure like any other;
 * - the caller leaving (kind `client_closed`, or any error once `signal` has aborted) ends the request:
 *   no fallback, and nothing recorded against the endpoint.
 *
 * Health only hears what says something about the endpoint (`countsAgainstEndpoint`): 5xx, 429,
 * timeouts waiting for the upstream and connection failures. One tenant's invalid requests, a client
 * that hangs up, and the gateway's own deadlines and refusals never open a circuit for everyone.
 */
import type { CanonicalStreamEvent } from '../providers/canonical';
import type { CallChatResult } from '../providers/call';
import { GATEWAY_PROVIDER } from '../providers/call-errors';
import type { ProviderError } from '../providers/provider-error';
import type { HealthTracker } from './health';
import type { Attempt } from './rank-types';

export interface AttemptRecord {
  endpointId: string;
  provider: string;
  region: string;
  model: string;
  outcome: 'ok' | 'error' | 'skipped';
  errorKind?: string;
  status?: number | null;
  latencyMs: number;
  message?: string;
}

export interface ExecuteOptions {
  attempts: readonly Attempt[];
  stream: boolean;
  /** Calls one endpoint; `timeoutMs` is what is left of the deadline. */
  call: (attempt: Attempt, timeoutMs: number) => Promise<CallChatResult>;
  contextWindowOf: (attempt: Attempt) => number;
  health: HealthTracker;
  now: () => number;
  /** Total deadline for the whole request, ms. */
  deadlineMs: number;
  /** Upstream calls at most, fallbacks included. */
  maxAttempts: number;
  /** How long an endpoint whose credential was refused stays out, ms. */
  authCoolDownMs?: number;
  /** The caller's signal: once aborted, a failure is the caller leaving, not the endpoint's. */
  signal?: AbortSignal;
}

export type ExecuteResult =
  | {
      ok: true;
      attempt: Attempt;
      result: Extract<CallChatResult, { ok: true; stream: false }>;
      attempts: AttemptRecord[];
      fallbackUsed: boolean;
      startedAt: number;
    }
  | {
      ok: true;
      attempt: Attempt;
      result: Extract<CallChatResult, { ok: true; stream: true }>;
      /** The first upstream event (already read) and the rest of the stream. */
      first: CanonicalStreamEvent | undefined;
      rest: AsyncIterator<CanonicalStreamEvent>;
      attempts: AttemptRecord[];
      fallbackUsed: boolean;
      startedAt: number;
      /**
       * Call once when the stream ends, so health sees the whole outcome: no error for a clean end,
       * else the error (one that does not count against the endpoint, such as `client_closed`, is
       * recorded as no verdict). Later calls are ignored.
       */
      report: (error?: ProviderError) => void;
    }
  | { ok: false; error: ProviderError; attempts: AttemptRecord[]; clientError: boolean };

/** Whether the error was raised by the gateway itself (deadline, credit refusal), not by an upstream. */
export const isLocalError = (e: ProviderError): boolean => e.provider === GATEWAY_PROVIDER;

/**
 * Whether an error says the endpoint is unwell: 5xx, 429, timeouts waiting for it, connection failures.
 * Not the caller's own 400 / context overflow / content filter, not the caller leaving, not a
 * credential refusal (that marks the endpoint unavailable instead), not the gateway's own errors.
 */
export function countsAgainstEndpoint(e: ProviderError): boolean {
  if (isLocalError(e)) return false;
  switch (e.kind) {
    case 'upstream':
    case 'overloaded':
    case 'rate_limited':
    case 'timeout':
    case 'network':
      return true;
    default:
      return false;
  }
}

/** Whether an error lets the next candidate be tried. */
export function fallsBack(e: ProviderError): boolean {
  if (e.kind === 'client_closed') return false;
  if (isLocalError(e)) return e.retryable;
  if (e.kind === 'bad_request' || e.kind === 'content_filter') return false;
  if (e.kind === 'auth' || e.kind === 'not_found' || e.kind === 'context_length') return true;
  return e.retryable;
}

export async function executeAttempts(o: ExecuteOptions): Promise<ExecuteResult> {
  const records: AttemptRecord[] = [];
  const start = o.now();
  let last: ProviderError | undefined;
  let minContext = 0;
  let calls = 0;
  const base = (a: Attempt) => ({
    endpointId: a.endpointId,
    provider: a.providerId,
    region: a.regionId,
    model: a.modelId,
  });

  for (const attempt of o.attempts) {
    const left = o.deadlineMs - (o.now() - start);
    if (calls >= o.maxAttempts || left <= 0) {
      records.push({
        ...base(attempt),
        outcome: 'skipped',
        latencyMs: 0,
        message: calls >= o.maxAttempts ? 'retry budget spent' : 'deadline passed',
      });
      continue;
    }
    if (o.contextWindowOf(attempt) <= minContext) {
      records.push({
        ...base(attempt),
        outcome: 'skipped',
        latencyMs: 0,
        message: 'context window not larger than the one that overflowed',
      });
      continue;
    }
    const probe = o.health.state(attempt.endpointId) === 'half-open';
    if (!o.health.allowRequest(attempt.endpointId)) {
      records.push({ ...base(attempt), outcome: 'skipped', latencyMs: 0, message: 'circuit open' });
      continue;
    }
    calls++;
    const t0 = o.now();
    const result = await o.call(attempt, left);
    let error: ProviderError | undefined = result.ok ? undefined : result.error;
    let first: IteratorResult<CanonicalStreamEvent> | undefined;
    let rest: AsyncIterator<CanonicalStreamEvent> | undefined;
    if (result.ok && result.stream) {
      rest = result.events[Symbol.asyncIterator]();
      first = await rest.next();
      if (!first.done && first.value.type === 'error') error = first.value.error;
    }
    const latencyMs = o.now() - t0;
    // Whatever failed after the caller left is the caller leaving (a cancelled fetch can surface as
    // a reset or an abort error): never the endpoint's fault, never worth a fallback.
    if (error && o.signal?.aborted && error.kind !== 'client_closed') {
      error = { ...error, kind: 'client_closed', retryable: false };
    }
    if (error) {
      if (countsAgainstEndpoint(error)) {
        o.health.record(attempt.endpointId, { ok: false, latencyMs, errorKind: error.kind });
      } else if (probe) {
        o.health.release(attempt.endpointId);
      }
      if (error.kind === 'auth') {
        o.health.markUnavailable(
          attempt.endpointId,
          `the provider refused our credential (HTTP ${error.status ?? '?'})`,
          o.authCoolDownMs ?? 300_000,
        );
      }
      records.push({
        ...base(attempt),
        outcome: 'error',
        errorKind: error.kind,
        status: error.status,
        latencyMs,
        message: error.message,
      });
      last = error;
      if (!fallsBack(error))
        return { ok: false, error, attempts: records, clientError: error.kind === 'bad_request' };
      if (error.kind === 'context_length') minContext = Math.max(minContext, o.contextWindowOf(attempt));
      continue;
    }
    records.push({ ...base(attempt), outcome: 'ok', latencyMs });
    const fallbackUsed = records.some((r) => r.outcome === 'error');
    if (result.ok && !result.stream) {
      o.health.record(attempt.endpointId, { ok: true, latencyMs });
      return { ok: true, attempt, result, attempts: records, fallbackUsed, startedAt: t0 };
    }
    if (result.ok && result.stream) {
      let reported = false;
      return {
        ok: true,
        attempt,
        result,
        first: first && !first.done ? first.value : undefined,
        rest: rest!,
        attempts: records,
        fallbackUsed,
        startedAt: t0,
        report: (e) => {
          if (reported) return;
          reported = true;
          if (!e) o.health.record(attempt.endpointId, { ok: true, latencyMs: o.now() - t0 });
          else if (countsAgainstEndpoint(e) && !o.signal?.aborted)
            o.health.record(attempt.endpointId, { ok: false, latencyMs: o.now() - t0, errorKind: e.kind });
          else if (probe) o.health.release(attempt.endpointId);
        },
      };
    }
  }
  const error: ProviderError = last ?? {
    kind: 'upstream',
    status: null,
    retryable: true,
    message: 'no endpoint could be tried (circuits open, retry budget or deadline spent)',
    provider: 'lowrouter',
  };
  return { ok: false, error, attempts: records, clientError: false };
}
