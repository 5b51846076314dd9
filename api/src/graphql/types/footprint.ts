/**
 * `footprintReport(period, from, to, groupBy)`: energy and gCO2e ranges per UTC month, quarter or year
 * with the provenance of every figure (api/src/analytics/footprint.ts). Read scope.
 */
import { readableOrg } from '../../analytics/filter';
import { type FootprintReport, type FootprintRow, queryFootprint } from '../../analytics/footprint';
import { resolveOrGraphQLError } from '../../analytics/graphql-errors';
import { builder } from '../builder';
import { RangeRef } from './scalars';

const FootprintPeriodEnum = builder.enumType('FootprintPeriod', {
  description: 'A calendar period in UTC.',
  values: {
    MONTH: { value: 'month' as const },
    QUARTER: { value: 'quarter' as const },
    YEAR: { value: 'year' as const },
  },
});

const FootprintGroupByEnum = builder.enumType('FootprintGroupBy', {
  description: 'A dimension a footprint report is split by (the period always is).',
  values: {
    ORGANIZATION: { value: 'organization' as const },
    API_KEY: { value: 'apiKey' as const },
    MODEL: { value: 'model' as const },
    PROVIDER: { value: 'provider' as const },
    REGION: { value: 'region' as const },
    COUNTRY: { value: 'country' as const },
  },
});

type Totals = FootprintReport['totals'];

const FootprintTotalsRef = builder.objectRef<Totals>('FootprintTotals').implement({
  description: 'Sums over a report, with every version and grid source behind them.',
  fields: (t) => ({
    requests: t.exposeInt('requests'),
    tokensEstimatedShare: t.exposeFloat('tokensEstimatedShare', {
      description: 'Share (0–1) of requests whose tokens were estimated rather than reported upstream.',
    }),
    energyWh: t.field({ type: RangeRef, description: 'Wh.', resolve: (r) => r.energyWh }),
    gco2e: t.field({ type: RangeRef, description: 'gCO2e, electricity only.', resolve: (r) => r.gco2e }),
    methodologyVersions: t.exposeStringList('methodologyVersions'),
    gridSources: t.exposeStringList('gridSources', { description: '`<source> (<year>)`.' }),
    gridYears: t.exposeIntList('gridYears'),
    catalogVersions: t.exposeStringList('catalogVersions', {
      description: '`<catalog hash>[+<grid import id>]` the requests were routed and estimated with.',
    }),
  }),
});

const FootprintRowRef = builder.objectRef<FootprintRow>('FootprintRow').implement({
  description: 'One period × group of a footprint report. Dimensions not grouped by are null.',
  fields: (t) => ({
    period: t.exposeString('period', { description: '2026-03, 2026-Q1 or 2026.' }),
    periodStart: t.exposeString('periodStart', { description: 'First day, YYYY-MM-DD (UTC).' }),
    organizationId: t.exposeID('organizationId'),
    organizationName: t.exposeString('organizationName'),
    apiKeyId: t.exposeID('apiKeyId', { nullable: true }),
    apiKeyName: t.exposeString('apiKeyName', { nullable: true }),
    model: t.exposeString('model', { nullable: true }),
    provider: t.exposeString('provider', { nullable: true }),
    region: t.exposeString('region', { nullable: true }),
    country: t.exposeString('country', { nullable: true }),
    requests: t.exposeInt('requests'),
    tokensEstimatedShare: t.exposeFloat('tokensEstimatedShare'),
    energyWh: t.field({ type: RangeRef, description: 'Wh.', resolve: (r) => r.energyWh }),
    gco2e: t.field({ type: RangeRef, description: 'gCO2e, electricity only.', resolve: (r) => r.gco2e }),
    methodologyVersions: t.exposeStringList('methodologyVersions'),
    gridSources: t.exposeStringList('gridSources'),
    gridYears: t.exposeIntList('gridYears'),
    catalogVersions: t.exposeStringList('catalogVersions'),
  }),
});

const FootprintReportRef = builder.objectRef<FootprintReport>('FootprintReport').implement({
  fields: (t) => ({
    period: t.field({ type: FootprintPeriodEnum, resolve: (r) => r.period }),
    from: t.exposeString('from'),
    to: t.exposeString('to'),
    rows: t.field({ type: [FootprintRowRef], resolve: (r) => r.rows }),
    totals: t.field({ type: FootprintTotalsRef, resolve: (r) => r.totals }),
    citation: t.exposeString('citation', {
      description: 'Quote it beside a figure: methodology version, grid factor sources, report date.',
    }),
    limits: t.exposeStringList('limits', { description: 'What the estimate does not cover.' }),
  }),
});

builder.queryField('footprintReport', (t) =>
  t.field({
    type: FootprintReportRef,
    description:
      "Energy and gCO2e of the organisation's requests per UTC month, quarter or year (read scope), summed from the request rows with the methodology versions, grid sources and catalog versions behind each figure. At most 10 years and 10,000 rows.",
    args: {
      period: t.arg({ type: FootprintPeriodEnum, required: true }),
      from: t.arg.string({ required: true, description: 'YYYY-MM-DD, inclusive (UTC).' }),
      to: t.arg.string({ required: true, description: 'YYYY-MM-DD, exclusive (UTC).' }),
      groupBy: t.arg({ type: [FootprintGroupByEnum] }),
      orgId: t.arg.id({ description: 'Another organisation: instance admin only.' }),
    },
    resolve: (_r, { period, from, to, groupBy, orgId }, ctx) =>
      resolveOrGraphQLError(() =>
        queryFootprint(ctx.db, {
          orgId: readableOrg(ctx.principal, orgId, 'read'),
          period,
          from,
          to,
          groupBy: groupBy ?? [],
        }),
      ),
  }),
);
