/**
 * How GraphQL errors reach the client and the log. Refusals of user input (syntax, validation,
 * limits, forbidden, not found) are expected: they keep their message and are logged at info.
 * A typed error a query threw where no union result catches it (ForbiddenError, NotFoundError,
 * InvalidInputError, AnalyticsError) is turned into the GraphQL error its type means, not masked.
 * Anything else is unexpected: the client gets a generic message with the request id in
 * `extensions.requestId`, and the log line at error level carries the same id and the stack.
 */
import { GraphQLError } from 'graphql/index.js';
import { createGraphQLError, handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { AnalyticsError } from '../analytics/errors';
import { newRequestId } from '../ids';
import type { Logger } from '../log';
import { ForbiddenError, InvalidInputError, NotFoundError } from './types/errors';

/** What the handler passes to yoga with each request (server.ts): the id the response header carries. */
export interface RequestIdContext {
  requestId?: string;
}

/**
 * The request id of each error a request produced, noted by useRequestIds where the GraphQL context is
 * in reach and read by maskError, which yoga calls with the error alone. Not an AsyncLocalStorage: in
 * Node 20 its first use turns on promise hooks for the whole process, and from then on every promise
 * of every /v1 request paid for them (measured with `pnpm bench load`'s setup, which provisions
 * through GraphQL: 5-9% CPU per request at concurrency 256, p99 251-277 ms with it, 223-233 without).
 */
const requestIdOf = new WeakMap<object, string>();

function note(errors: readonly unknown[] | undefined, requestId: string | undefined): void {
  if (!requestId || !errors) return;
  for (const e of errors) if (e && typeof e === 'object') requestIdOf.set(e, requestId);
}

/**
 * Yoga plugin: notes the request id (from the server context) on every error of parsing, validation
 * and execution, before yoga's masking (which runs after user plugins) hands them to maskError.
 */
export function useRequestIds(): Plugin<RequestIdContext> {
  return {
    onParse({ context }) {
      return ({ result }) => {
        if (result instanceof Error) note([result], context.requestId);
      };
    },
    onValidate({ context }) {
      return ({ result }) => note(result, context.requestId);
    },
    onExecute({ args }) {
      const requestId = (args.contextValue as RequestIdContext | undefined)?.requestId;
      return {
        onExecuteDone: (payload) =>
          handleStreamOrSingleExecutionResult(payload, ({ result }) => note(result.errors, requestId)),
      };
    },
  };
}

/** The request id noted on `error` (or on the error it wraps), if any. */
function requestIdOfError(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  return (
    requestIdOf.get(error) ??
    (error instanceof GraphQLError && error.originalError ? requestIdOf.get(error.originalError) : undefined)
  );
}

/** The typed error behind `error`, as a client-facing GraphQL error; null when not a typed one. */
function typedError(error: unknown): GraphQLError | null {
  const cause = error instanceof GraphQLError ? error.originalError : error;
  const base = error instanceof GraphQLError ? error : undefined;
  const as = (code: string, message: string, field?: string) =>
    createGraphQLError(message, {
      ...(base ? { nodes: base.nodes, path: base.path, source: base.source, positions: base.positions } : {}),
      extensions: { code, ...(field ? { field } : {}) },
    });
  if (cause instanceof ForbiddenError) return as('FORBIDDEN', cause.message);
  if (cause instanceof NotFoundError) return as('NOT_FOUND', cause.message);
  if (cause instanceof InvalidInputError) return as('BAD_USER_INPUT', cause.message, cause.field);
  if (cause instanceof AnalyticsError) return as(cause.code, cause.message, cause.field);
  return null;
}

/** A GraphQLError raised on purpose (by graphql, yoga or a resolver), not wrapping another error. */
function isDeliberate(error: unknown): error is GraphQLError {
  if (!(error instanceof GraphQLError)) return false;
  return error.originalError == null || isDeliberate(error.originalError);
}

/** Yoga's `maskedErrors.maskError`: see the header. `isDev` is ignored: no stack ever leaves. */
export function createMaskError(log: Logger) {
  return function maskError(error: unknown, message: string): Error {
    const requestId = requestIdOfError(error) ?? newRequestId();
    const typed = typedError(error);
    const refused = typed ?? (isDeliberate(error) ? error : null);
    if (refused) {
      log.info('graphql request refused', {
        requestId,
        code: refused.extensions?.code ?? null,
        message: refused.message,
      });
      return refused;
    }
    const e = error as Error & Partial<GraphQLError>;
    const cause = (e?.originalError ?? e) as Error | undefined;
    log.error('graphql unexpected error', {
      requestId,
      path: e?.path?.join('.') ?? null,
      error: String(cause?.stack ?? cause?.message ?? error),
    });
    return createGraphQLError(`${message} The request id is ${requestId}: quote it when you report this.`, {
      ...(error instanceof GraphQLError
        ? { nodes: error.nodes, path: error.path, source: error.source, positions: error.positions }
        : {}),
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId, unexpected: true },
    });
  };
}
