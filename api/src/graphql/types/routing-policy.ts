/**
 * Routing policies as data, managed over GraphQL (admin scope, audited), plus `routePreview`: what a
 * policy will do for a sample request, before it takes effect, and `Endpoint.health`.
 */
import { and, asc, eq } from 'drizzle-orm';
import { audit } from '../../audit';
import { type RoutingPolicyRow, apiKeys, routingPolicies } from '../../db/schema';
import { newId } from '../../ids';
import { AUTO_MODEL } from '../../routing/rank-types';
import {
  type RouteOverride,
  type RoutingPolicySpec as Spec,
  RoutingPolicySpec,
  mergePolicy,
  parseRouteOverride,
  validatePolicy,
} from '../../routing/policy';
import { planRoute } from '../../routing/plan';
import type { RoutingTables } from '../../routing/routing-tables';
import { resolveOrGraphQLError } from '../../analytics/graphql-errors';
import { readableOrg } from '../../analytics/filter';
import { builder } from '../builder';
import type { Context } from '../context';
import { RouteInput } from './complete';
import {
  ForbiddenError,
  InvalidInputError,
  NotFoundError,
  requireQueryScope,
  requireScope,
  targetOrg,
} from './errors';
import { EndpointRef } from './refs';
import { EndpointHealthStateEnum, ErrorKindEnum, errorKindOf } from './enums';

export const RoutingPolicyRef = builder.objectRef<RoutingPolicyRow>('RoutingPolicy').implement({
  description: "An organisation's routing policy. One may be the default; a key may carry its own.",
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Policy id (`pol_…`).' }),
    name: t.exposeString('name', { description: 'A name to recognise it by.' }),
    kind: t.exposeString('kind', {
      description: 'auto, prefer-region, prefer-low-carbon, prefer-cheapest or fixed-provider.',
    }),
    isDefault: t.exposeBoolean('isDefault', {
      description: 'True for the organisation’s default policy (applies to keys without their own).',
    }),
    spec: t.field({ type: 'JSON', description: 'The full policy as stored.', resolve: (p) => p.spec }),
    summary: t.string({
      description: 'The policy in one sentence.',
      resolve: (p) => {
        const s = RoutingPolicySpec.parse(p.spec);
        const c = s.constraints;
        const parts: string[] = [s.kind];
        if (s.preferRegions) parts.push(`prefers ${s.preferRegions.join(' > ')}`);
        if (s.fixed)
          parts.push(`fixed to ${'providerId' in s.fixed ? s.fixed.providerId : s.fixed.endpointId}`);
        if (c.allowedRegions)
          parts.push(
            `data stays in ${c.allowedRegions.join(', ')} (${c.residency === 'lenient' ? 'lenient: assumed locations accepted' : 'strict: documented locations only'})`,
          );
        if (c.allowedProviders) parts.push(`only ${c.allowedProviders.join(', ')}`);
        if (c.deniedProviders.length) parts.push(`never ${c.deniedProviders.join(', ')}`);
        if (c.maxPricePerMTokUsd) parts.push(`at most $${c.maxPricePerMTokUsd}/1M tokens`);
        if (c.maxGco2ePer1kTokens) parts.push(`at most ${c.maxGco2ePer1kTokens} gCO2e/1k tokens`);
        if (!c.allowFallbacks) parts.push('no fallbacks');
        return parts.join('; ');
      },
    }),
    createdAt: t.field({
      description: 'When it was created.',
      type: 'DateTime',
      resolve: (p) => p.createdAt,
    }),
    updatedAt: t.field({
      description: 'When it was last changed.',
      type: 'DateTime',
      resolve: (p) => p.updatedAt,
    }),
  }),
});

export const RoutingPolicyInput = builder.inputType('RoutingPolicyInput', {
  description: 'A routing policy to create, update or preview: a kind and constraints.',
  fields: (t) => ({
    name: t.string({ description: '1 to 100 characters.', required: true }),
    kind: t.string({
      required: true,
      description: 'auto, prefer-region, prefer-low-carbon, prefer-cheapest or fixed-provider',
    }),
    preferRegions: t.stringList({
      description: 'prefer-region: region ids, countries or geographies, in order.',
    }),
    fixedProviderId: t.string({ description: 'For fixed-provider: the provider id.' }),
    fixedEndpointId: t.string({ description: 'For fixed-provider: one endpoint id instead of a provider.' }),
    allowedRegions: t.stringList({ description: 'Data residency: a hard constraint no fallback may break.' }),
    residency: t.string({
      description:
        'strict (default with allowedRegions): only regions whose location the provider documents; lenient: assumed locations too.',
    }),
    allowedProviders: t.stringList({ description: 'Only these provider ids (a hard filter).' }),
    deniedProviders: t.stringList({ description: 'Never these provider ids.' }),
    maxPricePerMTokUsd: t.float({
      description: 'Most USD per million tokens (blended over the expected input and output).',
    }),
    maxGco2ePer1kTokens: t.float({ description: 'Most gCO2e per 1,000 output tokens.' }),
    allowFallbacks: t.boolean({
      description: 'false: only the first ranked endpoint is tried (default true).',
    }),
  }),
});

type PolicyInputShape = typeof RoutingPolicyInput.$inferInput;

/** Input → validated spec, or a typed InvalidInput naming the field and the reason. */
export function specFromInput(input: PolicyInputShape, tables: RoutingTables): Spec {
  const raw = {
    kind: input.kind,
    ...(input.preferRegions ? { preferRegions: input.preferRegions } : {}),
    ...(input.fixedProviderId ? { fixed: { providerId: input.fixedProviderId } } : {}),
    ...(input.fixedEndpointId ? { fixed: { endpointId: input.fixedEndpointId } } : {}),
    constraints: {
      ...(input.allowedRegions ? { allowedRegions: input.allowedRegions } : {}),
      ...(input.residency != null ? { residency: input.residency } : {}),
      ...(input.allowedProviders ? { allowedProviders: input.allowedProviders } : {}),
      ...(input.deniedProviders ? { deniedProviders: input.deniedProviders } : {}),
      ...(input.maxPricePerMTokUsd != null ? { maxPricePerMTokUsd: input.maxPricePerMTokUsd } : {}),
      ...(input.maxGco2ePer1kTokens != null ? { maxGco2ePer1kTokens: input.maxGco2ePer1kTokens } : {}),
      ...(input.allowFallbacks != null ? { allowFallbacks: input.allowFallbacks } : {}),
    },
  };
  const parsed = RoutingPolicySpec.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InvalidInputError(
      issue.path.join('.') || 'kind',
      parsed.error.issues.map((i) => `${i.path.join('.') || 'policy'}: ${i.message}`).join('; '),
    );
  }
  const merged = mergePolicy(parsed.data);
  const problems = merged.ok
    ? validatePolicy(merged.policy, {
        regions: tables.regions,
        providers: tables.providers,
        endpoints: [...tables.byEndpoint.values()].map((i) => ({ ...i.candidate.endpoint })),
      })
    : merged.problems;
  const errors = problems.filter((p) => p.severity === 'error');
  if (errors.length) throw new InvalidInputError('policy', errors.map((p) => p.message).join('; '));
  return parsed.data;
}

const PolicyResult = builder.objectRef<{ policy: RoutingPolicyRow }>('RoutingPolicySuccess').implement({
  description: 'The policy as stored after the change.',
  fields: (t) => ({
    policy: t.field({ description: 'The policy.', type: RoutingPolicyRef, resolve: (r) => r.policy }),
  }),
});
const DeleteResult = builder.objectRef<{ id: string }>('DeleteRoutingPolicySuccess').implement({
  description: 'The policy that was deleted.',
  fields: (t) => ({ id: t.exposeID('id', { description: 'Its id.' }) }),
});

async function ownPolicy(ctx: Context, id: string, orgId: string, instanceAdmin: boolean) {
  const [row] = await ctx.db.select().from(routingPolicies).where(eq(routingPolicies.id, id));
  if (!row || (row.orgId !== orgId && !instanceAdmin)) throw new NotFoundError(`no routing policy ${id}`);
  return row;
}

const errorTypes = [ForbiddenError, InvalidInputError, NotFoundError];

builder.queryField('routingPolicies', (t) =>
  t.field({
    description: 'The organisation’s routing policies (read scope).',
    type: [RoutingPolicyRef],
    args: { orgId: t.arg.id({ description: 'Another organisation (instance admin); default your own.' }) },
    resolve: (_r, { orgId }, ctx) =>
      // Queries have no union results: another organisation is a FORBIDDEN error, not a masked one.
      resolveOrGraphQLError(() =>
        ctx.db
          .select()
          .from(routingPolicies)
          .where(eq(routingPolicies.orgId, readableOrg(ctx.principal, orgId, 'read')))
          .orderBy(asc(routingPolicies.createdAt)),
      ),
  }),
);

builder.mutationFields((t) => ({
  createRoutingPolicy: t.field({
    description: 'Creates a routing policy (admin scope, audited).',
    type: PolicyResult,
    errors: {
      types: errorTypes,
      directResult: true,
      union: { name: 'CreateRoutingPolicyResult', description: 'The created policy, or a typed refusal.' },
    },
    args: {
      orgId: t.arg.id({ description: 'Another organisation (instance admin); default your own.' }),
      input: t.arg({ description: 'The policy.', type: RoutingPolicyInput, required: true }),
      makeDefault: t.arg.boolean({ description: 'Also make it the organisation’s default.' }),
    },
    resolve: async (_r, { orgId, input, makeDefault }, ctx) => {
      const p = requireScope(ctx, 'admin');
      const org = targetOrg(p, orgId);
      const spec = specFromInput(input, await ctx.inference.tables.get());
      const policy = await ctx.db.transaction(async (tx) => {
        if (makeDefault)
          await tx.update(routingPolicies).set({ isDefault: false }).where(eq(routingPolicies.orgId, org));
        const [row] = await tx
          .insert(routingPolicies)
          .values({
            id: newId('pol'),
            orgId: org,
            name: input.name.trim() || spec.kind,
            kind: spec.kind,
            spec,
            isDefault: Boolean(makeDefault),
          })
          .returning();
        await audit(tx, {
          orgId: org,
          actorKeyId: p.keyId,
          action: 'routingPolicy.create',
          targetType: 'routingPolicy',
          targetId: row!.id,
          details: { spec, isDefault: Boolean(makeDefault) },
        });
        return row!;
      });
      ctx.inference.policies.invalidate();
      return { policy };
    },
  }),
  updateRoutingPolicy: t.field({
    description: 'Replaces a routing policy (admin scope, audited).',
    type: PolicyResult,
    errors: {
      types: errorTypes,
      directResult: true,
      union: { name: 'UpdateRoutingPolicyResult', description: 'The updated policy, or a typed refusal.' },
    },
    args: {
      id: t.arg.id({ description: 'The policy to change.', required: true }),
      input: t.arg({
        description: 'The whole new policy (replaces the old one).',
        type: RoutingPolicyInput,
        required: true,
      }),
    },
    resolve: async (_r, { id, input }, ctx) => {
      const p = requireScope(ctx, 'admin');
      const existing = await ownPolicy(ctx, id, p.orgId, p.instanceAdmin);
      const spec = specFromInput(input, await ctx.inference.tables.get());
      const policy = await ctx.db.transaction(async (tx) => {
        const [row] = await tx
          .update(routingPolicies)
          .set({ name: input.name.trim() || spec.kind, kind: spec.kind, spec, updatedAt: new Date() })
          .where(eq(routingPolicies.id, id))
          .returning();
        await audit(tx, {
          orgId: existing.orgId,
          actorKeyId: p.keyId,
          action: 'routingPolicy.update',
          targetType: 'routingPolicy',
          targetId: id,
          details: { before: existing.spec, after: spec },
        });
        return row!;
      });
      ctx.inference.policies.invalidate();
      return { policy };
    },
  }),
  deleteRoutingPolicy: t.field({
    description: 'Deletes a routing policy (admin scope, audited); keys using it fall back to the default.',
    type: DeleteResult,
    errors: {
      types: errorTypes,
      directResult: true,
      union: { name: 'DeleteRoutingPolicyResult', description: 'The deleted policy id, or a typed refusal.' },
    },
    args: { id: t.arg.id({ description: 'The policy to delete.', required: true }) },
    resolve: async (_r, { id }, ctx) => {
      const p = requireScope(ctx, 'admin');
      const existing = await ownPolicy(ctx, id, p.orgId, p.instanceAdmin);
      await ctx.db.transaction(async (tx) => {
        // Keys that used it fall back to the organisation's default.
        await tx.update(apiKeys).set({ policyId: null }).where(eq(apiKeys.policyId, id));
        await tx.delete(routingPolicies).where(eq(routingPolicies.id, id));
        await audit(tx, {
          orgId: existing.orgId,
          actorKeyId: p.keyId,
          action: 'routingPolicy.delete',
          targetType: 'routingPolicy',
          targetId: id,
          details: { spec: existing.spec, wasDefault: existing.isDefault },
        });
      });
      ctx.inference.policies.invalidate();
      return { id };
    },
  }),
  setDefaultRoutingPolicy: t.field({
    description: 'Makes a policy the organisation’s default (admin scope, audited).',
    type: PolicyResult,
    errors: {
      types: errorTypes,
      directResult: true,
      union: {
        name: 'SetDefaultRoutingPolicyResult',
        description: 'The new default policy, or a typed refusal.',
      },
    },
    args: { id: t.arg.id({ description: 'The policy to make the default.', required: true }) },
    resolve: async (_r, { id }, ctx) => {
      const p = requireScope(ctx, 'admin');
      const existing = await ownPolicy(ctx, id, p.orgId, p.instanceAdmin);
      const policy = await ctx.db.transaction(async (tx) => {
        await tx
          .update(routingPolicies)
          .set({ isDefault: false })
          .where(and(eq(routingPolicies.orgId, existing.orgId), eq(routingPolicies.isDefault, true)));
        const [row] = await tx
          .update(routingPolicies)
          .set({ isDefault: true, updatedAt: new Date() })
          .where(eq(routingPolicies.id, id))
          .returning();
        await audit(tx, {
          orgId: existing.orgId,
          actorKeyId: p.keyId,
          action: 'routingPolicy.setDefault',
          targetType: 'routingPolicy',
          targetId: id,
        });
        return row!;
      });
      ctx.inference.policies.invalidate();
      return { policy };
    },
  }),
}));

// ------------------------------------------------------------------ preview

interface PreviewCandidate {
  endpointId: string;
  model: string;
  provider: string;
  region: string;
  country: string;
  score: number;
  reasons: string[];
}
interface Preview {
  candidates: PreviewCandidate[];
  excluded: { endpointId: string; reason: string }[];
  tier: string | null;
  signals: string[];
  policySummary: string;
  noRoute: string | null;
}

const PreviewCandidateRef = builder.objectRef<PreviewCandidate>('RoutePreviewCandidate').implement({
  description: 'An endpoint the request would try, in order.',
  fields: (t) => ({
    endpointId: t.exposeID('endpointId', { description: 'The endpoint.' }),
    model: t.exposeString('model', { description: 'Its model.' }),
    provider: t.exposeString('provider', { description: 'Its provider.' }),
    region: t.exposeString('region', { description: 'Its region.' }),
    country: t.exposeString('country', { description: 'Its country.' }),
    score: t.exposeFloat('score', {
      description: 'The measure it was ranked by for this policy (lower first).',
    }),
    reasons: t.exposeStringList('reasons', { description: 'Why it ranks where it does.' }),
  }),
});
const PreviewExclusionRef = builder
  .objectRef<Preview['excluded'][number]>('RoutePreviewExclusion')
  .implement({
    description: 'An endpoint the request would not try, and why.',
    fields: (t) => ({
      endpointId: t.exposeID('endpointId', { description: 'The endpoint.' }),
      reason: t.exposeString('reason', { description: 'Why it is excluded.' }),
    }),
  });
const RoutePreviewRef = builder.objectRef<Preview>('RoutePreview').implement({
  description:
    'What routing would do for a sample request, in order, with every exclusion and why. No upstream is called.',
  fields: (t) => ({
    candidates: t.field({
      description: 'Endpoints in the order they would be tried.',
      type: [PreviewCandidateRef],
      resolve: (p) => p.candidates,
    }),
    excluded: t.field({
      description: 'Endpoints left out, with why.',
      type: [PreviewExclusionRef],
      resolve: (p) => p.excluded,
    }),
    tier: t.exposeString('tier', {
      nullable: true,
      description: 'lowrouter/auto: the minimum tier the request needs.',
    }),
    signals: t.exposeStringList('signals', { description: 'lowrouter/auto: the signals that set the tier.' }),
    policySummary: t.exposeString('policySummary', {
      description: 'The merged policy (organisation’s, key’s and the route override) in one sentence.',
    }),
    noRoute: t.exposeString('noRoute', {
      description: 'Why nothing can serve the request, when nothing can.',
      nullable: true,
    }),
  }),
});

const PreviewMessage = builder.inputType('PreviewMessage', {
  description: 'A sample message for the preview.',
  fields: (t) => ({
    role: t.string({ description: 'system, user, assistant or tool.', required: true }),
    content: t.string({ description: 'Its text.', required: true }),
  }),
});

builder.queryField('routePreview', (t) =>
  t.field({
    description:
      'What a request would do under a policy, without sending it: ordered candidates with reasons, exclusions, the auto tier (read scope).',
    type: RoutePreviewRef,
    errors: {
      types: [InvalidInputError, NotFoundError],
      union: { name: 'RoutePreviewResult', description: 'The preview, or InvalidInput / NotFound.' },
      result: { description: 'The preview, under `data`.' },
      dataField: { description: 'The preview.' },
    },
    args: {
      model: t.arg.string({ required: true, description: 'A model id or lowrouter/auto.' }),
      route: t.arg({ description: 'A route override, as a request would send it.', type: RouteInput }),
      messages: t.arg({
        description: 'Sample messages (they set the auto tier and the input estimate).',
        type: [PreviewMessage],
      }),
      models: t.arg.stringList({
        description: 'As in a request: auto chooses only among these; a named model falls back to them.',
      }),
      maxTokens: t.arg.int({ description: 'The request’s max_tokens.' }),
      policyId: t.arg.id({ description: "A stored policy; default: the caller's." }),
      policy: t.arg({ type: RoutingPolicyInput, description: 'An unsaved policy, to preview an edit.' }),
    },
    resolve: async (_r, args, ctx) => {
      const principal = requireQueryScope(ctx, 'read');
      const tables = await ctx.inference.tables.get();
      let spec: Spec;
      if (args.policy) spec = specFromInput(args.policy, tables);
      else if (args.policyId)
        spec = RoutingPolicySpec.parse(
          (await ownPolicy(ctx, args.policyId, principal.orgId, principal.instanceAdmin)).spec,
        );
      else spec = (await ctx.inference.policies.forPrincipal(principal)).spec;
      let override: RouteOverride | undefined;
      if (args.route) {
        const o = parseRouteOverride(
          Object.fromEntries(Object.entries(args.route).filter(([, v]) => v != null)),
        );
        if (!o.ok) throw new InvalidInputError('route', o.message);
        override = o.value;
      }
      const messages = args.messages?.length ? args.messages : [{ role: 'user', content: 'Hello' }];
      // The same planRoute as a real request: model resolution, `models`, max_tokens and the policy.
      const planned = planRoute({
        tables,
        spec,
        ...(override ? { override } : {}),
        request: {
          model: args.model,
          messages,
          ...(args.models ? { models: args.models } : {}),
          ...(args.maxTokens != null ? { max_tokens: args.maxTokens, maxTokens: args.maxTokens } : {}),
        },
        health: (id) => ctx.inference.health.view(id),
        config: { highIntensityThreshold: ctx.config.highIntensityThreshold },
        random: () => 0.5,
      });
      if (!planned.ok) throw new InvalidInputError(planned.refusal.field, planned.refusal.message);
      const { rank, classification, modelId: model } = planned.plan;
      return {
        candidates: rank.attempts.map((a) => ({
          endpointId: a.endpointId,
          model: a.modelId,
          provider: a.providerId,
          region: a.regionId,
          country: a.country,
          score: a.score,
          reasons: a.reasons,
        })),
        excluded: rank.excluded,
        tier: model === AUTO_MODEL ? classification.tier : null,
        signals: model === AUTO_MODEL ? classification.signals : [],
        policySummary: rank.policySummary,
        noRoute: rank.noRoute ?? null,
      };
    },
  }),
);

// ------------------------------------------------------------------ health

type Snapshot = ReturnType<Context['inference']['health']['snapshot']>;
const HealthRef = builder.objectRef<Snapshot>('EndpointHealth').implement({
  description:
    "This gateway node's view of the endpoint: a sliding window of outcomes and its circuit breaker. On PostgreSQL the circuit is shared by every node (a circuit opened elsewhere shows here within LOWROUTER_HEALTH_POLL_MS); the window is this node's own.",
  fields: (t) => ({
    state: t.field({
      description: 'The circuit breaker state on this node.',
      type: EndpointHealthStateEnum,
      resolve: (s) => s.state,
    }),
    requests: t.exposeInt('requests', { description: 'Outcomes in the window (at most the last 50).' }),
    failures: t.exposeInt('failures', { description: 'Failed outcomes in the window.' }),
    failureRate: t.exposeFloat('failureRate', { description: 'failures / requests in the window, 0 to 1.' }),
    p50LatencyMs: t.exposeFloat('p50LatencyMs', {
      description: 'Median upstream latency of the window, ms; null when empty.',
      nullable: true,
    }),
    consecutiveFailures: t.exposeInt('consecutiveFailures', {
      description: 'Failures in a row since the last success.',
    }),
    openReason: t.exposeString('openReason', {
      description:
        'Why the circuit opened, while it is open; "opened on <node>: …" when another gateway node saw the failures.',
      nullable: true,
    }),
    unavailableReason: t.exposeString('unavailableReason', {
      description: 'Why the endpoint is out (e.g. the upstream refused our credential), while it is.',
      nullable: true,
    }),
    lastErrorKind: t.field({
      description: 'Kind of the last upstream error; null when none.',
      type: ErrorKindEnum,
      nullable: true,
      resolve: (s) => errorKindOf(s.lastError?.kind),
    }),
  }),
});

builder.objectField(EndpointRef, 'health', (t) =>
  t.field({
    description: 'This gateway node’s health window and circuit state for the endpoint.',
    type: HealthRef,
    resolve: (e, _a, ctx) => ctx.inference.health.snapshot(e.id),
  }),
);
