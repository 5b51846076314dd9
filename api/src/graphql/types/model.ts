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
  values: {
    small: { description: 'Short, simple tasks: chat, extraction, classification.' },
    medium: { description: 'Code, mathematics, tools, structured output, multi-step instructions.' },
    large: { description: 'Proofs, careful reasoning, long prompts, many tools or deep conversations.' },
    frontier: {
      description: 'The most capable models; auto reaches it only when a large task also combines demands.',
    },
  } as const,
});

ModelRef.implement({
  description:
    'A model, whoever serves it. Parameters in billions; closed models carry EcoLogits estimate ranges.',
  fields: (t) => ({
    id: t.exposeID('id', {
      description: 'Catalog id, `<vendor>/<model>` (`openai/gpt-4o-mini`); what requests name in `model`.',
    }),
    name: t.exposeString('name', { description: 'Display name.' }),
    vendor: t.exposeString('vendor', { description: 'Who made the model (not who serves it).' }),
    tier: t.field({
      description: 'Capability tier, used by lowrouter/auto.',
      type: TierEnum,
      resolve: (m) => m.tier as 'small',
    }),
    architecture: t.exposeString('architecture', { description: 'dense or moe' }),
    openWeights: t.exposeBoolean('openWeights', {
      description: 'True when the weights are published (parameter counts are then disclosed).',
    }),
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
    paramsSource: t.exposeString('paramsSource', {
      description: 'Where the parameter counts come from (model card, or the EcoLogits estimate).',
    }),
    contextWindow: t.exposeInt('contextWindow', { description: 'tokens' }),
    maxOutputTokens: t.exposeInt('maxOutputTokens', {
      description:
        'Most output tokens one request may ask for; the credit hold uses it when a request sets no max_tokens.',
    }),
    toolCalling: t.exposeBoolean('toolCalling', {
      description: 'True when the model can call tools (function calling).',
    }),
    vision: t.exposeBoolean('vision', { description: 'True when the model accepts images.' }),
    tokensPerSecond: t.exposeFloat('tps', {
      nullable: true,
      description: 'Upstream throughput (EcoLogits), tokens/s.',
    }),
    ttftSeconds: t.exposeFloat('ttftSeconds', {
      description: 'Time to first token, seconds, from EcoLogits deployment data; null when unknown.',
      nullable: true,
    }),
    aliases: t.exposeStringList('aliases', {
      description: 'Upstream names that also resolve to this model (`gpt-4o-mini`).',
    }),
    endpoints: t.field({
      description: 'Active endpoints (provider × region) serving this model, by id.',
      type: [EndpointRef],
      resolve: (m, _a, ctx) => endpointsByModel(ctx).load(m.id),
    }),
  }),
});

const ModelFilter = builder.inputType('ModelFilter', {
  description: 'Narrows `models`; every given field must match.',
  fields: (t) => ({
    provider: t.id({ description: 'Only models served by this provider.' }),
    region: t.id({ description: 'Only models served in this region.' }),
    tier: t.field({ description: 'Only models of this tier.', type: TierEnum }),
    openWeights: t.boolean({ description: 'Only open-weight (true) or closed (false) models.' }),
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
      filter: t.arg({ description: 'Vendor, tier or open-weights conditions.', type: ModelFilter }),
      limit: t.arg.int({ description: 'Page size: 1 to 500 (default 500).' }),
      offset: t.arg.int({ description: 'Models to skip, for paging.' }),
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
    description: 'One model by catalog id, or null. Public.',
    type: ModelRef,
    nullable: true,
    args: { id: t.arg.id({ description: 'A catalog model id, e.g. `openai/gpt-4o-mini`.', required: true }) },
    resolve: (_r, { id }, ctx) => modelById(ctx).load(id),
  }),
}));
