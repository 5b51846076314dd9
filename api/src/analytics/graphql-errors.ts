/**
 * Queries have no union results, so an expected analytics failure becomes a GraphQL error raised
 * through yoga's own class (never masked), with `code` and `field` in its extensions.
 */
import { createGraphQLError } from 'graphql-yoga';
import { AnalyticsError } from './errors';

/** Runs a resolver body, turning an AnalyticsError into an unmasked GraphQL error. */
export async function resolveOrGraphQLError<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (e instanceof AnalyticsError)
      throw createGraphQLError(e.message, {
        extensions: { code: e.code, ...(e.field ? { field: e.field } : {}) },
      });
    throw e;
  }
}
