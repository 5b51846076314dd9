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
    referenceOutputTokens: t.exposeInt('referenceOutputTokens'),
    confidence: t.exposeString('confidence', { description: 'disclosed-parameters or estimated-parameters' }),
  }),
});

builder.objectField(EndpointRef, 'eco', (t) =>
  t.field({ type: EcoPer1kRef, resolve: (e, _a, ctx) => endpointEco(ctx, e) }),
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
  fields: (t) => ({ min: t.float({ required: true }), max: t.float({ required: true }) }),
});

const EcoEstimateInput = builder.inputType('EcoEstimateInput', {
  description:
    'Either endpointId or modelId with outputTokens (and optional latency), or the raw inputs: activeParamsB, totalParamsB, pue, gridGco2ePerKwh.',
  fields: (t) => ({
    endpointId: t.id(),
    modelId: t.id(),
    outputTokens: t.int({ required: true }),
    latencySeconds: t.float({ description: 'Measured latency; absent = not measured.' }),
    tokensPerSecond: t.float(),
    ttftSeconds: t.float(),
    activeParamsB: t.field({ type: MinMaxInput }),
    totalParamsB: t.field({ type: MinMaxInput }),
    pue: t.field({ type: MinMaxInput }),
    gridGco2ePerKwh: t.float(),
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
  fields: (t) => ({
    gpuCount: t.field({ type: RangeRef, resolve: (e) => e.gpuCount }),
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
    serverEnergyWh: t.field({ type: RangeRef, resolve: (e) => e.serverEnergyWh }),
    energyWh: t.field({ type: RangeRef, resolve: (e) => e.energyWh }),
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
    type: EcoEstimateRef,
    errors: { types: [InvalidInputError], union: { name: 'EcoEstimateResult' } },
    args: { input: t.arg({ type: EcoEstimateInput, required: true }) },
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
    fields: (t) => ({
      id: t.exposeString('id'),
      title: t.exposeString('title'),
      equation: t.exposeString('equation'),
      text: t.exposeString('text'),
    }),
  });
const ConstantRef = builder
  .objectRef<(typeof METHODOLOGY.constants)[number]>('MethodologyConstant')
  .implement({
    fields: (t) => ({
      name: t.exposeString('name'),
      symbol: t.exposeString('symbol'),
      value: t.exposeFloat('value'),
      unit: t.exposeString('unit'),
      meaning: t.exposeString('meaning'),
      source: t.exposeString('source'),
    }),
  });
const ConfidenceRuleRef = builder
  .objectRef<(typeof METHODOLOGY.confidence)[number]>('ConfidenceRule')
  .implement({
    fields: (t) => ({
      level: t.exposeString('level'),
      when: t.exposeString('when'),
      meaning: t.exposeString('meaning'),
    }),
  });
const LimitRef = builder.objectRef<(typeof METHODOLOGY.limits)[number]>('MethodologyLimit').implement({
  fields: (t) => ({ id: t.exposeString('id'), text: t.exposeString('text') }),
});
const ProviderPueRef = builder
  .objectRef<{ id: string; name: string; pueMin: number; pueMax: number; pueSource: string }>('ProviderPue')
  .implement({
    fields: (t) => ({
      providerId: t.exposeID('id'),
      name: t.exposeString('name'),
      pue: t.field({ type: RangeRef, resolve: (p) => range(p.pueMin, p.pueMax) }),
      source: t.exposeString('pueSource'),
    }),
  });
const GridSourceRef = builder
  .objectRef<{ source: string; year: number; basis: string; regions: number }>('GridSource')
  .implement({
    fields: (t) => ({
      source: t.exposeString('source'),
      year: t.exposeInt('year'),
      basis: t.exposeString('basis'),
      regions: t.exposeInt('regions', { description: 'How many catalog regions use it.' }),
    }),
  });

const MethodologySourceRef = builder.objectRef<typeof METHODOLOGY.source>('MethodologySource').implement({
  fields: (t) => ({
    repository: t.exposeString('repository'),
    commit: t.exposeString('commit'),
    commitDate: t.exposeString('commitDate'),
    file: t.exposeString('file'),
    license: t.exposeString('license'),
  }),
});

const MethodologyRef = builder.objectRef<typeof METHODOLOGY>('Methodology').implement({
  description: 'How every eco figure is computed: formula, constants, sources, confidence and stated limits.',
  fields: (t) => ({
    version: t.exposeString('version'),
    title: t.exposeString('title'),
    summary: t.exposeString('summary'),
    source: t.field({ type: MethodologySourceRef, resolve: (m) => m.source }),
    units: t.exposeString('units'),
    steps: t.field({ type: [MethodologyStepRef], resolve: (m) => [...m.steps] }),
    constants: t.field({ type: [ConstantRef], resolve: (m) => [...m.constants] }),
    rangeSemantics: t.stringList({ resolve: (m) => [...m.rangeSemantics] }),
    confidence: t.field({ type: [ConfidenceRuleRef], resolve: (m) => [...m.confidence] }),
    limits: t.field({ type: [LimitRef], resolve: (m) => [...m.limits] }),
    referenceRequest: t.string({ resolve: (m) => m.referenceRequest.text }),
    providerPue: t.field({
      type: [ProviderPueRef],
      resolve: (_m, _a, ctx) => ctx.db.select().from(providers).orderBy(asc(providers.id)),
    }),
    gridSources: t.field({
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

builder.queryField('methodology', (t) => t.field({ type: MethodologyRef, resolve: () => METHODOLOGY }));
