import { type SQL, and, asc, eq, exists, ilike, inArray, or } from 'drizzle-orm';
import { createGraphQLError } from 'graphql-yoga';
import { type EndpointRow, type ModelRow, endpoints, models } from '../../db/schema';
import { builder } from '../builder';
import { type Context, byKey, groupByKey, loaderFor } from '../context';
import { MinMaxRef } from './scalars';
import { EndpointRef, ModelRef } from './refs';

export const MAX_PAGE = 500;

export const modelById = (ctx: Context) =>
  loaderFor<string, ModelRow | null>(ctx, 'modelById', async (ids) =>
    byKey(
      ids,
      await ctx.db
        .select()
        .from(models)
        .where(inArray(models.id, [...ids])),
      (r) => r.id,
    ),
  );

export const endpointsByModel = (ctx: Context) =>
  loaderFor<string, EndpointRow[]>(ctx, 'endpointsByModel', async (ids) =>
    groupByKey(
      ids,
      await ctx.db
        .select()
        .from(endpoints)
        .where(and(inArray(endpoints.modelId, [...ids]), eq(endpoints.active, true)))
        .orderBy(asc(endpoints.id)),
      (r) => r.modelId,
    ),
  );

export const TierEnum = builder.enumType('Tier', {
  description: 'Capability tier, smallest first. lowrouter/auto picks the smallest tier that can do the job.',
  values: ['small', 'medium', 'large', 'frontier'] as const,
});

ModelRef.implement({
  description:
    'A model, whoever serves it. Parameters in billions; closed models carry EcoLogits estimate ranges.',
  fields: (t) => ({
    id: t.exposeID('id'),
    name: t.exposeString('name'),
    vendor: t.exposeString('vendor'),
    tier: t.field({ type: TierEnum, resolve: (m) => m.tier as 'small' }),
    architecture: t.exposeString('architecture', { description: 'dense or moe' }),
    openWeights: t.exposeBoolean('openWeights'),
    activeParams: t.field({
      type: MinMaxRef,
      description: 'Active parameters per token, billions.',
      resolve: (m) => ({ min: m.activeParamsMinB, max: m.activeParamsMaxB }),
    }),
    totalParams: t.field({
      type: MinMaxRef,
      description: 'Total parameters, billions.',
      resolve: (m) => ({ min: m.totalParamsMinB, max: m.totalParamsMaxB }),
    }),
    paramsConfidence: t.exposeString('paramsConfidence', { description: 'disclosed or estimated' }),
    paramsSource: t.exposeString('paramsSource'),
    contextWindow: t.exposeInt('contextWindow', { description: 'tokens' }),
    maxOutputTokens: t.exposeInt('maxOutputTokens'),
    toolCalling: t.exposeBoolean('toolCalling'),
    vision: t.exposeBoolean('vision'),
    tokensPerSecond: t.exposeFloat('tps', {
      nullable: true,
      description: 'Upstream throughput (EcoLogits), tokens/s.',
    }),
    ttftSeconds: t.exposeFloat('ttftSeconds', { nullable: true }),
    aliases: t.exposeStringList('aliases'),
    endpoints: t.field({ type: [EndpointRef], resolve: (m, _a, ctx) => endpointsByModel(ctx).load(m.id) }),
  }),
});

const ModelFilter = builder.inputType('ModelFilter', {
  fields: (t) => ({
    provider: t.id({ description: 'Only models served by this provider.' }),
    region: t.id({ description: 'Only models served in this region.' }),
    tier: t.field({ type: TierEnum }),
    openWeights: t.boolean(),
    search: t.string({ description: 'Case-insensitive match on id, name or vendor.' }),
  }),
});

export function checkPage(limit: number | null | undefined, offset: number | null | undefined) {
  const l = limit ?? MAX_PAGE;
  const bad = (field: string, message: string) =>
    createGraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', field } });
  if (l < 1 || l > MAX_PAGE) throw bad('limit', `limit must be between 1 and ${MAX_PAGE}, got ${l}`);
  if ((offset ?? 0) < 0) throw bad('offset', `offset must be >= 0, got ${offset}`);
  return { limit: l, offset: offset ?? 0 };
}

builder.queryFields((t) => ({
  models: t.field({
    type: [ModelRef],
    description: `Catalog models, ordered by id. At most ${MAX_PAGE} per page (limit/offset).`,
    args: {
      filter: t.arg({ type: ModelFilter }),
      limit: t.arg.int(),
      offset: t.arg.int(),
    },
    resolve: (_r, { filter, limit, offset }, ctx) => {
      const page = checkPage(limit, offset);
      const where: SQL[] = [];
      if (filter?.tier) where.push(eq(models.tier, filter.tier));
      if (filter?.openWeights != null) where.push(eq(models.openWeights, filter.openWeights));
      if (filter?.search) {
        const q = `%${filter.search.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
        where.push(or(ilike(models.id, q), ilike(models.name, q), ilike(models.vendor, q))!);
      }
      if (filter?.provider || filter?.region) {
        const on: SQL[] = [eq(endpoints.modelId, models.id), eq(endpoints.active, true)];
        if (filter.provider) on.push(eq(endpoints.providerId, filter.provider));
        if (filter.region) on.push(eq(endpoints.regionId, filter.region));
        where.push(
          exists(
            ctx.db
              .select({ one: endpoints.id })
              .from(endpoints)
              .where(and(...on)),
          ),
        );
      }
      return ctx.db
        .select()
        .from(models)
        .where(and(...where))
        .orderBy(asc(models.id))
        .limit(page.limit)
        .offset(page.offset);
    },
  }),
  model: t.field({
    type: ModelRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => modelById(ctx).load(id),
  }),
}));
