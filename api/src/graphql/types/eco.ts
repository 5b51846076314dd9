/**
 * Eco figures in GraphQL: per endpoint and per model (per 1,000 output tokens at the reference
 * request), `ecoEstimate` for any request size, and the methodology as data.
 */
import {
  type EcoPer1k,
  METHODOLOGY,
  type Range,
  ecoPer1kOutputTokens,
  estimateInference,
  microToUsd,
  parseInferenceInput,
  range,
} from '@lowrouter/shared';
import { asc, sql } from 'drizzle-orm';
import type { EndpointRow } from '../../db/schema';
import { providers, regions } from '../../db/schema';
import { ecoModel, rowPue } from '../../eco/rows';
import { builder } from '../builder';
import type { Context } from '../context';
import { InvalidInputError } from './errors';
import { endpointById } from './endpoint';
import { endpointsByModel, modelById } from './model';
import { providerById } from './provider';
import { EndpointRef, ModelRef } from './refs';
import { RangeRef } from './scalars';
import { regionById } from './region';

type EndpointEco = EcoPer1k & { gridGco2ePerKwh: number; pue: { min: number; max: number } };

export async function endpointEco(ctx: Context, e: EndpointRow): Promise<EndpointEco> {
  const [m, p, r] = await Promise.all([
    modelById(ctx).load(e.modelId),
    providerById(ctx).load(e.providerId),
    regionById(ctx).load(e.regionId),
  ]);
  const pue = rowPue(p!, r!);
  return {
    ...ecoPer1kOutputTokens({ model: ecoModel(m!), pue, gridGco2ePerKwh: r!.gridGco2ePerKwh }),
    gridGco2ePerKwh: r!.gridGco2ePerKwh,
    pue,
  };
}

const span = (ranges: Range[]): Range =>
  range(Math.min(...ranges.map((x) => x.min)), Math.max(...ranges.map((x) => x.max)));

const EcoPer1kRef = builder.objectRef<EcoPer1k & { gridGco2ePerKwh?: number }>('EcoPer1k').implement({
  description:
    'Energy and carbon per 1,000 output tokens, computed at a reference request of 400 output tokens with no measured latency and scaled: a comparison index, not the energy of one 1,000-token request.',
  fields: (t) => ({
    whPer1kOutputTokens: t.field({
      type: RangeRef,
      description: 'Wh per 1,000 output tokens, reference request of 400 tokens; PUE included.',
      resolve: (e) => e.energyWh,
    }),
    gco2ePer1kOutputTokens: t.field({
      type: RangeRef,
      description: 'gCO2e per 1,000 output tokens, reference request of 400 tokens; usage phase.',
      resolve: (e) => e.gco2e,
    }),
    referenceOutputTokens: t.exposeInt('referenceOutputTokens', {
      description:
        'Output tokens of the reference request the figures were computed at, then scaled to 1,000.',
    }),
    confidence: t.exposeString('confidence', { description: 'disclosed-parameters or estimated-parameters' }),
  }),
});

builder.objectField(EndpointRef, 'eco', (t) =>
  t.field({
    description:
      'Energy and gCO2e per 1,000 output tokens on this endpoint (reference request), for comparison.',
    type: EcoPer1kRef,
    resolve: (e, _a, ctx) => endpointEco(ctx, e),
  }),
);

builder.objectField(ModelRef, 'eco', (t) =>
  t.field({
    type: EcoPer1kRef,
    nullable: true,
    description:
      "Spans the model's endpoints: the lowest min to the highest max. Null when nobody serves it.",
    resolve: async (m, _a, ctx) => {
      const eps = await endpointsByModel(ctx).load(m.id);
      if (!eps.length) return null;
      const ecos = await Promise.all(eps.map((e) => endpointEco(ctx, e)));
      return {
        energyWh: span(ecos.map((e) => e.energyWh)),
        gco2e: span(ecos.map((e) => e.gco2e)),
        // Kept in the shared shape, exposed by no field (no defensible per-token figure yet).
        gco2eEmbodied: span(ecos.map((e) => e.gco2eEmbodied)),
        referenceOutputTokens: ecos[0]!.referenceOutputTokens,
        confidence: ecos[0]!.confidence,
      };
    },
  }),
);

const MinMaxInput = builder.inputType('MinMaxInput', {
  description: 'An interval: min and max, equal for an exact figure.',
  fields: (t) => ({
    min: t.float({ description: 'Lower bound.', required: true }),
    max: t.float({ description: 'Upper bound.', required: true }),
  }),
});

const EcoEstimateInput = builder.inputType('EcoEstimateInput', {
  description:
    'Either endpointId or modelId with outputTokens (and optional latency), or the raw inputs: activeParamsB, totalParamsB, pue, gridGco2ePerKwh.',
  fields: (t) => ({
    endpointId: t.id({ description: 'Estimate on this endpoint (its model, PUE and grid).' }),
    modelId: t.id({ description: 'Estimate on every endpoint of this model; the result spans them.' }),
    outputTokens: t.int({ description: 'Output tokens of the request, 0 to 10,000,000.', required: true }),
    latencySeconds: t.float({ description: 'Measured latency; absent = not measured.' }),
    tokensPerSecond: t.float({
      description: 'Raw inputs: the model’s generation speed, tokens/s, when known.',
    }),
    ttftSeconds: t.float({ description: 'Raw inputs: time to first token, s, when known.' }),
    activeParamsB: t.field({ description: 'Raw inputs: active parameters, billions.', type: MinMaxInput }),
    totalParamsB: t.field({ description: 'Raw inputs: total parameters, billions.', type: MinMaxInput }),
    pue: t.field({ description: 'Raw inputs: data-centre PUE.', type: MinMaxInput }),
    gridGco2ePerKwh: t.float({ description: 'Raw inputs: grid intensity, gCO2e/kWh.' }),
  }),
});

interface EstimateOut {
  gpuCount: Range;
  energyPerTokenWh: Range;
  latencySeconds: Range;
  serverEnergyWh: Range;
  energyWh: Range;
  gco2e: Range;
  costUsd: Range | null;
  endpointIds: string[];
}

const EcoEstimateRef = builder.objectRef<EstimateOut>('EcoEstimate').implement({
  description:
    'One request’s estimate by the EcoLogits formula, each figure a range (spanning endpoints when a model was given).',
  fields: (t) => ({
    gpuCount: t.field({
      description: 'GPUs allocated to hold the model (a power of two).',
      type: RangeRef,
      resolve: (e) => e.gpuCount,
    }),
    energyPerTokenWh: t.field({
      type: RangeRef,
      description: 'Per GPU, Wh.',
      resolve: (e) => e.energyPerTokenWh,
    }),
    latencySeconds: t.field({
      type: RangeRef,
      description: 'Latency charged, s.',
      resolve: (e) => e.latencySeconds,
    }),
    serverEnergyWh: t.field({
      description: 'Energy of the host server without its GPUs (the request’s share), Wh, before PUE.',
      type: RangeRef,
      resolve: (e) => e.serverEnergyWh,
    }),
    energyWh: t.field({
      description: 'Request energy, Wh, PUE included: the headline energy.',
      type: RangeRef,
      resolve: (e) => e.energyWh,
    }),
    gco2e: t.field({ type: RangeRef, description: 'Usage phase, gCO2e.', resolve: (e) => e.gco2e }),
    costUsd: t.field({
      type: RangeRef,
      nullable: true,
      description: 'Upstream price of the output tokens (endpoint or model given), USD.',
      resolve: (e) => e.costUsd,
    }),
    endpointIds: t.exposeIDList('endpointIds', { description: 'Endpoints the figures span.' }),
  }),
});

const spanEstimates = (list: ReturnType<typeof estimateInference>[]) => {
  const keys = [
    'gpuCount',
    'energyPerTokenWh',
    'latencySeconds',
    'serverEnergyWh',
    'energyWh',
    'gco2e',
  ] as const;
  return Object.fromEntries(keys.map((k) => [k, span(list.map((x) => x[k]))])) as Pick<
    EstimateOut,
    (typeof keys)[number]
  >;
};

builder.queryField('ecoEstimate', (t) =>
  t.field({
    description:
      'The footprint of a request of any size on an endpoint, a model, or raw inputs, without sending it. Public.',
    type: EcoEstimateRef,
    errors: {
      types: [InvalidInputError],
      union: {
        name: 'EcoEstimateResult',
        description: 'The estimate, or InvalidInput naming the argument at fault.',
      },
      result: { description: 'The estimate, under `data`.' },
      dataField: { description: 'The estimate.' },
    },
    args: {
      input: t.arg({
        description: 'Endpoint or model with output tokens, or the raw inputs.',
        type: EcoEstimateInput,
        required: true,
      }),
    },
    resolve: async (_r, { input }, ctx) => {
      if (
        !Number.isInteger(input.outputTokens) ||
        input.outputTokens < 0 ||
        input.outputTokens > 10_000_000
      ) {
        throw new InvalidInputError(
          'outputTokens',
          'outputTokens must be a whole number from 0 to 10,000,000',
        );
      }
      const measured = input.latencySeconds ?? undefined;
      if (input.endpointId || input.modelId) {
        let eps: EndpointRow[];
        if (input.endpointId) {
          const e = await endpointById(ctx).load(input.endpointId);
          if (!e) throw new InvalidInputError('endpointId', `no endpoint ${input.endpointId}`);
          eps = [e];
        } else {
          const m = await modelById(ctx).load(input.modelId!);
          if (!m) throw new InvalidInputError('modelId', `no model ${input.modelId}`);
          eps = await endpointsByModel(ctx).load(m.id);
          if (!eps.length) throw new InvalidInputError('modelId', `no endpoint serves ${input.modelId}`);
        }
        const estimates = await Promise.all(
          eps.map(async (e) => {
            const [m, p, r] = await Promise.all([
              modelById(ctx).load(e.modelId),
              providerById(ctx).load(e.providerId),
              regionById(ctx).load(e.regionId),
            ]);
            const mi = ecoModel(m!);
            return estimateInference({
              activeParamsB: mi.activeParamsB,
              totalParamsB: mi.totalParamsB,
              outputTokens: input.outputTokens,
              latencySeconds: measured,
              tokensPerSecond: m!.tps ?? undefined,
              ttftSeconds: m!.ttftSeconds ?? undefined,
              pue: rowPue(p!, r!),
              gridGco2ePerKwh: r!.gridGco2ePerKwh,
            });
          }),
        );
        const costs = eps.map((e) => microToUsd((e.outputMicroPerMTok * input.outputTokens) / 1_000_000));
        return {
          ...spanEstimates(estimates),
          costUsd: range(Math.min(...costs), Math.max(...costs)),
          endpointIds: eps.map((e) => e.id),
        };
      }
      const parsed = parseInferenceInput({
        activeParamsB: input.activeParamsB,
        totalParamsB: input.totalParamsB,
        outputTokens: input.outputTokens,
        latencySeconds: measured,
        tokensPerSecond: input.tokensPerSecond ?? undefined,
        ttftSeconds: input.ttftSeconds ?? undefined,
        pue: input.pue,
        gridGco2ePerKwh: input.gridGco2ePerKwh,
      });
      if (!parsed.ok) throw new InvalidInputError(parsed.error.field ?? 'input', parsed.error.message);
      return { ...spanEstimates([estimateInference(parsed.input)]), costUsd: null, endpointIds: [] };
    },
  }),
);

// ------------------------------------------------------------------ methodology

const MethodologyStepRef = builder
  .objectRef<(typeof METHODOLOGY.steps)[number]>('MethodologyStep')
  .implement({
    description: 'One step of the formula, in order.',
    fields: (t) => ({
      id: t.exposeString('id', { description: 'Stable anchor of the step (`gpu-energy-per-token`).' }),
      title: t.exposeString('title', { description: 'What the step computes.' }),
      equation: t.exposeString('equation', { description: 'The equation, in plain text with its units.' }),
      text: t.exposeString('text', { description: 'What the symbols mean and where the figures come from.' }),
    }),
  });
const ConstantRef = builder
  .objectRef<(typeof METHODOLOGY.constants)[number]>('MethodologyConstant')
  .implement({
    description: 'A constant of the formula, with its unit and source.',
    fields: (t) => ({
      name: t.exposeString('name', { description: 'Name in the code (shared/src/eco/constants.ts).' }),
      symbol: t.exposeString('symbol', { description: 'Symbol used in the equations (α_E, B, …).' }),
      value: t.exposeFloat('value', { description: 'The value, at full precision.' }),
      unit: t.exposeString('unit', { description: 'Unit of the value.' }),
      meaning: t.exposeString('meaning', { description: 'What the constant stands for.' }),
      source: t.exposeString('source', { description: 'Where the value comes from.' }),
    }),
  });
const ConfidenceRuleRef = builder
  .objectRef<(typeof METHODOLOGY.confidence)[number]>('ConfidenceRule')
  .implement({
    description: 'How much to trust the model sizes behind an estimate.',
    fields: (t) => ({
      level: t.exposeString('level', {
        description:
          'The confidence value carried by eco blocks (`disclosed-parameters`, `estimated-parameters`).',
      }),
      when: t.exposeString('when', { description: 'When the level applies.' }),
      meaning: t.exposeString('meaning', { description: 'What the level means for the figures.' }),
    }),
  });
const LimitRef = builder.objectRef<(typeof METHODOLOGY.limits)[number]>('MethodologyLimit').implement({
  description: 'Something the estimate does not measure, and why.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Stable anchor of the limit (`inference-only`).' }),
    text: t.exposeString('text', { description: 'The limit, in a sentence.' }),
  }),
});
const ProviderPueRef = builder
  .objectRef<{ id: string; name: string; pueMin: number; pueMax: number; pueSource: string }>('ProviderPue')
  .implement({
    description: 'A provider’s data-centre PUE as the catalog holds it.',
    fields: (t) => ({
      providerId: t.exposeID('id', { description: 'The provider’s catalog id.' }),
      name: t.exposeString('name', { description: 'The provider’s display name.' }),
      pue: t.field({
        description: 'PUE range (dimensionless).',
        type: RangeRef,
        resolve: (p) => range(p.pueMin, p.pueMax),
      }),
      source: t.exposeString('pueSource', { description: 'Where the PUE figure comes from.' }),
    }),
  });
const GridSourceRef = builder
  .objectRef<{ source: string; year: number; basis: string; regions: number }>('GridSource')
  .implement({
    description: 'A source of grid intensity figures used by catalog regions now.',
    fields: (t) => ({
      source: t.exposeString('source', { description: 'Publisher, dataset and licence.' }),
      year: t.exposeInt('year', { description: 'Year the figures describe.' }),
      basis: t.exposeString('basis', { description: 'lifecycle (includes upstream emissions) or direct.' }),
      regions: t.exposeInt('regions', { description: 'How many catalog regions use it.' }),
    }),
  });

const MethodologySourceRef = builder.objectRef<typeof METHODOLOGY.source>('MethodologySource').implement({
  description: 'The EcoLogits source the formula is ported from, pinned to one commit.',
  fields: (t) => ({
    repository: t.exposeString('repository', { description: 'Repository URL.' }),
    commit: t.exposeString('commit', { description: 'Full commit hash the port follows.' }),
    commitDate: t.exposeString('commitDate', { description: 'Date of that commit.' }),
    file: t.exposeString('file', { description: 'File of the formula in that repository.' }),
    license: t.exposeString('license', { description: 'Licence of the source.' }),
  }),
});

const MethodologyRef = builder.objectRef<typeof METHODOLOGY>('Methodology').implement({
  description: 'How every eco figure is computed: formula, constants, sources, confidence and stated limits.',
  fields: (t) => ({
    version: t.exposeString('version', {
      description: 'Methodology version carried by every eco block (`ecologits-<commit>`).',
    }),
    title: t.exposeString('title', { description: 'Title of the methodology.' }),
    summary: t.exposeString('summary', { description: 'The method in two sentences.' }),
    source: t.field({
      description: 'The pinned EcoLogits source.',
      type: MethodologySourceRef,
      resolve: (m) => m.source,
    }),
    units: t.exposeString('units', { description: 'Units of the figures.' }),
    steps: t.field({
      description: 'The formula, step by step.',
      type: [MethodologyStepRef],
      resolve: (m) => [...m.steps],
    }),
    constants: t.field({
      description: 'Every constant, with unit and source.',
      type: [ConstantRef],
      resolve: (m) => [...m.constants],
    }),
    rangeSemantics: t.stringList({
      description: 'What min, max and mid of a range mean.',
      resolve: (m) => [...m.rangeSemantics],
    }),
    confidence: t.field({
      description: 'The confidence levels and when each applies.',
      type: [ConfidenceRuleRef],
      resolve: (m) => [...m.confidence],
    }),
    limits: t.field({
      description: 'What is not measured, and why.',
      type: [LimitRef],
      resolve: (m) => [...m.limits],
    }),
    referenceRequest: t.string({
      description: 'How per-1,000-output-token comparison figures are computed.',
      resolve: (m) => m.referenceRequest.text,
    }),
    providerPue: t.field({
      description: 'Every provider’s PUE from the catalog.',
      type: [ProviderPueRef],
      resolve: (_m, _a, ctx) => ctx.db.select().from(providers).orderBy(asc(providers.id)),
    }),
    gridSources: t.field({
      description: 'Grid intensity sources in use, with the number of regions each covers.',
      type: [GridSourceRef],
      resolve: async (_m, _a, ctx) =>
        ctx.db
          .select({
            source: regions.gridSource,
            year: regions.gridYear,
            basis: regions.gridBasis,
            regions: sql<number>`count(*)::int`,
          })
          .from(regions)
          .groupBy(regions.gridSource, regions.gridYear, regions.gridBasis)
          .orderBy(asc(regions.gridSource)),
    }),
  }),
});

builder.queryField('methodology', (t) =>
  t.field({
    type: MethodologyRef,
    description: 'How every eco figure is computed, as data (the docs page renders the same). Public.',
    resolve: () => METHODOLOGY,
  }),
);
