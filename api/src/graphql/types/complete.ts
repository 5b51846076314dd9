/**
 * `complete(input, route)`: one completion over GraphQL, through the same path as REST. Expected
 * failures are members of the CompleteResult union; `route` and `eco` are always on the Completion.
 */
import { microToUsd } from '@lowrouter/shared';
import type { EcoBlock } from '../../eco/estimate';
import { type Completion, type Failure, runCompletion } from '../../inference/complete';
import { type CacheRequest, parseCacheRequest } from '../../inference/cache';
import { insufficientCreditsMessage } from '../../billing/credit-hold';
import { holdJson } from '../../http/openai-error';
import type { RouteBlock } from '../../routing/route-block';
import { parseCanonicalRequest } from '../../providers/canonical';
import { checkRequestShape } from '../../providers/request-shape';
import { type RouteOverride, parseRouteOverride } from '../../routing/policy';
import { AUTO_MODEL } from '../../routing/rank-types';
import { builder } from '../builder';
import { ErrorKindEnum, errorKindOf } from './enums';
import { ErrorInterface, ForbiddenError, requireScope } from './errors';
import { MinMaxRef, RangeRef } from './scalars';

export class InsufficientCreditsError extends Error {
  readonly balanceUsd: number;
  readonly availableUsd: number;
  readonly requiredUsd: number;
  readonly hold: ReturnType<typeof holdJson>;
  constructor(f: Extract<Failure, { kind: 'insufficient_credits' }>) {
    super(insufficientCreditsMessage(f.hold, f.availableMicro, 'maxTokens'));
    this.balanceUsd = microToUsd(f.balanceMicro);
    this.availableUsd = microToUsd(f.availableMicro);
    this.requiredUsd = microToUsd(f.requiredMicro);
    this.hold = holdJson(f.hold);
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
  description: 'One upstream attempt of a request, in order.',
  fields: (t) => ({
    endpointId: t.exposeID('endpointId', { description: 'Endpoint tried.' }),
    provider: t.exposeString('provider', { description: 'Its provider.' }),
    region: t.exposeString('region', { description: 'Its region.' }),
    outcome: t.exposeString('outcome', { description: 'ok, error, or skipped: <why>' }),
    errorKind: t.field({
      description: 'Why it failed; null when it succeeded or was skipped.',
      type: ErrorKindEnum,
      nullable: true,
      resolve: (a) => errorKindOf(a.errorKind),
    }),
    latencyMs: t.exposeInt('latencyMs', { description: 'Time the attempt took, ms.' }),
  }),
});

const CreditHoldRef = builder.objectRef<ReturnType<typeof holdJson>>('CreditHold').implement({
  description:
    'What a request holds before it runs, and why: its output limit × the output price, plus the input bound × the input price, plus the platform fee. Only what the answer uses is charged.',
  fields: (t) => ({
    endpointId: t.exposeID('endpointId', { description: 'The first endpoint the route would try.' }),
    totalUsd: t.exposeFloat('totalUsd', {
      description: 'The whole hold, USD: outputUsd + inputUsd + feeUsd.',
    }),
    outputUsd: t.exposeFloat('outputUsd', { description: 'maxOutputTokens × the output price, USD.' }),
    inputUsd: t.exposeFloat('inputUsd', { description: 'inputTokens × the dearest input-side price, USD.' }),
    feeUsd: t.exposeFloat('feeUsd', { description: 'The platform fee on the two, USD.' }),
    maxOutputTokens: t.exposeInt('maxOutputTokens', {
      description: 'The output allowance the hold is computed on.',
    }),
    maxOutputTokensFrom: t.exposeString('maxOutputTokensFrom', {
      description: "max_tokens (the request's maxTokens) or model_limit (none was set).",
    }),
    inputTokens: t.exposeInt('inputTokens', { description: 'An upper bound counted from the request.' }),
    outputPricePerMTokUsd: t.exposeFloat('outputPricePerMTokUsd', {
      description: 'The endpoint’s output price, USD per million tokens.',
    }),
    inputPricePerMTokUsd: t.exposeFloat('inputPricePerMTokUsd', {
      description: 'The endpoint’s dearest input-side price, USD per million tokens.',
    }),
    maxTokensThatFit: t.exposeInt('maxTokensThatFit', {
      nullable: true,
      description: 'The largest maxTokens whose hold fits the available credit; null when none does.',
    }),
  }),
});

builder.objectType(InsufficientCreditsError, {
  name: 'InsufficientCredits',
  description:
    'The organisation’s available credit does not cover what the request must hold before it is sent (see /docs/guides/credits-and-billing). Set max_tokens to lower the hold.',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof InsufficientCreditsError,
  fields: (t) => ({
    balanceUsd: t.exposeFloat('balanceUsd', { description: 'The organisation’s balance, USD.' }),
    availableUsd: t.exposeFloat('availableUsd', {
      description: 'The balance less what requests in flight hold: what this request could use.',
    }),
    requiredUsd: t.exposeFloat('requiredUsd', { description: 'What the request would hold: hold.totalUsd.' }),
    hold: t.field({
      description: 'What the request would hold, term by term.',
      type: CreditHoldRef,
      resolve: (e) => e.hold,
    }),
  }),
});
builder.objectType(NoRouteAvailableError, {
  name: 'NoRouteAvailable',
  description:
    'No endpoint satisfies the policy, the route override and the request; `reasons` says why for each.',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof NoRouteAvailableError,
  fields: (t) => ({
    reasons: t.exposeStringList('reasons', { description: 'Why each candidate was excluded, grouped.' }),
  }),
});
builder.objectType(InvalidRequestError, {
  name: 'InvalidRequest',
  description: 'The request itself is invalid (`field` names what to fix); nothing was sent upstream.',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof InvalidRequestError,
  fields: (t) => ({
    field: t.exposeString('field', {
      description: 'Path of the field at fault (`messages.0.content`, `route.regions`).',
    }),
  }),
});
builder.objectType(UpstreamFailedError, {
  name: 'UpstreamFailed',
  description: 'Every attempted endpoint failed; `attempts` lists each with its error.',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof UpstreamFailedError,
  fields: (t) => ({
    attempts: t.field({
      description: 'Every attempt with its error.',
      type: [AttemptRef],
      resolve: (e) => e.attempts,
    }),
  }),
});
builder.objectType(RateLimitedError, {
  name: 'RateLimited',
  description: 'The key’s requests- or tokens-per-minute limit is reached; retry after retryAfterMs.',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof RateLimitedError,
  fields: (t) => ({
    retryAfterMs: t.exposeInt('retryAfterMs', {
      description: 'Wait at least this long before retrying, ms.',
    }),
  }),
});

const PolicyRefType = builder.objectRef<RouteBlock['policy']>('RoutePolicy').implement({
  description: 'The policy a request was routed under.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Stored policy id; null for the built-in default.', nullable: true }),
    name: t.exposeString('name', { description: 'Policy name.' }),
    kind: t.exposeString('kind', {
      description: 'Policy kind (auto, prefer-region, prefer-low-carbon, prefer-cheapest, fixed-provider).',
    }),
  }),
});
const ExclusionRef = builder.objectRef<RouteBlock['excluded'][number]>('RouteExclusion').implement({
  description: 'A candidate endpoint that was not tried, and why.',
  fields: (t) => ({
    endpointId: t.exposeID('endpointId', { description: 'The endpoint excluded.' }),
    reason: t.exposeString('reason', {
      description: 'Why (residency, pin, credentials, circuit, context window, tier, limit, …).',
    }),
  }),
});
const RouteCacheRef = builder.objectRef<NonNullable<RouteBlock['cache']>>('RouteCache').implement({
  description: 'A response-cache hit: the request whose answer was replayed, and when it was stored.',
  fields: (t) => ({
    hit: t.exposeBoolean('hit', { description: 'Always true: the block is present only on a hit.' }),
    originalRequestId: t.exposeID('originalRequestId', {
      description: 'The request whose answer was stored and replayed.',
    }),
    storedAt: t.field({
      type: 'DateTime',
      description: 'When that answer was stored.',
      resolve: (c) => new Date(c.storedAt),
    }),
  }),
});
const EcoAvoidedRef = builder.objectRef<NonNullable<EcoBlock['avoided']>>('EcoAvoided').implement({
  description:
    "What a response-cache hit did not spend: the original answer's estimate (energy and usage-phase gCO2e).",
  fields: (t) => ({
    energyWh: t.field({
      type: RangeRef,
      description: 'Wh the original answer was estimated to use (PUE included).',
      resolve: (a) => a.energyWh,
    }),
    gco2e: t.field({
      type: RangeRef,
      description: 'Usage-phase gCO2e the original answer was estimated to emit.',
      resolve: (a) => a.gco2e,
    }),
  }),
});
const RouteBillingRef = builder
  .objectRef<{ refused?: string[]; note?: string | null }>('RouteBilling')
  .implement({
    description: "Why a recorded request's usage or charge is not what the upstream reported.",
    fields: (t) => ({
      refused: t.stringList({
        description: 'Upstream usage figures refused as implausible (estimates were used instead).',
        resolve: (b) => b.refused ?? [],
      }),
      note: t.exposeString('note', { nullable: true, description: 'Why the charge was capped or zeroed.' }),
    }),
  });

/**
 * The route block as the Route type reads it: a Completion's block, or a request row's stored one
 * (which may be partial: `{}` or `{ reason }` for a request refused before routing).
 */
export type RouteView = Omit<RouteBlock, 'policy' | 'reason'> & {
  policy: RouteBlock['policy'] | null;
  reason: string | null;
  billing?: { refused?: string[]; note?: string | null } | null;
};

export const RouteRef = builder.objectRef<RouteView>('Route').implement({
  description: 'Which model, provider and region served the request, under which policy, and why.',
  fields: (t) => ({
    model: t.exposeString('model', {
      description: 'Model that served (the one chosen by auto, or a fallback).',
      nullable: true,
    }),
    provider: t.exposeString('provider', { description: 'Provider that served.', nullable: true }),
    region: t.exposeString('region', { description: 'Region that served.', nullable: true }),
    country: t.exposeString('country', { description: 'Country of that region.', nullable: true }),
    locationBasis: t.exposeString('locationBasis', {
      nullable: true,
      description:
        "How the serving region's location is known: documented (the provider's page says where it processes data, see Region.locationSource) or assumed.",
    }),
    endpointId: t.exposeID('endpointId', { description: 'Endpoint that served.', nullable: true }),
    policy: t.field({
      type: PolicyRefType,
      nullable: true,
      description: 'Null for a request refused before a policy applied.',
      resolve: (r) => r.policy,
    }),
    reason: t.exposeString('reason', {
      nullable: true,
      description: 'Null for a request refused before routing (errorKind says why).',
    }),
    attempts: t.field({
      description: 'Every upstream attempt, in order.',
      type: [AttemptRef],
      resolve: (r) => r.attempts,
    }),
    fallbackUsed: t.exposeBoolean('fallbackUsed', { description: 'True when an earlier attempt failed.' }),
    excluded: t.field({
      description: 'Candidates not tried, with why.',
      type: [ExclusionRef],
      resolve: (r) => r.excluded,
    }),
    cache: t.field({
      type: RouteCacheRef,
      nullable: true,
      description: 'Set when the answer came from the response cache: whose answer was replayed.',
      resolve: (r) => r.cache ?? null,
    }),
    billing: t.field({
      type: RouteBillingRef,
      nullable: true,
      description: 'Recorded requests only: set when usage or charge was corrected.',
      resolve: (r) => r.billing ?? null,
    }),
  }),
});

export const EcoBlockRef = builder.objectRef<EcoBlock>('Eco').implement({
  description: 'Energy and usage-phase carbon of this request (EcoLogits), with every input it used.',
  fields: (t) => ({
    energyWh: t.field({
      description: 'Request energy, Wh, PUE included.',
      type: RangeRef,
      resolve: (e) => e.energyWh,
    }),
    gco2e: t.field({
      description: 'Usage-phase carbon, gCO2e: energy × grid intensity. Embodied carbon is not included.',
      type: RangeRef,
      resolve: (e) => e.gco2e,
    }),
    gco2ePer1kOutputTokensThisRequest: t.field({
      type: RangeRef,
      description:
        "This request's gCO2e per 1,000 of its own output tokens (gco2e × 1000 / outputTokens). Not the catalog's figure, which is per 1,000 output tokens at a reference request of 400 tokens.",
      resolve: (e) => e.gco2ePer1kOutputTokensThisRequest,
    }),
    gco2ePer1kOutputTokens: t.field({
      type: RangeRef,
      description: 'The same figure as gco2ePer1kOutputTokensThisRequest, under its old name.',
      deprecationReason: 'Use gco2ePer1kOutputTokensThisRequest (the same figure, named for what it is).',
      resolve: (e) => e.gco2ePer1kOutputTokens,
    }),
    gridIntensityGco2ePerKwh: t.exposeFloat('gridIntensityGco2ePerKwh', {
      description: 'Grid intensity of the serving region, gCO2e/kWh (annual average).',
    }),
    gridSource: t.exposeString('gridSource', { description: 'Source and year of that grid intensity.' }),
    region: t.exposeString('region', { description: 'Serving region id.' }),
    country: t.exposeString('country', { description: 'Serving country (ISO 3166-1 alpha-2).' }),
    pue: t.field({ description: 'Data-centre PUE used.', type: MinMaxRef, resolve: (e) => e.pue }),
    confidence: t.exposeString('confidence', {
      description: 'disclosed-parameters or estimated-parameters: how much to trust the model size.',
    }),
    tokensEstimated: t.exposeBoolean('tokensEstimated', {
      description: 'True when LowRouter counted the output tokens itself.',
    }),
    outputTokens: t.exposeInt('outputTokens', {
      description: 'Output tokens the estimate is for (reasoning included).',
    }),
    methodology: t.exposeString('methodology', {
      description: 'Methodology version (`ecologits-<commit>`).',
    }),
    avoided: t.field({
      type: EcoAvoidedRef,
      nullable: true,
      description: 'On a response-cache hit (which spends nothing): the energy and gCO2e it avoided.',
      resolve: (e) => e.avoided ?? null,
    }),
  }),
});

type ToolCallShape = Completion['message']['toolCalls'][number];
const ToolCallRef = builder.objectRef<ToolCallShape>('ToolCall').implement({
  description: 'A tool call the model asked for.',
  fields: (t) => ({
    id: t.exposeString('id', { description: 'Call id, to answer with a tool message.' }),
    type: t.string({ description: 'Always `function`.', resolve: () => 'function' }),
    name: t.string({ description: 'The function to call.', resolve: (c) => c.function.name }),
    arguments: t.string({ description: 'JSON-encoded arguments.', resolve: (c) => c.function.arguments }),
  }),
});
const MessageRef = builder.objectRef<Completion['message']>('CompletionMessage').implement({
  description: 'The assistant’s answer.',
  fields: (t) => ({
    content: t.exposeString('content', {
      description: 'Text of the answer; null when the model only called tools.',
      nullable: true,
    }),
    toolCalls: t.field({
      description: 'Tool calls the model asked for.',
      type: [ToolCallRef],
      resolve: (m) => m.toolCalls,
    }),
    reasoning: t.string({
      description: 'Reasoning text, when the provider returns it.',
      nullable: true,
      resolve: (m) => m.reasoning ?? null,
    }),
  }),
});
const UsageRef = builder.objectRef<Completion['usage']>('CompletionUsage').implement({
  description: 'Tokens and money of one completion.',
  fields: (t) => ({
    inputTokens: t.exposeInt('inputTokens', { description: 'Input tokens charged, cached ones included.' }),
    outputTokens: t.exposeInt('outputTokens', { description: 'Output tokens charged, reasoning included.' }),
    cachedInputTokens: t.exposeInt('cachedInputTokens', {
      description: 'Input tokens read from the prompt cache.',
    }),
    cacheWriteTokens: t.exposeInt('cacheWriteTokens', {
      description: 'Input tokens written to the prompt cache.',
    }),
    reasoningTokens: t.exposeInt('reasoningTokens', { description: 'Output tokens spent on reasoning.' }),
    costUsd: t.exposeFloat('costUsd', {
      description: 'Charged to the organisation: upstream price + platform fee.',
    }),
    upstreamCostUsd: t.exposeFloat('upstreamCostUsd', {
      description: 'The upstream price of those tokens, USD, before the fee.',
    }),
  }),
});
const CompletionRef = builder.objectRef<Completion>('Completion').implement({
  description: 'A chat completion with its route, cost and footprint.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Request id (also in the x-lowrouter-request-id header).' }),
    model: t.exposeString('model', { description: 'Model that answered.' }),
    message: t.field({ description: 'The answer.', type: MessageRef, resolve: (c) => c.message }),
    finishReason: t.exposeString('finishReason', {
      description: 'Why generation stopped: stop, length, tool_calls or content_filter.',
    }),
    usage: t.field({ description: 'Tokens and cost.', type: UsageRef, resolve: (c) => c.usage }),
    eco: t.field({
      description: 'Energy and gCO2e of this request.',
      type: EcoBlockRef,
      resolve: (c) => c.eco,
    }),
    route: t.field({ description: 'Where it was served and why.', type: RouteRef, resolve: (c) => c.route }),
    latencyMs: t.exposeInt('latencyMs', { description: 'Time to the whole answer, ms.' }),
    createdAt: t.field({
      description: 'When it was created.',
      type: 'DateTime',
      resolve: (c) => new Date(c.created * 1000),
    }),
    warnings: t.stringList({
      description: 'Things worth knowing (e.g. untrusted upstream usage replaced by LowRouter’s count).',
      resolve: (c) => c.warnings.map((w) => w.message),
    }),
    cacheHit: t.boolean({
      description: 'Answered from the response cache, without an upstream call.',
      resolve: (c) => c.cacheHit === true,
    }),
  }),
});

const CacheInput = builder.inputType('CacheInput', {
  description:
    'Response cache for this request: keep its answer, and answer an exact repeat from it (same organisation only).',
  fields: (t) => ({
    ttlSeconds: t.int({
      required: true,
      description: 'Seconds to keep the answer; 0 turns the cache off for this request.',
    }),
    nonDeterministic: t.boolean({
      description: 'Cache even though the request samples (temperature is not 0). Off by default.',
    }),
  }),
});

const MessageInput = builder.inputType('MessageInput', {
  description: 'One chat message, as in OpenAI’s API.',
  fields: (t) => ({
    role: t.string({ required: true, description: 'system, developer, user, assistant or tool' }),
    content: t.field({ type: 'JSON', description: 'A string, or OpenAI content parts (text, image_url).' }),
    toolCalls: t.field({ type: 'JSON', description: "Assistant tool calls, in OpenAI's shape." }),
    toolCallId: t.string({ description: 'For role tool: the call this answers.' }),
    name: t.string({ description: 'Optional participant name.' }),
  }),
});

const CompleteInput = builder.inputType('CompleteInput', {
  description: 'A chat completion request, as OpenAI’s body with camelCase names.',
  fields: (t) => ({
    model: t.string({
      required: true,
      defaultValue: AUTO_MODEL,
      description: 'A catalog model id, an alias, or lowrouter/auto (the default).',
    }),
    models: t.stringList({
      description: 'lowrouter/auto: the only models to choose from; otherwise fallbacks.',
    }),
    messages: t.field({
      description: 'The conversation, oldest first.',
      type: [MessageInput],
      required: true,
    }),
    tools: t.field({ description: 'Tools the model may call, in OpenAI’s shape.', type: 'JSON' }),
    toolChoice: t.field({ description: 'OpenAI’s tool_choice.', type: 'JSON' }),
    responseFormat: t.field({
      description: 'OpenAI’s response_format (json_object, json_schema).',
      type: 'JSON',
    }),
    temperature: t.float({ description: 'Sampling temperature.' }),
    topP: t.float({ description: 'Nucleus sampling.' }),
    maxTokens: t.int({
      description:
        'Most output tokens; also what the credit hold is computed on (the model’s whole limit when absent).',
    }),
    stop: t.stringList({ description: 'Stop sequences.' }),
    seed: t.int({ description: 'Seed, for providers that support it.' }),
    user: t.string({ description: 'End-user id passed upstream.' }),
    cache: t.field({
      type: CacheInput,
      description: 'Keep this answer and answer exact repeats from it (opt-in response cache).',
    }),
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
    ignore: t.stringList({ description: 'Never these provider or endpoint ids.' }),
    regions: t.stringList({ description: 'Region ids, ISO 3166 alpha-2 countries, or EU / EEA / US.' }),
    residency: t.string({
      description:
        "strict (default): only regions whose location the provider documents; lenient: the request's regions also accept assumed locations (needs regions).",
    }),
    allowFallbacks: t.boolean({ description: 'false: try only the first ranked endpoint.' }),
    maxPricePerMTokUsd: t.float({
      description: 'Most USD per million tokens (blended over the expected input and output).',
    }),
    maxGco2ePer1kTokens: t.float({ description: 'Most gCO2e per 1,000 output tokens.' }),
  }),
});

const compact = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

builder.mutationField('complete', (t) =>
  t.field({
    description:
      'A chat completion through the router (inference scope): the same pipeline as POST /v1/chat/completions.',
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
      union: { name: 'CompleteResult', description: 'The completion, or a typed refusal or failure.' },
    },
    args: {
      input: t.arg({ description: 'The request.', type: CompleteInput, required: true }),
      route: t.arg({ description: 'Optional per-request routing override.', type: RouteInput }),
    },
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
      let cache: CacheRequest | undefined;
      if (input.cache) {
        const c = parseCacheRequest(
          compact(input.cache as Record<string, unknown>),
          ctx.config.cacheMaxTtlSeconds,
        );
        if (!c.ok) throw new InvalidRequestError('cache', c.message);
        cache = c.value;
      }
      const outcome = await runCompletion(ctx.inference, {
        ...(cache ? { cache } : {}),
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
          throw new InsufficientCreditsError(f);
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
