/**
 * `requests(filter, first, after)`: the organisation's request rows as a Relay connection, newest
 * first, keyset-paginated (api/src/analytics/requests-query.ts). Also the shared connection pieces
 * (PageInfo, connectionOf) the other analytics connections (credits ledger, audit log) use.
 */
import { microToUsd } from '@lowrouter/shared';
import type { ObjectRef } from '@pothos/core';
import type { Page } from '../../analytics/cursor';
import { readableOrg } from '../../analytics/filter';
import { resolveOrGraphQLError } from '../../analytics/graphql-errors';
import { type RequestRowWithKey, pageRequests } from '../../analytics/requests-query';
import { builder } from '../builder';
import { RouteRef, type RouteView } from './complete';
import {
  ErrorKindEnum,
  RequestStatusEnum,
  type RequestStatusValue,
  RequestSurfaceEnum,
  type RequestSurfaceValue,
  errorKindOf,
} from './enums';
import { MinMaxRef, RangeRef } from './scalars';

// ---------------------------------------------------------------- connections

type Types = typeof builder.$inferSchemaTypes;

export const PageInfoRef = builder
  .objectRef<{ hasNextPage: boolean; endCursor: string | null }>('PageInfo')
  .implement({
    description: 'Where a page ends: pass endCursor as `after` to get the next one.',
    fields: (t) => ({
      hasNextPage: t.exposeBoolean('hasNextPage', {
        description: 'True when more entries follow this page.',
      }),
      endCursor: t.exposeString('endCursor', {
        description: 'Cursor of the last entry of this page; null when the page is empty.',
        nullable: true,
      }),
    }),
  });

/** `<name>Connection { edges { cursor node } nodes pageInfo }` over a Page of `node`. */
export function connectionOf<T>(name: string, node: ObjectRef<Types, T, T>) {
  const Edge = builder.objectRef<{ cursor: string; node: T }>(`${name}Edge`).implement({
    description: `One ${name} with the cursor that points just after it.`,
    fields: (t) => ({
      cursor: t.exposeString('cursor', { description: 'Opaque: pass it as `after`.' }),
      node: t.field({ type: node, description: `The ${name}.`, resolve: (e) => e.node as never }),
    }),
  });
  return builder.objectRef<Page<T>>(`${name}Connection`).implement({
    description: `One page of ${name} entries, newest first, with what is needed to fetch the next.`,
    fields: (t) => ({
      edges: t.field({
        type: [Edge],
        description: 'The entries with their cursors (Relay style).',
        resolve: (p) => p.nodes.map((n, i) => ({ node: n, cursor: p.cursors[i]! })),
      }),
      nodes: t.field({
        type: [node],
        description: 'The entries alone, when cursors are not needed.',
        resolve: (p) => p.nodes as never,
      }),
      pageInfo: t.field({
        type: PageInfoRef,
        description: 'Whether there is a next page, and where it starts.',
        resolve: (p) => ({ hasNextPage: p.hasNextPage, endCursor: p.cursors.at(-1) ?? null }),
      }),
    }),
  });
}

export const PAGE_ARGS_DESCRIPTION = 'Page size: default 50, at most 200.';

// ---------------------------------------------------------------- filter

export const StatusFilterEnum = builder.enumType('StatusFilter', {
  description:
    'OK: requests that succeeded. ERROR: every other request (upstream errors and client disconnects), as the daily rollup counts errors.',
  values: {
    OK: { value: 'ok' as const, description: 'Requests that completed.' },
    ERROR: { value: 'error' as const, description: 'Requests that ended in an error (refusals included).' },
  },
});

export const RequestFilterInput = builder.inputType('RequestFilter', {
  description: 'Every list matches any of its values; an empty or absent list does not filter.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    to: t.field({ type: 'DateTime', description: 'Exclusive.' }),
    models: t.stringList({ description: 'Model ids (the model served, not the one asked for).' }),
    providers: t.stringList({ description: 'Provider ids.' }),
    regions: t.stringList({ description: 'Region ids.' }),
    countries: t.stringList({ description: 'ISO 3166-1 alpha-2 codes.' }),
    apiKeys: t.idList({ description: 'API key ids.' }),
    status: t.field({ description: 'Only completed or only failed requests.', type: StatusFilterEnum }),
    orgId: t.id({ description: 'Another organisation: instance admin only.' }),
  }),
});

// ---------------------------------------------------------------- the request node

type R = RequestRowWithKey;

const RequestUsageRef = builder.objectRef<R>('RequestUsage').implement({
  description: 'Tokens as the upstream reported them (or as estimated, when tokensEstimated).',
  fields: (t) => ({
    inputTokens: t.exposeInt('inputTokens', {
      description: 'Input (prompt) tokens charged, cached ones included.',
    }),
    outputTokens: t.exposeInt('outputTokens', {
      description: 'Output tokens charged, reasoning tokens included.',
    }),
    cachedInputTokens: t.exposeInt('cachedInputTokens', {
      description: 'Input tokens read from the provider’s prompt cache.',
    }),
    cacheWriteTokens: t.exposeInt('cacheWriteTokens', {
      description: 'Input tokens written to the provider’s prompt cache.',
    }),
    reasoningTokens: t.exposeInt('reasoningTokens', {
      description: 'Output tokens spent on hidden reasoning, when the provider reports them.',
    }),
    tokensEstimated: t.exposeBoolean('tokensEstimated', {
      description:
        'True when the provider reported no usable counts and LowRouter counted the tokens itself.',
    }),
  }),
});

const span = (min: number | null, max: number | null) => (min == null || max == null ? null : { min, max });

const RequestEcoRef = builder.objectRef<R>('RequestEco').implement({
  description:
    'The estimate recorded with the request, and the inputs it used (a later catalog change never rewrites it).',
  fields: (t) => ({
    energyWh: t.field({
      type: RangeRef,
      description: 'Wh, PUE included.',
      resolve: (r) => span(r.energyWhMin, r.energyWhMax)!,
    }),
    gco2e: t.field({
      type: RangeRef,
      description: 'gCO2e, usage phase.',
      resolve: (r) => span(r.gco2eMin, r.gco2eMax)!,
    }),
    gridGco2ePerKwh: t.exposeFloat('gridGco2ePerKwh', { nullable: true, description: 'gCO2e/kWh.' }),
    gridSource: t.exposeString('gridSource', {
      description: 'Source and year of the grid intensity used.',
      nullable: true,
    }),
    pue: t.field({
      description: 'PUE used (the region’s, else the provider’s).',
      type: MinMaxRef,
      nullable: true,
      resolve: (r) => span(r.pueMin, r.pueMax),
    }),
    activeParams: t.field({
      type: MinMaxRef,
      nullable: true,
      description: 'Billions of parameters.',
      resolve: (r) => span(r.activeParamsMinB, r.activeParamsMaxB),
    }),
    totalParams: t.field({
      type: MinMaxRef,
      nullable: true,
      description: 'Billions of parameters.',
      resolve: (r) => span(r.totalParamsMinB, r.totalParamsMaxB),
    }),
    confidence: t.exposeString('ecoConfidence', {
      description: 'disclosed-parameters or estimated-parameters.',
      nullable: true,
    }),
    methodologyVersion: t.exposeString('methodologyVersion', {
      description: 'Methodology version the estimate was computed with.',
      nullable: true,
    }),
    avoidedEnergyWh: t.field({
      type: RangeRef,
      nullable: true,
      description: 'A response-cache hit: the energy it did not spend (the original answer’s estimate), Wh.',
      resolve: (r) => (r.cacheHit ? span(r.avoidedEnergyWhMin, r.avoidedEnergyWhMax) : null),
    }),
    avoidedGco2e: t.field({
      type: RangeRef,
      nullable: true,
      description:
        'A response-cache hit: the usage-phase gCO2e it did not emit (the original answer’s estimate).',
      resolve: (r) => (r.cacheHit ? span(r.avoidedGco2eMin, r.avoidedGco2eMax) : null),
    }),
  }),
});

/**
 * The route block stored with a request, completed from the row's own columns: a request refused
 * before routing stored `{}` or `{ reason }`, and rows written before the policy name was kept have
 * no `policy` (its id and kind are columns).
 */
function storedRoute(r: R): RouteView {
  const s = (r.route ?? {}) as Partial<RouteView>;
  const policy =
    s.policy && typeof s.policy === 'object'
      ? s.policy
      : r.policyId || r.policyKind
        ? { id: r.policyId ?? null, name: r.policyKind ?? '', kind: r.policyKind ?? '' }
        : null;
  return {
    model: s.model ?? r.modelId ?? null,
    provider: s.provider ?? r.providerId ?? null,
    region: s.region ?? r.regionId ?? null,
    country: s.country ?? r.country ?? null,
    locationBasis: s.locationBasis ?? r.locationBasis ?? null,
    endpointId: s.endpointId ?? r.endpointId ?? null,
    policy,
    reason: typeof s.reason === 'string' && s.reason ? s.reason : null,
    attempts: Array.isArray(s.attempts) ? s.attempts : [],
    fallbackUsed: s.fallbackUsed ?? r.fallbackUsed,
    excluded: Array.isArray(s.excluded) ? s.excluded : [],
    billing: s.billing ?? null,
  };
}

export const RequestRef = builder.objectRef<R>('Request').implement({
  description:
    'One inference request, successful or not. Prompt and completion text are never stored with it (only the opt-in response cache keeps answers, until they expire).',
  fields: (t) => ({
    id: t.exposeID('id', {
      description: 'Request id; also the x-lowrouter-request-id header of its response.',
    }),
    createdAt: t.field({
      description: 'When the request arrived.',
      type: 'DateTime',
      resolve: (r) => r.createdAt,
    }),
    status: t.field({
      description: 'How it ended.',
      type: RequestStatusEnum,
      resolve: (r) => r.status as RequestStatusValue,
    }),
    errorKind: t.field({
      description: 'Why it failed; null when it completed.',
      type: ErrorKindEnum,
      nullable: true,
      resolve: (r) => errorKindOf(r.errorKind),
    }),
    finishReason: t.exposeString('finishReason', {
      description: 'Why generation stopped (stop, length, tool_calls, content_filter); null on error.',
      nullable: true,
    }),
    requestedModel: t.exposeString('requestedModel', {
      description: 'The model the client asked for (`lowrouter/auto`, an id or an alias).',
    }),
    model: t.exposeString('modelId', { nullable: true, description: 'The model that served it.' }),
    provider: t.exposeString('providerId', {
      description: 'Provider that served it; null when no attempt was made.',
      nullable: true,
    }),
    region: t.exposeString('regionId', { description: 'Region that served it.', nullable: true }),
    country: t.exposeString('country', {
      description: 'Country of that region (ISO 3166-1 alpha-2).',
      nullable: true,
    }),
    locationBasis: t.exposeString('locationBasis', {
      nullable: true,
      description:
        "How the serving region's location was known when it served: documented (a provider page says where it processes data) or assumed.",
    }),
    endpointId: t.exposeID('endpointId', { description: 'Endpoint that served it.', nullable: true }),
    apiKeyId: t.exposeID('apiKeyId', { description: 'Key that sent it.' }),
    surface: t.field({
      description: 'REST (/v1), GraphQL (complete) or embeddings (/v1/embeddings).',
      type: RequestSurfaceEnum,
      resolve: (r) => r.surface as RequestSurfaceValue,
    }),
    stream: t.exposeBoolean('stream', { description: 'True when the client asked for a stream.' }),
    usage: t.field({ description: 'Tokens charged.', type: RequestUsageRef, resolve: (r) => r }),
    costUsd: t.float({
      description: 'What the organisation was charged, USD.',
      resolve: (r) => microToUsd(r.chargeMicro),
    }),
    upstreamCostUsd: t.float({
      description: 'The upstream price of the tokens, USD.',
      resolve: (r) => microToUsd(r.upstreamCostMicro),
    }),
    latencyMs: t.exposeInt('latencyMs', { description: 'Time from arrival to the last byte, ms.' }),
    upstreamLatencyMs: t.exposeInt('upstreamLatencyMs', {
      description: 'Time the serving upstream took, ms; null when none answered.',
      nullable: true,
    }),
    cacheHit: t.exposeBoolean('cacheHit', {
      description: 'Answered from the response cache, without an upstream call.',
    }),
    cacheCostSavedUsd: t.float({
      description: 'A response-cache hit: the original answer’s charge minus this one’s, USD (0 otherwise).',
      resolve: (r) => microToUsd(r.costSavedMicro),
    }),
    eco: t.field({
      type: RequestEcoRef,
      nullable: true,
      description: 'Null when no estimate was made (e.g. the request failed before any upstream answered).',
      resolve: (r) => (r.energyWhMin == null || r.gco2eMin == null ? null : r),
    }),
    route: t.field({ type: RouteRef, description: 'How it was routed, as recorded.', resolve: storedRoute }),
    fallbackUsed: t.exposeBoolean('fallbackUsed', {
      description: 'True when an earlier attempt failed and another endpoint served it.',
    }),
  }),
});

const RequestConnectionRef = connectionOf('Request', RequestRef);

builder.queryField('requests', (t) =>
  t.field({
    type: RequestConnectionRef,
    description:
      "The organisation's requests, newest first (read scope). Keyset-paginated: pass pageInfo.endCursor as `after`.",
    args: {
      filter: t.arg({
        description: 'Dates, models, providers, regions, countries, keys, status.',
        type: RequestFilterInput,
      }),
      first: t.arg.int({ description: PAGE_ARGS_DESCRIPTION }),
      after: t.arg.string({ description: 'The endCursor of the previous page.' }),
    },
    resolve: (_r, { filter, first, after }, ctx) =>
      resolveOrGraphQLError(() => {
        const orgId = readableOrg(ctx.principal, filter?.orgId, 'read');
        return pageRequests(ctx.readDb, { orgId, filter: filter ?? {}, first, after });
      }),
  }),
);
