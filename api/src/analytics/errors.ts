/**
 * The one error type of the analytics layer. GraphQL maps it to a GraphQL error carrying `code`
 * (and `field`) in its extensions; the CSV export maps it to an HTTP status with a JSON body.
 */
export type AnalyticsErrorCode = 'BAD_USER_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND';

export class AnalyticsError extends Error {
  constructor(
    readonly code: AnalyticsErrorCode,
    message: string,
    /** The argument or query parameter at fault, when there is one. */
    readonly field?: string,
  ) {
    super(message);
  }
}

export const badInput = (field: string, message: string) =>
  new AnalyticsError('BAD_USER_INPUT', message, field);

/** HTTP status for each code, for the REST surfaces (CSV export). */
export const httpStatusOf: Record<AnalyticsErrorCode, number> = {
  BAD_USER_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
};
