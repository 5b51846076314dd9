import { and, desc, eq, isNull } from 'drizzle-orm';
import { type Scope, displayPrefix, generateApiKey, hashApiKey } from '../../auth/keys';
import { ensureKeySecret } from '../../auth/bootstrap';
import { audit } from '../../audit';
import { type ApiKeyRow, apiKeys, organizations } from '../../db/schema';
import { newId } from '../../ids';
import { resolveOrGraphQLError } from '../../analytics/graphql-errors';
import { readableOrg } from '../../analytics/filter';
import { builder } from '../builder';
import { ForbiddenError, InvalidInputError, NotFoundError, requireScope, targetOrg } from './errors';

export const ApiKeyScopeEnum = builder.enumType('ApiKeyScope', {
  description:
    'INFERENCE calls models; READ reads usage, credits and logs; ADMIN manages keys, policies and credits.',
  values: {
    INFERENCE: { description: 'Call models: /v1/chat/completions and the complete mutation.' },
    READ: { description: 'Read the organisation’s usage, requests, credits, policies and exports.' },
    ADMIN: { description: 'Manage the organisation’s keys and routing policies, read its audit log.' },
  } as const,
});

export const ApiKeyRef = builder.objectRef<ApiKeyRow>('ApiKey').implement({
  description: 'An API key. The key itself is shown once, at creation; only its prefix is kept readable.',
  fields: (t) => ({
    id: t.exposeID('id', { description: 'Key id (`key_…`); not the secret.' }),
    name: t.exposeString('name', { description: 'A name to recognise the key by.' }),
    prefix: t.exposeString('prefix', {
      description: 'The first characters of the key, to tell keys apart; the rest is kept only as a hash.',
    }),
    organizationId: t.exposeID('orgId', { description: 'The organisation the key acts for.' }),
    scopes: t.field({
      description: 'What the key may do.',
      type: [ApiKeyScopeEnum],
      resolve: (k) => k.scopes.map((s) => s.toUpperCase() as 'READ'),
    }),
    requestsPerMinute: t.exposeInt('requestsPerMinute', {
      description: 'Requests per minute this key may send; null for no limit.',
      nullable: true,
    }),
    tokensPerMinute: t.exposeInt('tokensPerMinute', {
      description: 'Tokens per minute this key may use; null for no limit.',
      nullable: true,
    }),
    cacheTtlSeconds: t.exposeInt('cacheTtlSeconds', {
      nullable: true,
      description:
        "Response cache for this key's deterministic requests (temperature 0): seconds an answer is kept; null = off.",
    }),
    policyId: t.exposeID('policyId', {
      description: 'The key’s own routing policy, when it has one (else the organisation default applies).',
      nullable: true,
    }),
    createdAt: t.field({
      description: 'When the key was created.',
      type: 'DateTime',
      resolve: (k) => k.createdAt,
    }),
    revokedAt: t.field({
      description: 'When it was revoked; null while it works.',
      type: 'DateTime',
      nullable: true,
      resolve: (k) => k.revokedAt,
    }),
    lastUsedAt: t.field({
      description:
        'When it last authenticated a request (written to the database every 30 s or so); null if never.',
      type: 'DateTime',
      nullable: true,
      resolve: (k) => k.lastUsedAt,
    }),
  }),
});

const CreateApiKeySuccess = builder
  .objectRef<{ key: string; apiKey: ApiKeyRow }>('CreateApiKeySuccess')
  .implement({
    description: 'A new key: the secret (shown once) and its record.',
    fields: (t) => ({
      key: t.exposeString('key', { description: 'The key. Shown this once: store it now.' }),
      apiKey: t.field({ description: 'The key’s record.', type: ApiKeyRef, resolve: (r) => r.apiKey }),
    }),
  });

const RevokeApiKeySuccess = builder.objectRef<{ apiKey: ApiKeyRow }>('RevokeApiKeySuccess').implement({
  description: 'The key just revoked.',
  fields: (t) => ({
    apiKey: t.field({
      description: 'Its record, with revokedAt set.',
      type: ApiKeyRef,
      resolve: (r) => r.apiKey,
    }),
  }),
});

function checkCacheTtl(ttl: number | null | undefined, max: number): void {
  if (ttl == null) return;
  if (ttl < 0 || ttl > max)
    throw new InvalidInputError(
      'cacheTtlSeconds',
      `the cache TTL must be 0 (off) to ${max} seconds (LOWROUTER_CACHE_MAX_TTL_SECONDS)`,
    );
}

builder.queryField('apiKeys', (t) =>
  t.field({
    type: [ApiKeyRef],
    description: "The organisation's keys, newest first (admin scope).",
    args: {
      orgId: t.arg.id({ description: 'Another organisation (instance admin); default your own.' }),
      includeRevoked: t.arg.boolean({ description: 'Also list revoked keys.', defaultValue: false }),
    },
    resolve: (_r, { orgId, includeRevoked }, ctx) =>
      // Queries have no union results: another organisation is a FORBIDDEN error, not a masked one.
      resolveOrGraphQLError(() => {
        const org = readableOrg(ctx.principal, orgId, 'admin');
        return ctx.db
          .select()
          .from(apiKeys)
          .where(and(eq(apiKeys.orgId, org), includeRevoked ? undefined : isNull(apiKeys.revokedAt)))
          .orderBy(desc(apiKeys.createdAt));
      }),
  }),
);

builder.mutationFields((t) => ({
  createApiKey: t.field({
    description: 'Creates an API key (admin scope, audited); its secret is in the result once.',
    type: CreateApiKeySuccess,
    errors: {
      types: [ForbiddenError, InvalidInputError, NotFoundError],
      directResult: true,
      union: {
        name: 'CreateApiKeyResult',
        description: 'The new key, or Forbidden / InvalidInput / NotFound.',
      },
    },
    args: {
      orgId: t.arg.id({
        description: 'Defaults to your own organisation; another one needs the instance admin.',
      }),
      name: t.arg.string({ description: '1 to 100 characters.', required: true }),
      scopes: t.arg({
        description: 'At least one of INFERENCE, READ, ADMIN.',
        type: [ApiKeyScopeEnum],
        required: true,
      }),
      requestsPerMinute: t.arg.int({ description: 'At least 1; leave out for no limit.' }),
      tokensPerMinute: t.arg.int({ description: 'At least 1; leave out for no limit.' }),
      cacheTtlSeconds: t.arg.int({
        description:
          "Turn the response cache on for this key's deterministic requests, keeping answers this many seconds.",
      }),
    },
    resolve: async (_r, args, ctx) => {
      const p = requireScope(ctx, 'admin');
      const orgId = targetOrg(p, args.orgId);
      const name = args.name.trim();
      if (!name || name.length > 100)
        throw new InvalidInputError('name', 'give the key a name of 1 to 100 characters');
      if (!args.scopes.length)
        throw new InvalidInputError('scopes', 'give at least one scope: INFERENCE, READ or ADMIN');
      for (const [field, v] of [
        ['requestsPerMinute', args.requestsPerMinute],
        ['tokensPerMinute', args.tokensPerMinute],
      ] as const) {
        if (v != null && v < 1)
          throw new InvalidInputError(field, `${field} must be at least 1 (or left out for no limit)`);
      }
      checkCacheTtl(args.cacheTtlSeconds, ctx.config.cacheMaxTtlSeconds);
      const [org] = await ctx.db
        .select({ id: organizations.id })
        .from(organizations)
        .where(eq(organizations.id, orgId));
      if (!org) throw new NotFoundError(`no organisation ${orgId}`);
      const key = generateApiKey();
      const secret = await ensureKeySecret(ctx.db, ctx.config);
      const scopes = [...new Set(args.scopes.map((s) => s.toLowerCase() as Scope))];
      return ctx.db.transaction(async (tx) => {
        const [row] = await tx
          .insert(apiKeys)
          .values({
            id: newId('key'),
            orgId,
            name,
            prefix: displayPrefix(key),
            keyHash: hashApiKey(secret, key),
            scopes,
            requestsPerMinute: args.requestsPerMinute ?? null,
            tokensPerMinute: args.tokensPerMinute ?? null,
            cacheTtlSeconds: args.cacheTtlSeconds || null,
          })
          .returning();
        await audit(tx, {
          orgId,
          actorKeyId: p.keyId,
          action: 'apiKey.create',
          targetType: 'apiKey',
          targetId: row!.id,
          details: {
            name,
            scopes,
            ...(args.cacheTtlSeconds ? { cacheTtlSeconds: args.cacheTtlSeconds } : {}),
          },
        });
        return { key, apiKey: row! };
      });
    },
  }),
  setApiKeyCache: t.field({
    type: RevokeApiKeySuccess,
    description:
      "Turns the response cache on (ttlSeconds > 0) or off (0 or null) for a key's deterministic requests. Audited.",
    errors: {
      types: [ForbiddenError, InvalidInputError, NotFoundError],
      directResult: true,
      union: {
        name: 'SetApiKeyCacheResult',
        description: 'The key with its new cache setting, or why it was refused.',
      },
    },
    args: {
      id: t.arg.id({
        required: true,
        description: 'The key to change (your organisation’s, or any for the instance admin).',
      }),
      ttlSeconds: t.arg.int({
        description: 'Seconds an answer is kept; 0 or null turns the cache off for this key.',
      }),
    },
    resolve: async (_r, { id, ttlSeconds }, ctx) => {
      const p = requireScope(ctx, 'admin');
      checkCacheTtl(ttlSeconds, ctx.config.cacheMaxTtlSeconds);
      const [existing] = await ctx.db.select().from(apiKeys).where(eq(apiKeys.id, id));
      if (!existing || (existing.orgId !== p.orgId && !p.instanceAdmin) || existing.revokedAt)
        throw new NotFoundError(`no active API key ${id}`);
      const row = await ctx.db.transaction(async (tx) => {
        const [updated] = await tx
          .update(apiKeys)
          .set({ cacheTtlSeconds: ttlSeconds || null })
          .where(eq(apiKeys.id, id))
          .returning();
        await audit(tx, {
          orgId: existing.orgId,
          actorKeyId: p.keyId,
          action: 'apiKey.cache',
          targetType: 'apiKey',
          targetId: id,
          details: { from: existing.cacheTtlSeconds, to: ttlSeconds || null },
        });
        return updated!;
      });
      // Every node reads the new setting with the key on its next lookup (the key cache's TTL).
      ctx.keys.invalidate(id);
      return { apiKey: row };
    },
  }),
  revokeApiKey: t.field({
    description: 'Revokes a key at once (admin scope, audited); revoking twice keeps the first time.',
    type: RevokeApiKeySuccess,
    errors: {
      types: [ForbiddenError, NotFoundError],
      directResult: true,
      union: { name: 'RevokeApiKeyResult', description: 'The revoked key, or Forbidden / NotFound.' },
    },
    args: { id: t.arg.id({ description: 'The key id (`key_…`).', required: true }) },
    resolve: async (_r, { id }, ctx) => {
      const p = requireScope(ctx, 'admin');
      const [existing] = await ctx.db.select().from(apiKeys).where(eq(apiKeys.id, id));
      // Another organisation's key is reported as not found, so ids do not leak across tenants.
      if (!existing || (existing.orgId !== p.orgId && !p.instanceAdmin))
        throw new NotFoundError(`no API key ${id}`);
      const row = await ctx.db.transaction(async (tx) => {
        const [updated] = await tx
          .update(apiKeys)
          .set({ revokedAt: existing.revokedAt ?? new Date() })
          .where(eq(apiKeys.id, id))
          .returning();
        await audit(tx, {
          orgId: existing.orgId,
          actorKeyId: p.keyId,
          action: 'apiKey.revoke',
          targetType: 'apiKey',
          targetId: id,
        });
        return updated!;
      });
      ctx.keys.invalidate(id);
      return { apiKey: row };
    },
  }),
}));
