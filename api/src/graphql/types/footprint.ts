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
    MONTH: { value: 'month' as const, description: 'Calendar months (2026-03).' },
    QUARTER: { value: 'quarter' as const, description: 'Calendar quarters (2026-Q1).' },
    YEAR: { value: 'year' as const, description: 'Calendar years (2026).' },
  },
});

const FootprintGroupByEnum = builder.enumType('FootprintGroupBy', {
  description: 'A dimension a footprint report is split by (the period always is).',
  values: {
    ORGANIZATION: {
      value: 'organization' as const,
      description: 'Per organisation (instance admin: several).',
    },
    API_KEY: { value: 'apiKey' as const, description: 'Per API key, with its name.' },
    MODEL: { value: 'model' as const, description: 'Per model that served.' },
    PROVIDER: { value: 'provider' as const, description: 'Per provider that served.' },
    REGION: { value: 'region' as const, description: 'Per serving region.' },
    COUNTRY: { value: 'country' as const, description: 'Per country of the serving region.' },
  },
});

type Totals = FootprintReport['totals'];

const FootprintTotalsRef = builder.objectRef<Totals>('FootprintTotals').implement({
  description: 'Sums over a report, with every version and grid source behind them.',
  fields: (t) => ({
    requests: t.exposeInt('requests', { description: 'Requests in the report.' }),
    tokensEstimatedShare: t.exposeFloat('tokensEstimatedShare', {
      description: 'Share (0–1) of requests whose tokens were estimated rather than reported upstream.',
    }),
    energyWh: t.field({ type: RangeRef, description: 'Wh.', resolve: (r) => r.energyWh }),
    gco2e: t.field({ type: RangeRef, description: 'gCO2e, electricity only.', resolve: (r) => r.gco2e }),
    methodologyVersions: t.exposeStringList('methodologyVersions', {
      description: 'Every methodology version that produced a figure of the report.',
    }),
    gridSources: t.exposeStringList('gridSources', { description: '`<source> (<year>)`.' }),
    gridYears: t.exposeIntList('gridYears', { description: 'Years of the grid factors used.' }),
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
    organizationId: t.exposeID('organizationId', { description: 'The organisation the requests belong to.' }),
    organizationName: t.exposeString('organizationName', { description: 'Its name.' }),
    apiKeyId: t.exposeID('apiKeyId', { nullable: true, description: 'The key, when grouped by API_KEY.' }),
    apiKeyName: t.exposeString('apiKeyName', { nullable: true, description: 'Its name.' }),
    model: t.exposeString('model', { nullable: true, description: 'Model, when grouped by MODEL.' }),
    provider: t.exposeString('provider', {
      nullable: true,
      description: 'Provider, when grouped by PROVIDER.',
    }),
    region: t.exposeString('region', { nullable: true, description: 'Region, when grouped by REGION.' }),
    country: t.exposeString('country', { nullable: true, description: 'Country, when grouped by COUNTRY.' }),
    requests: t.exposeInt('requests', { description: 'Requests in this row.' }),
    tokensEstimatedShare: t.exposeFloat('tokensEstimatedShare', {
      description: 'Share (0–1) of them whose tokens were estimated rather than reported upstream.',
    }),
    energyWh: t.field({ type: RangeRef, description: 'Wh.', resolve: (r) => r.energyWh }),
    gco2e: t.field({ type: RangeRef, description: 'gCO2e, electricity only.', resolve: (r) => r.gco2e }),
    methodologyVersions: t.exposeStringList('methodologyVersions', {
      description: 'Methodology versions behind this row’s figures.',
    }),
    gridSources: t.exposeStringList('gridSources', {
      description: 'Grid factor sources, `<source> (<year>)`.',
    }),
    gridYears: t.exposeIntList('gridYears', { description: 'Years of those grid factors.' }),
    catalogVersions: t.exposeStringList('catalogVersions', {
      description: 'Catalog versions the requests were routed and estimated with.',
    }),
  }),
});

const FootprintReportRef = builder.objectRef<FootprintReport>('FootprintReport').implement({
  description:
    'Energy and gCO2e per period with the provenance of every figure, a citation line and the limits.',
  fields: (t) => ({
    period: t.field({
      type: FootprintPeriodEnum,
      description: 'The period rows are cut by.',
      resolve: (r) => r.period,
    }),
    from: t.exposeString('from', { description: 'First day covered, YYYY-MM-DD (UTC).' }),
    to: t.exposeString('to', { description: 'Day after the last one covered, YYYY-MM-DD (UTC).' }),
    rows: t.field({
      type: [FootprintRowRef],
      description: 'One per period × group.',
      resolve: (r) => r.rows,
    }),
    totals: t.field({
      type: FootprintTotalsRef,
      description: 'Sums over all rows.',
      resolve: (r) => r.totals,
    }),
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
      period: t.arg({ type: FootprintPeriodEnum, required: true, description: 'Month, quarter or year.' }),
      from: t.arg.string({ required: true, description: 'YYYY-MM-DD, inclusive (UTC).' }),
      to: t.arg.string({ required: true, description: 'YYYY-MM-DD, exclusive (UTC).' }),
      groupBy: t.arg({ type: [FootprintGroupByEnum], description: 'Dimensions to split each period by.' }),
      orgId: t.arg.id({ description: 'Another organisation: instance admin only.' }),
    },
    resolve: (_r, { period, from, to, groupBy, orgId }, ctx) =>
      resolveOrGraphQLError(() =>
        queryFootprint(ctx.readDb, {
          orgId: readableOrg(ctx.principal, orgId, 'read'),
          period,
          from,
          to,
          groupBy: groupBy ?? [],
        }),
      ),
  }),
);
