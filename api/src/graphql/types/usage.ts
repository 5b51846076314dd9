/**
 * `usage(filter, groupBy, timezone)`: usage and carbon buckets for the dashboard and BI tools, read
 * from the daily rollup (api/src/analytics/usage-query.ts says exactly how, and why buckets are UTC).
 */
import { microToUsd } from '@lowrouter/shared';
import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { readableOrg } from '../../analytics/filter';
import { resolveOrGraphQLError } from '../../analytics/graphql-errors';
import { AnalyticsError } from '../../analytics/errors';
import { type UsageBucket, type UsageMeasures, queryUsage } from '../../analytics/usage-query';
import { builder } from '../builder';
import { StatusFilterEnum } from './requests';
import { RangeRef } from './scalars';

export const UsageGroupByEnum = builder.enumType('UsageGroupBy', {
  description: 'A dimension to group by. DAY, WEEK (starting Monday) and MONTH are UTC.',
  values: {
    DAY: { value: 'day' as const, description: 'One bucket per UTC day (YYYY-MM-DD).' },
    WEEK: { value: 'week' as const, description: 'One bucket per UTC week, starting Monday.' },
    MONTH: { value: 'month' as const, description: 'One bucket per UTC month.' },
    MODEL: { value: 'model' as const, description: 'By the model that served.' },
    PROVIDER: { value: 'provider' as const, description: 'By provider.' },
    REGION: { value: 'region' as const, description: 'By region.' },
    COUNTRY: { value: 'country' as const, description: 'By the country of the region.' },
    API_KEY: { value: 'apiKey' as const, description: 'By API key.' },
    POLICY: { value: 'policy' as const, description: 'By routing policy.' },
  },
});

export const UsageFilterInput = builder.inputType('UsageFilter', {
  description:
    'Every list matches any of its values; an empty or absent list does not filter. from/to may fall inside a day: the partial days are then read from request rows, exactly.',
  fields: (t) => ({
    from: t.field({ type: 'DateTime', description: 'Inclusive.' }),
    to: t.field({ type: 'DateTime', description: 'Exclusive.' }),
    models: t.stringList({ description: 'Model ids (the model served, not the one asked for).' }),
    providers: t.stringList({ description: 'Provider ids.' }),
    regions: t.stringList({ description: 'Region ids.' }),
    countries: t.stringList({ description: 'ISO 3166-1 alpha-2 codes.' }),
    apiKeys: t.idList({ description: 'API key ids.' }),
    status: t.field({
      type: StatusFilterEnum,
      description:
        'With a status, buckets carry only requests and errors: the daily rollup sums tokens, cost, energy and latency over every status, so those fields are refused rather than guessed.',
    }),
    orgId: t.id({ description: 'Another organisation: instance admin only.' }),
  }),
});

/** The bucket fields the rollup cannot split by status. */
const MEASURE_FIELDS = new Set([
  'inputTokens',
  'outputTokens',
  'cachedInputTokens',
  'reasoningTokens',
  'costUsd',
  'upstreamCostUsd',
  'energyWh',
  'gco2e',
  'gco2ePer1kOutputTokens',
  'avgLatencyMs',
  'cacheHits',
  'cacheCostSavedUsd',
  'cacheAvoidedEnergyWh',
  'cacheAvoidedGco2e',
  'embeddingRequests',
]);

/** Field names selected on the list's items, through fragments. */
function selectedFields(info: GraphQLResolveInfo): Set<string> {
  const names = new Set<string>();
  const walk = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) names.add(s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else walk(info.fragments[s.name.value]?.selectionSet);
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  return names;
}

const m = (b: UsageBucket): UsageMeasures => {
  if (!b.measures) throw new Error('measures are not available with a status filter');
  return b.measures;
};

const UsageBucketRef = builder.objectRef<UsageBucket>('UsageBucket').implement({
  description:
    'Usage summed over one bucket. Group keys are null when not grouped by them (and, when grouped, null means none, e.g. a request that failed before a model was chosen).',
  fields: (t) => ({
    day: t.field({ type: 'Date', nullable: true, description: 'UTC day.', resolve: (b) => b.day ?? null }),
    week: t.field({
      type: 'Date',
      nullable: true,
      description: 'Monday (UTC) starting the ISO week.',
      resolve: (b) => b.week ?? null,
    }),
    month: t.field({
      type: 'Date',
      nullable: true,
      description: 'First day of the UTC month.',
      resolve: (b) => b.month ?? null,
    }),
    model: t.exposeString('model', {
      description: 'The group’s model, when grouped by MODEL.',
      nullable: true,
    }),
    provider: t.exposeString('provider', {
      description: 'The group’s provider, when grouped by PROVIDER.',
      nullable: true,
    }),
    region: t.exposeString('region', {
      description: 'The group’s region, when grouped by REGION.',
      nullable: true,
    }),
    country: t.exposeString('country', {
      description: 'The group’s country, when grouped by COUNTRY.',
      nullable: true,
    }),
    apiKey: t.exposeID('apiKey', {
      description: 'The group’s API key id, when grouped by API_KEY.',
      nullable: true,
    }),
    policy: t.exposeID('policy', {
      description: 'The group’s routing policy id, when grouped by POLICY.',
      nullable: true,
    }),
    requests: t.exposeInt('requests', { description: 'Requests in the bucket, failed ones included.' }),
    errors: t.exposeInt('errors', {
      description: 'Requests that did not end ok (errors and client disconnects).',
    }),
    embeddingRequests: t.int({
      description:
        'Of requests, those to /v1/embeddings (counted apart: no output tokens and no eco estimate).',
      resolve: (b) => m(b).embeddingRequests,
    }),
    inputTokens: t.field({
      description: 'Input tokens charged, cached ones included.',
      type: 'SafeInt',
      resolve: (b) => m(b).inputTokens,
    }),
    outputTokens: t.field({
      description: 'Output tokens charged.',
      type: 'SafeInt',
      resolve: (b) => m(b).outputTokens,
    }),
    cachedInputTokens: t.field({
      description: 'Input tokens read from prompt caches.',
      type: 'SafeInt',
      resolve: (b) => m(b).cachedInputTokens,
    }),
    reasoningTokens: t.field({
      description: 'Output tokens spent on reasoning.',
      type: 'SafeInt',
      resolve: (b) => m(b).reasoningTokens,
    }),
    costUsd: t.float({
      description: 'What the organisation was charged, USD.',
      resolve: (b) => microToUsd(m(b).chargeMicro),
    }),
    upstreamCostUsd: t.float({
      description: 'Upstream price, USD.',
      resolve: (b) => microToUsd(m(b).upstreamCostMicro),
    }),
    energyWh: t.field({
      type: RangeRef,
      description: 'Wh, PUE included.',
      resolve: (b) => ({ min: m(b).energyWhMin, max: m(b).energyWhMax }),
    }),
    gco2e: t.field({
      type: RangeRef,
      description: 'gCO2e, usage phase.',
      resolve: (b) => ({ min: m(b).gco2eMin, max: m(b).gco2eMax }),
    }),
    gco2ePer1kOutputTokens: t.field({
      type: RangeRef,
      nullable: true,
      description: 'gCO2e per 1,000 output tokens over the bucket; null without output tokens.',
      resolve: (b) => {
        const x = m(b);
        return x.outputTokens > 0
          ? { min: (x.gco2eMin * 1000) / x.outputTokens, max: (x.gco2eMax * 1000) / x.outputTokens }
          : null;
      },
    }),
    avgLatencyMs: t.float({
      nullable: true,
      description: 'Mean end-to-end latency, ms.',
      resolve: (b) => (b.requests > 0 ? m(b).latencyMsSum / b.requests : null),
    }),
    cacheHits: t.int({
      description: 'Requests answered from the response cache (no upstream call).',
      resolve: (b) => m(b).cacheHits,
    }),
    cacheCostSavedUsd: t.float({
      description:
        'What the cache hits would have cost at the original answers’ price, minus what they were charged, USD.',
      resolve: (b) => microToUsd(m(b).costSavedMicro),
    }),
    cacheAvoidedEnergyWh: t.field({
      type: RangeRef,
      description: 'Energy the cache hits did not spend: the original answers’ estimates, Wh.',
      resolve: (b) => ({ min: m(b).avoidedEnergyWhMin, max: m(b).avoidedEnergyWhMax }),
    }),
    cacheAvoidedGco2e: t.field({
      type: RangeRef,
      description: 'Usage-phase gCO2e the cache hits did not emit: the original answers’ estimates.',
      resolve: (b) => ({ min: m(b).avoidedGco2eMin, max: m(b).avoidedGco2eMax }),
    }),
  }),
});

builder.queryField('usage', (t) =>
  t.field({
    type: [UsageBucketRef],
    description:
      "The organisation's usage in buckets (read scope), from the daily rollup (UTC) or the hourly one (timezone). No groupBy gives one bucket: the totals. Day, week and month buckets are UTC unless timezone names an IANA zone with whole-hour offsets in the range (Europe/Paris, America/New_York); others (Asia/Kolkata) are refused saying why.",
    args: {
      filter: t.arg({
        description: 'Dates, models, providers, regions, countries, keys, status.',
        type: UsageFilterInput,
      }),
      groupBy: t.arg({
        description: 'Dimensions to group by, in order; none gives one bucket, the totals.',
        type: [UsageGroupByEnum],
      }),
      timezone: t.arg.string({
        description: 'IANA zone for day, week and month buckets (default UTC); whole-hour offsets only.',
      }),
    },
    resolve: (_r, { filter, groupBy, timezone }, ctx, info) =>
      resolveOrGraphQLError(() => {
        const orgId = readableOrg(ctx.principal, filter?.orgId, 'read');
        if (filter?.status) {
          const refused = [...selectedFields(info)].filter((f) => MEASURE_FIELDS.has(f));
          if (refused.length)
            throw new AnalyticsError(
              'BAD_USER_INPUT',
              `with a status filter only requests and errors are available (the daily rollup sums ${refused.join(', ')} over every status); drop the status filter for them, or read requests(filter: {status}) for per-request detail`,
              'filter.status',
            );
        }
        return queryUsage(ctx.readDb, { orgId, filter: filter ?? {}, groupBy: groupBy ?? [], timezone });
      }),
  }),
);
