/**
 * `complete(input, route)`: one completion over GraphQL, through the same path as REST. Expected
 * failures are members of the CompleteResult union; `route` and `eco` are always on the Completion.
 */
import { microToUsd } from '@lowrouter/shared';
import type { EcoBlock } from '../../eco/estimate';
import { type Completion, runCompletion } from '../../inference/complete';
import type { RouteBlock } from '../../routing/route-block';
import { parseCanonicalRequest } from '../../providers/canonical';
import { checkRequestShape } from '../../providers/request-shape';
import { type RouteOverride, parseRouteOverride } from '../../routing/policy';
import { builder } from '../builder';
import { ErrorInterface, ForbiddenError, requireScope } from './errors';
import { MinMaxRef, RangeRef } from './scalars';

export class InsufficientCreditsError extends Error {
  constructor(
    readonly balanceUsd: number,
    readonly requiredUsd: number,
  ) {
    super(
      `insufficient credits: this request may cost up to $${requiredUsd.toFixed(6)}; the balance is $${balanceUsd.toFixed(6)}`,
    );
  }
}
export class NoRouteAvailableError extends Error {
  constructor(readonly reasons: string[]) {
    super(`no route available: ${reasons[0] ?? ''}`);
  }
}
export class InvalidRequestError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}
export class UpstreamFailedError extends Error {
  constructor(
    message: string,
    readonly attempts: RouteBlock['attempts'],
  ) {
    super(message);
  }
}
export class RateLimitedError extends Error {
  constructor(
    message: string,
    readonly retryAfterMs: number,
  ) {
    super(message);
  }
}

const AttemptRef = builder.objectRef<RouteBlock['attempts'][number]>('RouteAttempt').implement({
  fields: (t) => ({
    endpointId: t.exposeID('endpointId'),
    provider: t.exposeString('provider'),
    region: t.exposeString('region'),
    outcome: t.exposeString('outcome', { description: 'ok, error, or skipped: <why>' }),
    errorKind: t.exposeString('errorKind', { nullable: true }),
    latencyMs: t.exposeInt('latencyMs'),
  }),
});

builder.objectType(InsufficientCreditsError, {
  name: 'InsufficientCredits',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof InsufficientCreditsError,
  fields: (t) => ({ balanceUsd: t.exposeFloat('balanceUsd'), requiredUsd: t.exposeFloat('requiredUsd') }),
});
builder.objectType(NoRouteAvailableError, {
  name: 'NoRouteAvailable',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof NoRouteAvailableError,
  fields: (t) => ({ reasons: t.exposeStringList('reasons') }),
});
builder.objectType(InvalidRequestError, {
  name: 'InvalidRequest',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof InvalidRequestError,
  fields: (t) => ({ field: t.exposeString('field') }),
});
builder.objectType(UpstreamFailedError, {
  name: 'UpstreamFailed',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof UpstreamFailedError,
  fields: (t) => ({ attempts: t.field({ type: [AttemptRef], resolve: (e) => e.attempts }) }),
});
builder.objectType(RateLimitedError, {
  name: 'RateLimited',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof RateLimitedError,
  fields: (t) => ({ retryAfterMs: t.exposeInt('retryAfterMs') }),
});

const PolicyRefType = builder.objectRef<RouteBlock['policy']>('RoutePolicy').implement({
  fields: (t) => ({
    id: t.exposeID('id', { nullable: true }),
    name: t.exposeString('name'),
    kind: t.exposeString('kind'),
  }),
});
const ExclusionRef = builder.objectRef<RouteBlock['excluded'][number]>('RouteExclusion').implement({
  fields: (t) => ({ endpointId: t.exposeID('endpointId'), reason: t.exposeString('reason') }),
});
export const RouteRef = builder.objectRef<RouteBlock>('Route').implement({
  description: 'Which model, provider and region served the request, under which policy, and why.',
  fields: (t) => ({
    model: t.exposeString('model', { nullable: true }),
    provider: t.exposeString('provider', { nullable: true }),
    region: t.exposeString('region', { nullable: true }),
    country: t.exposeString('country', { nullable: true }),
    locationBasis: t.exposeString('locationBasis', {
      nullable: true,
      description:
        "How the serving region's location is known: documented (the provider's page says where it processes data, see Region.locationSource) or assumed.",
    }),
    endpointId: t.exposeID('endpointId', { nullable: true }),
    policy: t.field({ type: PolicyRefType, resolve: (r) => r.policy }),
    reason: t.exposeString('reason'),
    attempts: t.field({ type: [AttemptRef], resolve: (r) => r.attempts }),
    fallbackUsed: t.exposeBoolean('fallbackUsed'),
    excluded: t.field({ type: [ExclusionRef], resolve: (r) => r.excluded }),
  }),
});

export const EcoBlockRef = builder.objectRef<EcoBlock>('Eco').implement({
  description: 'Energy and usage-phase carbon of this request (EcoLogits), with every input it used.',
  fields: (t) => ({
    energyWh: t.field({ type: RangeRef, resolve: (e) => e.energyWh }),
    gco2e: t.field({ type: RangeRef, resolve: (e) => e.gco2e }),
    gco2ePer1kOutputTokensThisRequest: t.field({
      type: RangeRef,
      description:
        "This request's gCO2e per 1,000 of its own output tokens (gco2e × 1000 / outputTokens). Not the catalog's figure, which is per 1,000 output tokens at a reference request of 400 tokens.",
      resolve: (e) => e.gco2ePer1kOutputTokensThisRequest,
    }),
    gco2ePer1kOutputTokens: t.field({
      type: RangeRef,
      deprecationReason: 'Use gco2ePer1kOutputTokensThisRequest (the same figure, named for what it is).',
      resolve: (e) => e.gco2ePer1kOutputTokens,
    }),
    gridIntensityGco2ePerKwh: t.exposeFloat('gridIntensityGco2ePerKwh'),
    gridSource: t.exposeString('gridSource'),
    region: t.exposeString('region'),
    country: t.exposeString('country'),
    pue: t.field({ type: MinMaxRef, resolve: (e) => e.pue }),
    confidence: t.exposeString('confidence'),
    tokensEstimated: t.exposeBoolean('tokensEstimated'),
    outputTokens: t.exposeInt('outputTokens'),
    methodology: t.exposeString('methodology'),
  }),
});

type ToolCallShape = Completion['message']['toolCalls'][number];
const ToolCallRef = builder.objectRef<ToolCallShape>('ToolCall').implement({
  fields: (t) => ({
    id: t.exposeString('id'),
    type: t.string({ resolve: () => 'function' }),
    name: t.string({ resolve: (c) => c.function.name }),
    arguments: t.string({ description: 'JSON-encoded arguments.', resolve: (c) => c.function.arguments }),
  }),
});
const MessageRef = builder.objectRef<Completion['message']>('CompletionMessage').implement({
  fields: (t) => ({
    content: t.exposeString('content', { nullable: true }),
    toolCalls: t.field({ type: [ToolCallRef], resolve: (m) => m.toolCalls }),
    reasoning: t.string({ nullable: true, resolve: (m) => m.reasoning ?? null }),
  }),
});
const UsageRef = builder.objectRef<Completion['usage']>('CompletionUsage').implement({
  fields: (t) => ({
    inputTokens: t.exposeInt('inputTokens'),
    outputTokens: t.exposeInt('outputTokens'),
    cachedInputTokens: t.exposeInt('cachedInputTokens'),
    cacheWriteTokens: t.exposeInt('cacheWriteTokens'),
    reasoningTokens: t.exposeInt('reasoningTokens'),
    costUsd: t.exposeFloat('costUsd', {
      description: 'Charged to the organisation: upstream price + platform fee.',
    }),
    upstreamCostUsd: t.exposeFloat('upstreamCostUsd'),
  }),
});
const CompletionRef = builder.objectRef<Completion>('Completion').implement({
  fields: (t) => ({
    id: t.exposeID('id'),
    model: t.exposeString('model'),
    message: t.field({ type: MessageRef, resolve: (c) => c.message }),
    finishReason: t.exposeString('finishReason'),
    usage: t.field({ type: UsageRef, resolve: (c) => c.usage }),
    eco: t.field({ type: EcoBlockRef, resolve: (c) => c.eco }),
    route: t.field({ type: RouteRef, resolve: (c) => c.route }),
    latencyMs: t.exposeInt('latencyMs'),
    createdAt: t.field({ type: 'DateTime', resolve: (c) => new Date(c.created * 1000) }),
    warnings: t.stringList({ resolve: (c) => c.warnings.map((w) => w.message) }),
  }),
});

const MessageInput = builder.inputType('MessageInput', {
  fields: (t) => ({
    role: t.string({ required: true, description: 'system, developer, user, assistant or tool' }),
    content: t.field({ type: 'JSON', description: 'A string, or OpenAI content parts (text, image_url).' }),
    toolCalls: t.field({ type: 'JSON', description: "Assistant tool calls, in OpenAI's shape." }),
    toolCallId: t.string({ description: 'For role tool: the call this answers.' }),
    name: t.string(),
  }),
});

const CompleteInput = builder.inputType('CompleteInput', {
  fields: (t) => ({
    model: t.string({ required: true, description: 'A catalog model id, an alias, or lowrouter/auto.' }),
    models: t.stringList({
      description: 'lowrouter/auto: the only models to choose from; otherwise fallbacks.',
    }),
    messages: t.field({ type: [MessageInput], required: true }),
    tools: t.field({ type: 'JSON' }),
    toolChoice: t.field({ type: 'JSON' }),
    responseFormat: t.field({ type: 'JSON' }),
    temperature: t.float(),
    topP: t.float(),
    maxTokens: t.int(),
    stop: t.stringList(),
    seed: t.int(),
    user: t.string(),
  }),
});

export const RouteInput = builder.inputType('RouteInput', {
  description: 'Override the routing policy for this request (narrows, never widens, data residency).',
  fields: (t) => ({
    policy: t.string({
      description: 'auto, prefer-region, prefer-low-carbon, prefer-cheapest or fixed-provider',
    }),
    order: t.stringList({ description: 'Provider or endpoint ids, tried first in this order.' }),
    only: t.stringList({ description: 'Only these provider or endpoint ids.' }),
    ignore: t.stringList(),
    regions: t.stringList({ description: 'Region ids, ISO 3166 alpha-2 countries, or EU / EEA / US.' }),
    residency: t.string({
      description:
        "strict (default): only regions whose location the provider documents; lenient: the request's regions also accept assumed locations (needs regions).",
    }),
    allowFallbacks: t.boolean(),
    maxPricePerMTokUsd: t.float(),
    maxGco2ePer1kTokens: t.float(),
  }),
});

const compact = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

builder.mutationField('complete', (t) =>
  t.field({
    type: CompletionRef,
    errors: {
      types: [
        InsufficientCreditsError,
        NoRouteAvailableError,
        InvalidRequestError,
        UpstreamFailedError,
        RateLimitedError,
        ForbiddenError,
      ],
      directResult: true,
      union: { name: 'CompleteResult' },
    },
    args: { input: t.arg({ type: CompleteInput, required: true }), route: t.arg({ type: RouteInput }) },
    resolve: async (_r, { input, route }, ctx) => {
      const principal = requireScope(ctx, 'inference');
      const body = compact({
        model: input.model,
        messages: input.messages.map((m) =>
          compact({
            role: m.role,
            content: m.content,
            tool_calls: m.toolCalls,
            tool_call_id: m.toolCallId,
            name: m.name,
          }),
        ),
        tools: input.tools,
        tool_choice: input.toolChoice,
        response_format: input.responseFormat,
        temperature: input.temperature,
        top_p: input.topP,
        max_tokens: input.maxTokens,
        stop: input.stop,
        seed: input.seed,
        user: input.user,
      });
      // The same shape limits as the REST body, `route` and `models` included (request-shape.ts):
      // nesting, identifier length, NUL; a refusal echoes at most ~100 characters of client text.
      const shape = checkRequestShape({
        ...body,
        ...(route ? { route: compact(route as Record<string, unknown>) } : {}),
        ...(input.models ? { models: input.models } : {}),
      });
      if (!shape.ok) throw new InvalidRequestError(shape.path, `${shape.path}: ${shape.message}`);
      const parsed = parseCanonicalRequest(body);
      if (!parsed.ok) {
        const first = parsed.issues[0]!;
        throw new InvalidRequestError(
          first.path || 'input',
          parsed.issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        );
      }
      let override: RouteOverride | undefined;
      if (route) {
        const o = parseRouteOverride(compact(route as Record<string, unknown>));
        if (!o.ok) throw new InvalidRequestError('route', o.message);
        override = o.value;
      }
      const request = input.models ? { ...parsed.request, models: input.models } : parsed.request;
      const outcome = await runCompletion(ctx.inference, {
        principal,
        request: { ...request, stream: false },
        ...(override ? { route: override } : {}),
        surface: 'graphql',
        warnings: parsed.warnings,
      });
      if (outcome.ok && !outcome.stream) return outcome.completion;
      if (outcome.ok) throw new Error('unexpected stream');
      const f = outcome.failure;
      switch (f.kind) {
        case 'invalid_request':
          throw new InvalidRequestError(f.field, f.message);
        case 'insufficient_credits':
          throw new InsufficientCreditsError(microToUsd(f.balanceMicro), microToUsd(f.requiredMicro));
        case 'no_route':
          throw new NoRouteAvailableError(f.reasons);
        case 'rate_limited':
          throw new RateLimitedError(f.message, f.retryAfterMs);
        case 'upstream_failed':
          throw new UpstreamFailedError(
            `every upstream attempt failed; last: ${f.error.kind}: ${f.error.message}`,
            f.attempts,
          );
      }
    },
  }),
);
