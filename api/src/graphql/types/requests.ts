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
import { MinMaxRef, RangeRef } from './scalars';

// ---------------------------------------------------------------- connections

type Types = typeof builder.$inferSchemaTypes;

export const PageInfoRef = builder
  .objectRef<{ hasNextPage: boolean; endCursor: string | null }>('PageInfo')
  .implement({
    description: 'Where a page ends: pass endCursor as `after` to get the next one.',
    fields: (t) => ({
      hasNextPage: t.exposeBoolean('hasNextPage'),
      endCursor: t.exposeString('endCursor', { nullable: true }),
    }),
  });

/** `<name>Connection { edges { cursor node } nodes pageInfo }` over a Page of `node`. */
export function connectionOf<T>(name: string, node: ObjectRef<Types, T, T>) {
  const Edge = builder.objectRef<{ cursor: string; node: T }>(`${name}Edge`).implement({
    fields: (t) => ({
      cursor: t.exposeString('cursor', { description: 'Opaque: pass it as `after`.' }),
      node: t.field({ type: node, resolve: (e) => e.node as never }),
    }),
  });
  return builder.objectRef<Page<T>>(`${name}Connection`).implement({
    fields: (t) => ({
      edges: t.field({
        type: [Edge],
        resolve: (p) => p.nodes.map((n, i) => ({ node: n, cursor: p.cursors[i]! })),
      }),
      nodes: t.field({ type: [node], resolve: (p) => p.nodes as never }),
      pageInfo: t.field({
        type: PageInfoRef,
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
  values: { OK: { value: 'ok' as const }, ERROR: { value: 'error' as const } },
});

export const RequestFilterInput = builder.inputType('RequestFilter', {
  description: 'Every list matches any of its values; an empty or absent list does not filter.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    to: t.field({ type: 'DateTime', description: 'Exclusive.' }),
    models: t.stringList({ description: 'Model ids (the model served, not the one asked for).' }),
    providers: t.stringList(),
    regions: t.stringList(),
    countries: t.stringList({ description: 'ISO 3166-1 alpha-2 codes.' }),
    apiKeys: t.idList(),
    status: t.field({ type: StatusFilterEnum }),
    orgId: t.id({ description: 'Another organisation: instance admin only.' }),
  }),
});

// ---------------------------------------------------------------- the request node

type R = RequestRowWithKey;

const RequestUsageRef = builder.objectRef<R>('RequestUsage').implement({
  description: 'Tokens as the upstream reported them (or as estimated, when tokensEstimated).',
  fields: (t) => ({
    inputTokens: t.exposeInt('inputTokens'),
    outputTokens: t.exposeInt('outputTokens'),
    cachedInputTokens: t.exposeInt('cachedInputTokens'),
    cacheWriteTokens: t.exposeInt('cacheWriteTokens'),
    reasoningTokens: t.exposeInt('reasoningTokens'),
    tokensEstimated: t.exposeBoolean('tokensEstimated'),
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
    gridSource: t.exposeString('gridSource', { nullable: true }),
    pue: t.field({ type: MinMaxRef, nullable: true, resolve: (r) => span(r.pueMin, r.pueMax) }),
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
    confidence: t.exposeString('ecoConfidence', { nullable: true }),
    methodologyVersion: t.exposeString('methodologyVersion', { nullable: true }),
  }),
});

export const RequestRef = builder.objectRef<R>('Request').implement({
  description: 'One inference request, successful or not. Prompt and completion text are never stored.',
  fields: (t) => ({
    id: t.exposeID('id'),
    createdAt: t.field({ type: 'DateTime', resolve: (r) => r.createdAt }),
    status: t.exposeString('status', { description: 'ok, error or client_disconnected.' }),
    errorKind: t.exposeString('errorKind', { nullable: true }),
    finishReason: t.exposeString('finishReason', { nullable: true }),
    requestedModel: t.exposeString('requestedModel'),
    model: t.exposeString('modelId', { nullable: true, description: 'The model that served it.' }),
    provider: t.exposeString('providerId', { nullable: true }),
    region: t.exposeString('regionId', { nullable: true }),
    country: t.exposeString('country', { nullable: true }),
    locationBasis: t.exposeString('locationBasis', {
      nullable: true,
      description:
        "How the serving region's location was known when it served: documented (a provider page says where it processes data) or assumed.",
    }),
    endpointId: t.exposeID('endpointId', { nullable: true }),
    apiKeyId: t.exposeID('apiKeyId'),
    surface: t.exposeString('surface', { description: 'rest or graphql.' }),
    stream: t.exposeBoolean('stream'),
    usage: t.field({ type: RequestUsageRef, resolve: (r) => r }),
    costUsd: t.float({
      description: 'What the organisation was charged, USD.',
      resolve: (r) => microToUsd(r.chargeMicro),
    }),
    upstreamCostUsd: t.float({
      description: 'The upstream price of the tokens, USD.',
      resolve: (r) => microToUsd(r.upstreamCostMicro),
    }),
    latencyMs: t.exposeInt('latencyMs'),
    upstreamLatencyMs: t.exposeInt('upstreamLatencyMs', { nullable: true }),
    eco: t.field({
      type: RequestEcoRef,
      nullable: true,
      description: 'Null when no estimate was made (e.g. the request failed before any upstream answered).',
      resolve: (r) => (r.energyWhMin == null || r.gco2eMin == null ? null : r),
    }),
    route: t.field({
      type: 'JSON',
      description:
        'How it was routed: reason, attempts [{endpointId, provider, region, outcome, errorKind, latencyMs}], policy {id, kind}.',
      resolve: (r) => {
        const route = (r.route ?? {}) as Record<string, unknown>;
        return 'policy' in route
          ? route
          : { ...route, policy: r.policyId ? { id: r.policyId, kind: r.policyKind } : null };
      },
    }),
    fallbackUsed: t.exposeBoolean('fallbackUsed'),
  }),
});

const RequestConnectionRef = connectionOf('Request', RequestRef);

builder.queryField('requests', (t) =>
  t.field({
    type: RequestConnectionRef,
    description:
      "The organisation's requests, newest first (read scope). Keyset-paginated: pass pageInfo.endCursor as `after`.",
    args: {
      filter: t.arg({ type: RequestFilterInput }),
      first: t.arg.int({ description: PAGE_ARGS_DESCRIPTION }),
      after: t.arg.string(),
    },
    resolve: (_r, { filter, first, after }, ctx) =>
      resolveOrGraphQLError(() => {
        const orgId = readableOrg(ctx.principal, filter?.orgId, 'read');
        return pageRequests(ctx.db, { orgId, filter: filter ?? {}, first, after });
      }),
  }),
);
