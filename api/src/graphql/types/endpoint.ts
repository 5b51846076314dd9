import { type SQL, and, asc, eq, exists, inArray, lte as sqlLte } from 'drizzle-orm';
import { microToUsd } from '@lowrouter/shared';
import { type EndpointRow, endpoints, models, regions } from '../../db/schema';
import { builder } from '../builder';
import { type Context, byKey, loaderFor } from '../context';
import { checkPage, modelById, TierEnum } from './model';
import { providerById } from './provider';
import { regionById } from './region';
import { EndpointRef, ModelRef, ProviderRef, RegionRef } from './refs';

export const endpointById = (ctx: Context) =>
  loaderFor<string, EndpointRow | null>(ctx, 'endpointById', async (ids) =>
    byKey(
      ids,
      await ctx.db
        .select()
        .from(endpoints)
        .where(inArray(endpoints.id, [...ids])),
      (r) => r.id,
    ),
  );

const perMTok = (micro: number | null) => (micro === null ? null : microToUsd(micro));

EndpointRef.implement({
  description: 'A model offered by a provider in a region, at a price.',
  fields: (t) => ({
    id: t.exposeID('id', {
      description: 'Catalog id, `<model id>@<region id>`; usable in `route.only`, `order` and `ignore`.',
    }),
    upstreamModel: t.exposeString('upstreamModel', { description: 'The model name sent upstream.' }),
    model: t.field({
      description: 'The model served.',
      type: ModelRef,
      resolve: async (e, _a, ctx) => (await modelById(ctx).load(e.modelId))!,
    }),
    provider: t.field({
      description: 'The provider serving it.',
      type: ProviderRef,
      resolve: async (e, _a, ctx) => (await providerById(ctx).load(e.providerId))!,
    }),
    region: t.field({
      description: 'The region it is served from (its grid intensity sets the footprint).',
      type: RegionRef,
      resolve: async (e, _a, ctx) => (await regionById(ctx).load(e.regionId))!,
    }),
    inputPricePerMTokUsd: t.float({
      description: 'USD per 1M input tokens.',
      resolve: (e) => microToUsd(e.inputMicroPerMTok),
    }),
    outputPricePerMTokUsd: t.float({
      description: 'USD per 1M output tokens.',
      resolve: (e) => microToUsd(e.outputMicroPerMTok),
    }),
    cachedInputPricePerMTokUsd: t.float({
      description: 'USD per million cached input tokens; null when the provider publishes no cache price.',
      nullable: true,
      resolve: (e) => perMTok(e.cachedInputMicroPerMTok),
    }),
    cacheWritePricePerMTokUsd: t.float({
      description: 'USD per million tokens written to the prompt cache; null when not priced apart.',
      nullable: true,
      resolve: (e) => perMTok(e.cacheWriteMicroPerMTok),
    }),
    priceSource: t.exposeString('priceSource', {
      description: 'Where the prices come from (provider price page).',
    }),
    priceDate: t.exposeString('priceDate', {
      description: 'When the prices were read from the source (YYYY-MM-DD).',
    }),
  }),
});

const EndpointFilter = builder.inputType('EndpointFilter', {
  description: 'Narrows `endpoints`; every given field must match.',
  fields: (t) => ({
    model: t.id({ description: 'Only endpoints of this model id.' }),
    provider: t.id({ description: 'Only endpoints of this provider id.' }),
    region: t.id({ description: 'Only endpoints in this region id.' }),
    country: t.string({ description: 'ISO 3166-1 alpha-2' }),
    tier: t.field({ description: 'Only endpoints whose model is of this tier.', type: TierEnum }),
    maxGco2ePerKwh: t.float({
      description: "Only endpoints whose region's grid is at or below this intensity.",
    }),
  }),
});

builder.queryFields((t) => ({
  endpoints: t.field({
    description:
      'Active catalog endpoints, by id, with prices and (via eco) footprint per 1,000 output tokens. Public.',
    type: [EndpointRef],
    args: {
      filter: t.arg({
        description: 'Model, provider, region, country, tier or grid bounds.',
        type: EndpointFilter,
      }),
      limit: t.arg.int({ description: 'Page size: 1 to 500 (default 500).' }),
      offset: t.arg.int({ description: 'Endpoints to skip, for paging.' }),
    },
    resolve: (_r, { filter, limit, offset }, ctx) => {
      const page = checkPage(limit, offset);
      const where: SQL[] = [eq(endpoints.active, true)];
      if (filter?.model) where.push(eq(endpoints.modelId, filter.model));
      if (filter?.provider) where.push(eq(endpoints.providerId, filter.provider));
      if (filter?.region) where.push(eq(endpoints.regionId, filter.region));
      if (filter?.tier) {
        where.push(
          exists(
            ctx.db
              .select({ one: models.id })
              .from(models)
              .where(and(eq(models.id, endpoints.modelId), eq(models.tier, filter.tier))),
          ),
        );
      }
      if (filter?.country || filter?.maxGco2ePerKwh != null) {
        const on: SQL[] = [eq(regions.id, endpoints.regionId)];
        if (filter.country) on.push(eq(regions.country, filter.country.toUpperCase()));
        if (filter.maxGco2ePerKwh != null) on.push(sqlLte(regions.gridGco2ePerKwh, filter.maxGco2ePerKwh));
        where.push(
          exists(
            ctx.db
              .select({ one: regions.id })
              .from(regions)
              .where(and(...on)),
          ),
        );
      }
      return ctx.db
        .select()
        .from(endpoints)
        .where(and(...where))
        .orderBy(asc(endpoints.id))
        .limit(page.limit)
        .offset(page.offset);
    },
  }),
  endpoint: t.field({
    description: 'One endpoint by id, or null. Public.',
    type: EndpointRef,
    nullable: true,
    args: { id: t.arg.id({ description: 'An endpoint id, `<model id>@<region id>`.', required: true }) },
    resolve: (_r, { id }, ctx) => endpointById(ctx).load(id),
  }),
}));
