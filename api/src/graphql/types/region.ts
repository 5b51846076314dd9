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
      year: t.exposeInt('year', { description: 'The year the annual average describes.' }),
      source: t.exposeString('source', { description: 'Publisher, dataset and licence of the figure.' }),
      basis: t.exposeString('basis', { description: 'lifecycle (includes upstream emissions) or direct.' }),
      origin: t.exposeString('origin', {
        description: '`catalog`, or the id of the operator grid import that set it.',
      }),
    }),
  });

RegionRef.implement({
  description: 'A provider region: where requests are served, with its grid carbon intensity.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Catalog id, `<provider>:<providerRegionId>` (`scaleway:fr-par`).' }),
    providerRegionId: t.exposeString('providerRegionId', {
      description: "The provider's own region name, as sent upstream (`eu-west-3`, `francecentral`).",
    }),
    name: t.exposeString('name', { description: 'Display name of the region.' }),
    country: t.exposeString('country', { description: 'ISO 3166-1 alpha-2; ZZ when unknown.' }),
    gridZone: t.exposeString('gridZone', {
      description: 'Electricity Maps zone or country code the grid intensity refers to.',
    }),
    provider: t.field({
      description: 'The provider that operates the region.',
      type: ProviderRef,
      resolve: async (r, _a, ctx) => (await providerById(ctx).load(r.providerId))!,
    }),
    gridIntensity: t.field({
      description: 'The grid carbon intensity used for requests served here now (past requests keep theirs).',
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
    locationNote: t.exposeString('locationNote', {
      description: 'Why the location is assumed or how it was established, when there is something to say.',
      nullable: true,
    }),
    source: t.exposeString('source', {
      description: 'Where the region and its location come from (provider documentation and date).',
    }),
  }),
});

const RegionFilter = builder.inputType('RegionFilter', {
  description: 'Narrows `regions`; every given field must match.',
  fields: (t) => ({
    country: t.string({ description: 'ISO 3166-1 alpha-2' }),
    provider: t.id({ description: 'Only regions of this provider id.' }),
    maxGco2ePerKwh: t.float({
      description: 'Only regions whose grid intensity is at most this many gCO2e/kWh.',
    }),
  }),
});

builder.queryFields((t) => ({
  regions: t.field({
    description: 'Catalog regions, by id, optionally filtered. Public.',
    type: [RegionRef],
    args: {
      filter: t.arg({ description: 'Country, provider or grid-intensity bounds.', type: RegionFilter }),
    },
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
    description: 'One region by id, or null when there is none. Public.',
    type: RegionRef,
    nullable: true,
    args: { id: t.arg.id({ description: 'A region id, e.g. `scaleway:fr-par`.', required: true }) },
    resolve: (_r, { id }, ctx) => regionById(ctx).load(id),
  }),
}));
