/**
 * Regenerates data/{providers,regions,models,endpoints}.json and data/MODEL-LIMITS.md from the reference
 * snapshot (default /work/shared/reference, or the first CLI argument) and the specs in ./spec.
 * Maintenance tool: `node_modules/.bin/tsx data/scripts/build-catalog.ts [referenceDir]`.
 * Tests never run it; they read the committed JSON.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Catalog,
  type Endpoint,
  EndpointSchema,
  type Model,
  ModelSchema,
  ProviderSchema,
  type Region,
  RegionSchema,
} from '@lowrouter/shared/catalog';
import { z } from 'zod';
import { checkCatalog } from '../src/check-catalog';
import { denseEquivalentSizeB, expectedTier, referenceOutputPriceUsd } from '../src/tier';
import { parseCsv } from './lib/csv';
import { endpointSpecs, type PriceRef } from './spec/endpoints';
import { modelSpecs } from './spec/models';
import { providers } from './spec/providers';
import { type RegionPick, regionPicks } from './spec/regions';
import {
  ECOLOGITS_COMMIT,
  ECOLOGITS_DATE,
  ECOLOGITS_MODELS,
  EM_2024,
  EMBER_2024,
  LOCATION_SOURCES,
  READ_DATE,
  REF_PRICING,
  REF_REGIONS,
} from './spec/sources';

const dataDir = join(dirname(fileURLToPath(import.meta.url)), '..');
const refDir = process.argv[2] ?? '/work/shared/reference';
const read = (p: string) => readFileSync(join(refDir, p), 'utf8');

const regionRows = parseCsv(read('grid/regions.csv'));
const countryRows = parseCsv(read('grid/countries.csv'));
const priceRows = parseCsv(read('pricing.csv'));
const eco = JSON.parse(read('ecologits/models.json')) as { models: EcoModel[] };

interface EcoModel {
  provider: string;
  name: string;
  architecture:
    | { type: 'dense'; parameters: number | { min: number; max: number } }
    | { type: 'moe'; parameters: { total: number; active: number | { min: number; max: number } } };
  warnings: string[] | null;
  deployment?: { tps: number | null; ttft: number | null };
}

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;
const range = (v: number | { min: number; max: number }) => (typeof v === 'number' ? { min: v, max: v } : v);
const must = <T>(v: T | undefined, what: string): T => {
  if (v === undefined) throw new Error(`reference data lacks ${what}`);
  return v;
};

// ---------------------------------------------------------------- regions

function regionPue(row: Record<string, string>): { min: number; max: number } | undefined {
  const scope = row.pue_scope ?? '';
  if (!/^(design|campus|per datacenter)/.test(scope)) return undefined;
  const m = /^(\d+(?:\.\d+)?)(?:-(\d+(?:\.\d+)?))?/.exec(row.pue ?? '');
  if (!m) return undefined;
  return { min: Number(m[1]), max: Number(m[2] ?? m[1]) };
}

function gridFor(row: Record<string, string>, pick: RegionPick): Region['gridIntensity'] & { zone: string } {
  if (pick.useCountryZone) {
    const c = must(
      countryRows.find((r) => r.iso2 === row.country),
      `country ${row.country}`,
    );
    return {
      gco2ePerKwh: Number(c.alt_electricitymaps_2024),
      year: 2024,
      source: `${EM_2024}, country zone ${c.alt_electricitymaps_zone}`,
      basis: 'lifecycle',
      zone: c.alt_electricitymaps_zone ?? row.country ?? '',
    };
  }
  if ((row.source ?? '').startsWith('Ember EU-27')) {
    return {
      gco2ePerKwh: Number(row.gco2e_per_kwh),
      year: Number(row.year),
      source: `${EMBER_2024}, EU-27 aggregate (no site disclosed; Ember production-based, unlike the Electricity Maps consumption-based zones)`,
      basis: 'lifecycle',
      zone: 'EU27',
    };
  }
  if (!(row.source ?? '').startsWith('Electricity Maps'))
    throw new Error(`unexpected grid source ${row.source}`);
  const zone = row.grid_zone || row.country || '';
  return {
    gco2ePerKwh: Number(row.gco2e_per_kwh),
    year: Number(row.year),
    source: `${EM_2024}, zone ${zone}${row.grid_zone ? '' : ' (country zone, no site known)'}`,
    basis: 'lifecycle',
    zone,
  };
}

function buildRegion(pick: RegionPick): Region {
  const row = must(
    regionRows.find((r) => r.provider === pick.csvProvider && r.region_id === pick.csvRegion),
    `regions.csv row ${pick.csvProvider}/${pick.csvRegion}`,
  );
  const { zone, ...gridIntensity } = gridFor(row, pick);
  // A campus PUE says nothing about a service that may run anywhere in the country.
  const pue = pick.useCountryZone ? undefined : regionPue(row);
  // Documented only with a provider page to cite; the reference row alone is not a provider's word.
  const located = LOCATION_SOURCES[pick.providerId];
  const documented =
    !pick.assumedBecause && located !== undefined && (row.location_confidence ?? '').startsWith('documented');
  const noteParts = [
    pick.assumedBecause,
    documented ? located?.says : `Reference location confidence: ${row.location_confidence}.`,
    !documented && !pick.assumedBecause && !located
      ? `No ${pick.providerId} page found that says where its API processes requests.`
      : undefined,
    `Site: ${row.site}.`,
    row.note,
  ].filter((s): s is string => Boolean(s));
  const pueText = pue ? ` Region PUE ${row.pue} (${row.pue_scope}): ${row.pue_source}.` : '';
  return {
    id: `${pick.providerId}:${pick.providerRegionId}`,
    providerId: pick.providerId,
    providerRegionId: pick.providerRegionId,
    name: row.display_name ?? pick.providerRegionId,
    country: row.country ?? '',
    gridZone: zone,
    gridIntensity,
    ...(pue ? { pue } : {}),
    locationConfidence: documented ? 'documented' : 'assumed',
    ...(documented && located ? { locationSource: located.url } : {}),
    locationNote: noteParts.join(' '),
    source: {
      source: `${REF_REGIONS}, row ${pick.csvProvider}/${pick.csvRegion}; zone mapping: ${row.zone_mapping_basis || 'country zone'}.${pueText}`,
      date: READ_DATE,
    },
  };
}

function extraRegions(): Region[] {
  const us = must(
    countryRows.find((r) => r.iso2 === 'US'),
    'US row',
  );
  const world = must(
    countryRows.find((r) => r.iso3 === 'WLD' && (r.source ?? '').startsWith('Ember')),
    'Ember world row',
  );
  const local = (providerId: string): Region => ({
    id: `${providerId}:local`,
    providerId,
    providerRegionId: 'local',
    name: 'Operator site (unknown location)',
    country: 'ZZ',
    gridZone: 'WORLD',
    gridIntensity: {
      gco2ePerKwh: Number(world.gco2e_per_kwh),
      year: Number(world.year),
      source: `${EMBER_2024}, World aggregate; placeholder until the operator sets the site's grid factor`,
      basis: 'lifecycle',
    },
    locationConfidence: 'assumed',
    locationNote:
      "Self-hosted: the location is the operator's. Country ZZ (unknown) and the Ember world average are placeholders; set the real zone and factor with `lowrouter grid import` (e.g. an Electricity Maps zone, or IEA factors if you hold an IEA licence).",
    source: {
      source: 'LowRouter reference grid/countries.csv, World (aggregate) Ember row',
      date: READ_DATE,
    },
  });
  return [
    {
      id: 'google:global',
      providerId: 'google',
      providerRegionId: 'global',
      name: 'Gemini API (location not disclosed)',
      country: 'US',
      gridZone: us.alt_electricitymaps_zone ?? 'US',
      gridIntensity: {
        gco2ePerKwh: Number(us.alt_electricitymaps_2024),
        year: 2024,
        source: `${EM_2024}, country zone US (no site known; same basis as the other regions)`,
        basis: 'lifecycle',
      },
      locationConfidence: 'assumed',
      locationNote:
        'Google does not say where Gemini API requests run; EcoLogits assumes the USA for google_genai, so the US country figure is used.',
      source: {
        source: `LowRouter reference grid/countries.csv, US row (alt_electricitymaps_2024); location default from EcoLogits PROVIDER_CONFIG_MAP google_genai (USA), ${ECOLOGITS_COMMIT}`,
        date: READ_DATE,
      },
    },
    local('vllm'),
    local('ollama'),
  ];
}

// ---------------------------------------------------------------- prices

interface ResolvedPrice {
  input: number;
  output: number;
  cachedInput?: number;
  source: string;
  date: string;
  notes: string[];
}

function normaliseDate(raw: string): { date: string; note?: string } {
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) return { date: raw };
  const snap = /snapshot (\d{4}-\d{2}-\d{2})/.exec(raw);
  if (raw.startsWith('not checked') && snap?.[1]) {
    return {
      date: snap[1],
      note: 'genai-prices gives no prices_checked for this row; date is the genai-prices snapshot date.',
    };
  }
  const le = /^<=(\d{4}-\d{2}-\d{2})/.exec(raw);
  if (le?.[1])
    return {
      date: le[1],
      note: 'From the LiteLLM price file copied on that date; the price held on or before it.',
    };
  return { date: READ_DATE, note: `Upstream gives no day ("${raw}"); date is the day it was read.` };
}

function resolvePrice(ref: PriceRef): ResolvedPrice {
  if (ref.kind === 'selfHosted') {
    return {
      input: 0,
      output: 0,
      source:
        'Self-hosted (operator-run): no upstream per-token charge; operators who account internal cost set their own price',
      date: READ_DATE,
      notes: [],
    };
  }
  let base: ResolvedPrice;
  if (ref.kind === 'manual') {
    base = {
      input: ref.input,
      output: ref.output,
      cachedInput: ref.cachedInput,
      source: ref.source,
      date: ref.date,
      notes: [],
    };
  } else {
    const row = must(
      priceRows.find((r) => r.host === ref.host && r.host_model_id === ref.hostModelId),
      `pricing.csv row ${ref.host} / ${ref.hostModelId}`,
    );
    const { date, note } = normaliseDate(row.price_date ?? '');
    const cached = /cached input (?:\{'base': )?([\d.]+)/.exec(row.price_notes ?? '');
    const notes = [note, row.discrepancy ? `Cross-check: ${row.discrepancy}` : undefined].filter(
      (s): s is string => Boolean(s),
    );
    const upstream = (row.price_notes ?? '')
      .split('; ')
      .filter((part) => part && !part.startsWith('cached input') && part !== 'newer than brief');
    if (upstream.length > 0) notes.push(`Upstream notes: ${upstream.join('; ')}.`);
    base = {
      input: Number(row.input_usd_per_mtok),
      output: Number(row.output_usd_per_mtok),
      cachedInput: cached?.[1] ? Number(cached[1]) : undefined,
      source: `${row.price_source}; via ${REF_PRICING} (${ref.host} / ${ref.hostModelId})`,
      date,
      notes,
    };
  }
  if (!ref.multiplier) return base;
  const f = ref.multiplier.factor;
  return {
    input: round6(base.input * f),
    output: round6(base.output * f),
    cachedInput: base.cachedInput === undefined ? undefined : round6(base.cachedInput * f),
    source: `${base.source}; x${f}: ${ref.multiplier.why}`,
    date: base.date,
    notes: [`Price = upstream list price x ${f}, see price.source.`, ...base.notes],
  };
}

const ANTHROPIC_CACHE_WRITE =
  'cache write (5-minute TTL) = 1.25 x input per Anthropic pricing, as in anomalyco/models.dev providers/anthropic/models/*.toml [cost] cache_write';

function buildEndpoints(): Endpoint[] {
  return endpointSpecs.flatMap((spec) => {
    const price = resolvePrice(spec.price);
    const cacheWrite = spec.providerId === 'anthropic' ? round6(price.input * 1.25) : undefined;
    return spec.regions.map((providerRegionId): Endpoint => {
      const regionId = `${spec.providerId}:${providerRegionId}`;
      const notes = [spec.notes, ...price.notes].filter((s): s is string => Boolean(s)).join(' ');
      return {
        id: `${spec.modelId}@${regionId}`,
        modelId: spec.modelId,
        providerId: spec.providerId,
        regionId,
        upstreamModel: spec.upstreamModel,
        inputPerMTokUsd: price.input,
        outputPerMTokUsd: price.output,
        ...(price.cachedInput !== undefined ? { cachedInputPerMTokUsd: price.cachedInput } : {}),
        ...(cacheWrite !== undefined ? { cacheWritePerMTokUsd: cacheWrite } : {}),
        price: {
          source: cacheWrite !== undefined ? `${price.source}; ${ANTHROPIC_CACHE_WRITE}` : price.source,
          date: price.date,
        },
        ...(notes ? { notes } : {}),
      };
    });
  });
}

// ---------------------------------------------------------------- models

function buildModels(endpoints: Endpoint[]): Model[] {
  return modelSpecs.map((spec) => {
    const entry = spec.eco
      ? must(
          eco.models.find((m) => m.provider === spec.eco?.provider && m.name === spec.eco?.name),
          `EcoLogits model ${spec.eco.provider}/${spec.eco.name}`,
        )
      : undefined;
    let architecture: Model['architecture'];
    let active: { min: number; max: number };
    let total: { min: number; max: number };
    let paramsSource: Model['paramsSource'];
    if (spec.params) {
      architecture = spec.params.architecture;
      active = { min: spec.params.activeB, max: spec.params.activeB };
      total = { min: spec.params.totalB, max: spec.params.totalB };
      paramsSource = { source: spec.params.source, date: spec.params.date };
    } else {
      const a = must(entry, `params for ${spec.id}`).architecture;
      architecture = a.type;
      if (a.type === 'dense') {
        active = range(a.parameters);
        total = range(a.parameters);
      } else {
        active = range(a.parameters.active);
        total = range(a.parameters.total);
      }
      const warnings = entry?.warnings?.length ? `; warnings: ${entry.warnings.join(', ')}` : '';
      const reused =
        !spec.openWeights && !entry?.warnings?.includes('model-arch-not-released')
          ? '; weights of this version are not released, EcoLogits reuses the size of the last open release'
          : '';
      paramsSource = {
        source: `EcoLogits models.json entry ${spec.eco?.provider}/${spec.eco?.name}${warnings}${reused}; ${ECOLOGITS_MODELS}`,
        date: ECOLOGITS_DATE,
      };
    }
    const dep = entry?.deployment;
    const model: Model = {
      id: spec.id,
      name: spec.name,
      vendor: spec.vendor,
      architecture,
      openWeights: spec.openWeights,
      activeParamsB: active,
      totalParamsB: total,
      paramsConfidence: spec.openWeights ? 'disclosed' : 'estimated',
      paramsSource,
      contextWindow: spec.contextWindow.value,
      maxOutputTokens: spec.maxOutputTokens.value,
      tier: 'small',
      toolCalling: spec.toolCalling,
      vision: spec.vision,
      ...(dep?.tps && dep.ttft !== null && dep.ttft !== undefined
        ? {
            deployment: {
              tps: dep.tps,
              ttftSeconds: dep.ttft,
              source: `EcoLogits models.json ${spec.eco?.provider}/${spec.eco?.name} deployment (OpenRouter statistics), ${ECOLOGITS_COMMIT}`,
            },
          }
        : {}),
      aliases: spec.aliases,
    };
    model.tier = expectedTier(model, endpoints, providers);
    return model;
  });
}

// ---------------------------------------------------------------- assemble, check, write

const endpoints = buildEndpoints();
const catalog: Catalog = {
  providers: z.array(ProviderSchema).parse(providers),
  regions: z.array(RegionSchema).parse([...regionPicks.map(buildRegion), ...extraRegions()]),
  models: z.array(ModelSchema).parse(buildModels(endpoints)),
  endpoints: z.array(EndpointSchema).parse(endpoints),
};
const problems = checkCatalog(catalog);
if (problems.length > 0) {
  console.error(`catalog has problems:\n- ${problems.join('\n- ')}`);
  process.exit(1);
}
for (const [file, rows] of Object.entries(catalog)) {
  writeFileSync(join(dataDir, `${file}.json`), `${JSON.stringify(rows, null, 2)}\n`);
}

const limits = [
  '# Model limits, sizes and tiers',
  '',
  'Generated by `data/scripts/build-catalog.ts`; do not edit. Context windows follow reference pricing.csv where it',
  'lists the model, otherwise models.dev; max output tokens follow models.dev (MIT). S = dense-equivalent size',
  '(billions), P = reference output price (USD per 1M tokens); the tier rule is in data/README.md.',
  '',
  '| model | context window (source) | max output (source) | S (B) | P (USD/MTok) | tier |',
  '|---|---|---|---|---|---|',
  ...modelSpecs.map((s) => {
    const m = must(
      catalog.models.find((x) => x.id === s.id),
      s.id,
    );
    const p = referenceOutputPriceUsd(m, catalog.endpoints, catalog.providers);
    return `| ${m.id} | ${s.contextWindow.value} (${s.contextWindow.source}) | ${s.maxOutputTokens.value} (${s.maxOutputTokens.source}) | ${denseEquivalentSizeB(m).toFixed(1)} | ${p ?? '-'} | ${m.tier} |`;
  }),
  '',
];
writeFileSync(join(dataDir, 'MODEL-LIMITS.md'), limits.join('\n'));

console.log(
  `wrote ${catalog.providers.length} providers, ${catalog.regions.length} regions, ${catalog.models.length} models, ${catalog.endpoints.length} endpoints`,
);
