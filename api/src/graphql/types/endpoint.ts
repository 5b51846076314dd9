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
    id: t.exposeID('id'),
    upstreamModel: t.exposeString('upstreamModel', { description: 'The model name sent upstream.' }),
    model: t.field({
      type: ModelRef,
      resolve: async (e, _a, ctx) => (await modelById(ctx).load(e.modelId))!,
    }),
    provider: t.field({
      type: ProviderRef,
      resolve: async (e, _a, ctx) => (await providerById(ctx).load(e.providerId))!,
    }),
    region: t.field({
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
      nullable: true,
      resolve: (e) => perMTok(e.cachedInputMicroPerMTok),
    }),
    cacheWritePricePerMTokUsd: t.float({ nullable: true, resolve: (e) => perMTok(e.cacheWriteMicroPerMTok) }),
    priceSource: t.exposeString('priceSource'),
    priceDate: t.exposeString('priceDate'),
  }),
});

const EndpointFilter = builder.inputType('EndpointFilter', {
  fields: (t) => ({
    model: t.id(),
    provider: t.id(),
    region: t.id(),
    country: t.string({ description: 'ISO 3166-1 alpha-2' }),
    tier: t.field({ type: TierEnum }),
    maxGco2ePerKwh: t.float({
      description: "Only endpoints whose region's grid is at or below this intensity.",
    }),
  }),
});

builder.queryFields((t) => ({
  endpoints: t.field({
    type: [EndpointRef],
    args: { filter: t.arg({ type: EndpointFilter }), limit: t.arg.int(), offset: t.arg.int() },
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
    type: EndpointRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => endpointById(ctx).load(id),
  }),
}));
