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
    id: t.exposeID('id', {
      description: 'Catalog id, lower-case (`mistral`, `aws-bedrock`); the prefix of its region ids.',
    }),
    name: t.exposeString('name', { description: 'Display name, e.g. "Mistral AI (La Plateforme)".' }),
    protocol: t.exposeString('protocol', {
      description: 'Wire protocol: openai, anthropic, mistral or gemini.',
    }),
    baseUrl: t.exposeString('baseUrl', {
      description:
        'Upstream base URL from the catalog (LOWROUTER_<PROVIDER>_BASE_URL overrides it at run time).',
    }),
    auth: t.exposeString('auth', {
      description: 'How the credential is sent upstream (e.g. bearer header, api-key header).',
    }),
    selfHosted: t.exposeBoolean('selfHosted', {
      description:
        'True for servers you run (vLLM, Ollama): they need a base URL and carry the operator site’s grid figure.',
    }),
    pue: t.field({
      type: MinMaxRef,
      description: 'Data-centre power usage effectiveness (dimensionless).',
      resolve: (p) => ({ min: p.pueMin, max: p.pueMax }),
    }),
    pueSource: t.exposeString('pueSource', {
      description: 'Where the PUE figure comes from (publication and date).',
    }),
    regions: t.field({
      type: [RegionRef],
      description: 'Regions this provider serves from, by id.',
      resolve: (p, _a, ctx) => regionsByProvider(ctx).load(p.id),
    }),
    endpoints: t.field({
      type: [EndpointRef],
      description: 'Active endpoints (model × region) this provider serves, by id.',
      resolve: (p, _a, ctx) => endpointsByProvider(ctx).load(p.id),
    }),
  }),
});

builder.queryFields((t) => ({
  providers: t.field({
    type: [ProviderRef],
    description: 'Every catalog provider, by id. Public.',
    resolve: (_r, _a, ctx) => ctx.db.select().from(providers).orderBy(asc(providers.id)),
  }),
  provider: t.field({
    type: ProviderRef,
    nullable: true,
    description: 'One provider by id, or null when the catalog has none with that id. Public.',
    args: { id: t.arg.id({ required: true, description: 'A provider id, e.g. `mistral`.' }) },
    resolve: async (_r, { id }, ctx) =>
      (await ctx.db.select().from(providers).where(eq(providers.id, id)))[0] ?? null,
  }),
}));
