import { asc, eq, inArray } from 'drizzle-orm';
import { type ProviderRow, endpoints, providers, regions } from '../../db/schema';
import { builder } from '../builder';
import { type Context, byKey, groupByKey, loaderFor } from '../context';
import { MinMaxRef } from './scalars';
import { EndpointRef, ProviderRef, RegionRef } from './refs';

export const providerById = (ctx: Context) =>
  loaderFor<string, ProviderRow | null>(ctx, 'providerById', async (ids) =>
    byKey(
      ids,
      await ctx.db
        .select()
        .from(providers)
        .where(inArray(providers.id, [...ids])),
      (r) => r.id,
    ),
  );

const regionsByProvider = (ctx: Context) =>
  loaderFor(ctx, 'regionsByProvider', async (ids: readonly string[]) =>
    groupByKey(
      ids,
      await ctx.db
        .select()
        .from(regions)
        .where(inArray(regions.providerId, [...ids]))
        .orderBy(asc(regions.id)),
      (r) => r.providerId,
    ),
  );

const endpointsByProvider = (ctx: Context) =>
  loaderFor(ctx, 'endpointsByProvider', async (ids: readonly string[]) =>
    groupByKey(
      ids,
      await ctx.db
        .select()
        .from(endpoints)
        .where(inArray(endpoints.providerId, [...ids]))
        .orderBy(asc(endpoints.id)),
      (r) => r.providerId,
    ).map((list) => list.filter((e) => e.active)),
  );

ProviderRef.implement({
  description: 'An inference provider: who serves the tokens, over which wire protocol.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    protocol: t.exposeString('protocol', {
      description: 'Wire protocol: openai, anthropic, mistral or gemini.',
    }),
    baseUrl: t.exposeString('baseUrl'),
    auth: t.exposeString('auth'),
    selfHosted: t.exposeBoolean('selfHosted'),
    pue: t.field({
      type: MinMaxRef,
      description: 'Data-centre power usage effectiveness (dimensionless).',
      resolve: (p) => ({ min: p.pueMin, max: p.pueMax }),
    }),
    pueSource: t.exposeString('pueSource'),
    regions: t.field({ type: [RegionRef], resolve: (p, _a, ctx) => regionsByProvider(ctx).load(p.id) }),
    endpoints: t.field({ type: [EndpointRef], resolve: (p, _a, ctx) => endpointsByProvider(ctx).load(p.id) }),
  }),
});

builder.queryFields((t) => ({
  providers: t.field({
    type: [ProviderRef],
    resolve: (_r, _a, ctx) => ctx.db.select().from(providers).orderBy(asc(providers.id)),
  }),
  provider: t.field({
    type: ProviderRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_r, { id }, ctx) =>
      (await ctx.db.select().from(providers).where(eq(providers.id, id)))[0] ?? null,
  }),
}));
