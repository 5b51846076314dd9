import { type SQL, and, asc, eq, inArray, lte } from 'drizzle-orm';
import { type RegionRow, regions } from '../../db/schema';
import { builder } from '../builder';
import { type Context, byKey, loaderFor } from '../context';
import { providerById } from './provider';
import { MinMaxRef } from './scalars';
import { ProviderRef, RegionRef } from './refs';

export const regionById = (ctx: Context) =>
  loaderFor<string, RegionRow | null>(ctx, 'regionById', async (ids) =>
    byKey(
      ids,
      await ctx.db
        .select()
        .from(regions)
        .where(inArray(regions.id, [...ids])),
      (r) => r.id,
    ),
  );

const GridIntensityRef = builder
  .objectRef<{ gco2ePerKwh: number; year: number; source: string; basis: string; origin: string }>(
    'GridIntensity',
  )
  .implement({
    description: 'Annual-average carbon intensity of the electricity grid the region draws from.',
    fields: (t) => ({
      gco2ePerKwh: t.exposeFloat('gco2ePerKwh', { description: 'gCO2e per kWh.' }),
      year: t.exposeInt('year'),
      source: t.exposeString('source'),
      basis: t.exposeString('basis', { description: 'lifecycle (includes upstream emissions) or direct.' }),
      origin: t.exposeString('origin', {
        description: '`catalog`, or the id of the operator grid import that set it.',
      }),
    }),
  });

RegionRef.implement({
  description: 'A provider region: where requests are served, with its grid carbon intensity.',
  fields: (t) => ({
    id: t.exposeID('id'),
    providerRegionId: t.exposeString('providerRegionId'),
    name: t.exposeString('name'),
    country: t.exposeString('country', { description: 'ISO 3166-1 alpha-2; ZZ when unknown.' }),
    gridZone: t.exposeString('gridZone'),
    provider: t.field({
      type: ProviderRef,
      resolve: async (r, _a, ctx) => (await providerById(ctx).load(r.providerId))!,
    }),
    gridIntensity: t.field({
      type: GridIntensityRef,
      resolve: (r) => ({
        gco2ePerKwh: r.gridGco2ePerKwh,
        year: r.gridYear,
        source: r.gridSource,
        basis: r.gridBasis,
        origin: r.gridOrigin,
      }),
    }),
    pue: t.field({
      type: MinMaxRef,
      description:
        "PUE of the region's data centres; the provider's fleet PUE when not disclosed per region.",
      resolve: async (r, _a, ctx) => {
        if (r.pueMin !== null && r.pueMax !== null) return { min: r.pueMin, max: r.pueMax };
        const p = (await providerById(ctx).load(r.providerId))!;
        return { min: p.pueMin, max: p.pueMax };
      },
    }),
    locationConfidence: t.exposeString('locationConfidence', {
      description:
        '`documented` when a provider page says where it processes data (`locationSource`), `assumed` otherwise (`locationNote` says why). Strict residency admits documented locations only.',
    }),
    locationSource: t.exposeString('locationSource', {
      nullable: true,
      description: "URL of the provider's page that says where it processes data (documented locations).",
    }),
    locationNote: t.exposeString('locationNote', { nullable: true }),
    source: t.exposeString('source'),
  }),
});

const RegionFilter = builder.inputType('RegionFilter', {
  fields: (t) => ({
    country: t.string({ description: 'ISO 3166-1 alpha-2' }),
    provider: t.id(),
    maxGco2ePerKwh: t.float(),
  }),
});

builder.queryFields((t) => ({
  regions: t.field({
    type: [RegionRef],
    args: { filter: t.arg({ type: RegionFilter }) },
    resolve: (_r, { filter }, ctx) => {
      const where: SQL[] = [];
      if (filter?.country) where.push(eq(regions.country, filter.country.toUpperCase()));
      if (filter?.provider) where.push(eq(regions.providerId, filter.provider));
      if (filter?.maxGco2ePerKwh != null) where.push(lte(regions.gridGco2ePerKwh, filter.maxGco2ePerKwh));
      return ctx.db
        .select()
        .from(regions)
        .where(and(...where))
        .orderBy(asc(regions.id));
    },
  }),
  region: t.field({
    type: RegionRef,
    nullable: true,
    args: { id: t.arg.id({ required: true }) },
    resolve: (_r, { id }, ctx) => regionById(ctx).load(id),
  }),
}));
