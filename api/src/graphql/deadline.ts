/**
 * A wall-time deadline per operation: past QUERY_DEADLINE_MS the execution's abort signal fires and
 * the executor (@graphql-tools/executor, yoga's default) stops scheduling fields and answers at once
 * with a clear error, instead of holding the client and the database for as long as a query likes.
 * A client that disconnects aborts the same way. Synchronous work between two checks is bounded by the
 * cost limits, so the event loop stays free for /healthz.
 */
import { type Plugin, createGraphQLError } from 'graphql-yoga';
import type { RequestIdContext } from './mask-errors';

/** Most wall time one GraphQL operation may run, ms. */
export const QUERY_DEADLINE_MS = 10_000;

export function deadlineError(ms: number, requestId?: string) {
  return createGraphQLError(
    `the query ran for more than ${ms} ms and was stopped: ask for fewer objects or narrower filters, or retry later`,
    {
      extensions: {
        code: 'QUERY_TIMEOUT',
        deadlineMs: ms,
        ...(requestId ? { requestId } : {}),
        http: { status: 503 },
      },
    },
  );
}

/** Yoga/envelop plugin: each execution gets a signal that aborts after `ms` (or on disconnect). */
export function useExecutionDeadline(ms: number = QUERY_DEADLINE_MS): Plugin {
  return {
    onExecute({ args }) {
      const controller = new AbortController();
      const requestId = (args.contextValue as RequestIdContext | undefined)?.requestId;
      const timer = setTimeout(() => controller.abort(deadlineError(ms, requestId)), ms);
      timer.unref?.();
      const request = (args.contextValue as { request?: Request } | undefined)?.request;
      const signals = request?.signal ? [controller.signal, request.signal] : [controller.signal];
      // The executor reads `signal` from its arguments (yoga's useExecutionCancellation does the same).
      (args as { signal?: AbortSignal }).signal = AbortSignal.any(signals);
      return {
        onExecuteDone() {
          clearTimeout(timer);
        },
      };
    },
  };
}
