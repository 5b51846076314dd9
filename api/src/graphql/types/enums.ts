/**
 * The closed sets the schema exposes as enums, so BI tools see every possible value in the schema
 * instead of a free String. Each set is declared as a `Record<value, description>` over the TypeScript
 * union the code writes, so a new kind in the code fails the typecheck until it is listed here.
 */
import type { HealthState } from '../../routing/rank-types';
import type { Failure } from '../../inference/complete';
import type { ProviderErrorKind } from '../../providers/provider-error';
import { builder } from '../builder';

/** `client_stalled` → `CLIENT_STALLED`; `half-open` → `HALF_OPEN`. */
const enumName = (value: string) => value.toUpperCase().replace(/[^A-Z0-9]+/g, '_');

function closedEnum<V extends string>(name: string, description: string, values: Record<V, string>) {
  return builder.enumType(name, {
    description,
    values: Object.fromEntries(
      Object.entries(values).map(([value, d]) => [
        enumName(value),
        { value: value as V, description: d as string },
      ]),
    ) as Record<string, { value: V; description: string }>,
  });
}

export type RequestStatusValue = 'ok' | 'error' | 'client_disconnected';
export const RequestStatusEnum = closedEnum<RequestStatusValue>('RequestStatus', 'How a request ended.', {
  ok: 'Answered.',
  error: 'Refused or failed: errorKind says why.',
  client_disconnected: 'The client went away before the answer was complete.',
});

export type ErrorKindValue =
  | ProviderErrorKind
  | Exclude<Failure['kind'], 'upstream_failed'>
  | 'client_disconnected'
  | 'client_stalled'
  | 'other';
const ERROR_KINDS: Record<ErrorKindValue, string> = {
  invalid_request: 'The request was refused as invalid (400, 404 or 413).',
  insufficient_credits: 'The organisation had too little credit for the hold (402).',
  no_route: 'No endpoint satisfied the model, policy and route constraints.',
  rate_limited: "A key's rate limit, or the upstream's 429.",
  auth: 'The upstream refused LowRouter’s provider credentials.',
  bad_request: 'The upstream refused the request as invalid.',
  not_found: 'The upstream does not know the model.',
  context_length: "The prompt exceeds the model's context window.",
  overloaded: 'The upstream was overloaded (503, 529).',
  upstream: 'The upstream failed (5xx or a malformed answer).',
  timeout: 'The upstream did not answer in time.',
  network: 'The upstream could not be reached.',
  content_filter: "The upstream's content filter refused the request.",
  client_closed: 'The caller went away during an upstream call.',
  client_disconnected: 'The caller went away before the answer was complete.',
  client_stalled: 'The caller stopped reading a stream.',
  other: 'A kind this version of LowRouter does not know (written by another version).',
};
export const ErrorKindEnum = closedEnum(
  'ErrorKind',
  'Why a request or an attempt failed. Refusals by LowRouter (INVALID_REQUEST, INSUFFICIENT_CREDITS, RATE_LIMITED, NO_ROUTE) and upstream failures share the set.',
  ERROR_KINDS,
);

/** A stored error kind as the enum's value; a kind another version wrote becomes `other`, never an error. */
export function errorKindOf(kind: string | null | undefined): ErrorKindValue | null {
  if (kind == null) return null;
  return Object.hasOwn(ERROR_KINDS, kind) ? (kind as ErrorKindValue) : 'other';
}

export type RequestSurfaceValue = 'rest' | 'graphql' | 'embeddings';
export const RequestSurfaceEnum = closedEnum<RequestSurfaceValue>(
  'RequestSurface',
  'Where the request came in.',
  {
    rest: 'The HTTP API under /v1 (chat completions, messages, responses).',
    graphql: 'The GraphQL `complete` mutation.',
    embeddings: 'POST /v1/embeddings (encoder calls: no eco estimate).',
  },
);

export type LedgerKindValue = 'grant' | 'usage' | 'refund' | 'adjustment';
export const LedgerEntryKindEnum = closedEnum<LedgerKindValue>('LedgerEntryKind', 'Why credit moved.', {
  grant: 'An admin added credit.',
  usage: 'Requests spent it.',
  refund: 'Credit given back.',
  adjustment: 'A correction by an admin.',
});

export const EndpointHealthStateEnum = closedEnum<HealthState>(
  'EndpointHealthState',
  "The endpoint's circuit breaker on this node.",
  {
    closed: 'Healthy: requests flow.',
    open: 'Failing: skipped until the cool-down ends.',
    'half-open': 'Cool-down over: one probe request decides.',
    unavailable: 'Marked unavailable (e.g. no credentials or the upstream said so): skipped.',
  },
);
