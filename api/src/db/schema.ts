/**
 * Every table LowRouter needs. Units are in the column names: `_micro` is integer micro-USD,
 * `_wh` Wh, `_g` gCO2e, `_ms` milliseconds. Row types come from `$inferSelect`, never redeclared.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  check,
  date,
  doublePrecision,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
const micro = (name: string) => bigint(name, { mode: 'number' });

// ---------------------------------------------------------------- catalog

export const providers = pgTable('providers', {
  id: text('id').primaryKey(),
  name: text('name').notNull(),
  protocol: text('protocol').notNull(),
  baseUrl: text('base_url').notNull(),
  auth: text('auth').notNull(),
  selfHosted: boolean('self_hosted').notNull().default(false),
  pueMin: doublePrecision('pue_min').notNull(),
  pueMax: doublePrecision('pue_max').notNull(),
  pueSource: text('pue_source').notNull(),
  /** The full catalog row (paths, query, body defaults, notes) as imported. */
  spec: jsonb('spec').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

export const regions = pgTable(
  'regions',
  {
    id: text('id').primaryKey(),
    providerId: text('provider_id')
      .notNull()
      .references(() => providers.id),
    providerRegionId: text('provider_region_id').notNull(),
    name: text('name').notNull(),
    country: text('country').notNull(),
    gridZone: text('grid_zone').notNull(),
    /** Current grid factor, gCO2e/kWh; history lives in grid_factor_versions. */
    gridGco2ePerKwh: doublePrecision('grid_gco2e_per_kwh').notNull(),
    gridYear: integer('grid_year').notNull(),
    gridSource: text('grid_source').notNull(),
    gridBasis: text('grid_basis').notNull(),
    /** `catalog` when the figure comes from data/, else the grid import id that set it. */
    gridOrigin: text('grid_origin').notNull().default('catalog'),
    pueMin: doublePrecision('pue_min'),
    pueMax: doublePrecision('pue_max'),
    locationConfidence: text('location_confidence').notNull(),
    locationNote: text('location_note'),
    /** URL of the provider page that says where it processes data (documented locations only). */
    locationSource: text('location_source'),
    source: text('source').notNull(),
    sourceDate: text('source_date').notNull(),
  },
  (t) => [index('regions_provider_idx').on(t.providerId), index('regions_country_idx').on(t.country)],
);

/** Every grid factor a region or country has ever had: the catalog's, then each operator import. */
export const gridFactorVersions = pgTable(
  'grid_factor_versions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Exactly one of region_id / country is set. */
    regionId: text('region_id'),
    country: text('country'),
    gco2ePerKwh: doublePrecision('gco2e_per_kwh').notNull(),
    year: integer('year').notNull(),
    source: text('source').notNull(),
    basis: text('basis').notNull(),
    importId: text('import_id').notNull(),
    validFrom: ts('valid_from').notNull().defaultNow(),
  },
  (t) => [index('grid_factor_versions_region_idx').on(t.regionId, t.validFrom)],
);

export const models = pgTable(
  'models',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    vendor: text('vendor').notNull(),
    architecture: text('architecture').notNull(),
    openWeights: boolean('open_weights').notNull(),
    activeParamsMinB: doublePrecision('active_params_min_b').notNull(),
    activeParamsMaxB: doublePrecision('active_params_max_b').notNull(),
    totalParamsMinB: doublePrecision('total_params_min_b').notNull(),
    totalParamsMaxB: doublePrecision('total_params_max_b').notNull(),
    paramsConfidence: text('params_confidence').notNull(),
    paramsSource: text('params_source').notNull(),
    contextWindow: integer('context_window').notNull(),
    maxOutputTokens: integer('max_output_tokens').notNull(),
    tier: text('tier').notNull(),
    toolCalling: boolean('tool_calling').notNull(),
    vision: boolean('vision').notNull().default(false),
    /** Upstream tokens/s and time to first token (s), when EcoLogits has them. */
    tps: doublePrecision('tps'),
    ttftSeconds: doublePrecision('ttft_seconds'),
    aliases: text('aliases').array().notNull().default(sql`'{}'::text[]`),
  },
  (t) => [index('models_tier_idx').on(t.tier)],
);

export const endpoints = pgTable(
  'endpoints',
  {
    id: text('id').primaryKey(),
    modelId: text('model_id')
      .notNull()
      .references(() => models.id),
    providerId: text('provider_id')
      .notNull()
      .references(() => providers.id),
    regionId: text('region_id')
      .notNull()
      .references(() => regions.id),
    upstreamModel: text('upstream_model').notNull(),
    /** Prices in integer micro-USD per 1M tokens (USD 0.15 → 150000). */
    inputMicroPerMTok: micro('input_micro_per_mtok').notNull(),
    outputMicroPerMTok: micro('output_micro_per_mtok').notNull(),
    cachedInputMicroPerMTok: micro('cached_input_micro_per_mtok'),
    cacheWriteMicroPerMTok: micro('cache_write_micro_per_mtok'),
    priceSource: text('price_source').notNull(),
    priceDate: text('price_date').notNull(),
    /** False once an endpoint disappears from data/: kept so past requests still resolve. */
    active: boolean('active').notNull().default(true),
  },
  (t) => [
    index('endpoints_model_idx').on(t.modelId),
    index('endpoints_provider_idx').on(t.providerId),
    index('endpoints_region_idx').on(t.regionId),
  ],
);

export const meta = pgTable('meta', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
});

// ---------------------------------------------------------------- tenants

export const organizations = pgTable(
  'organizations',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull(),
    /**
     * Sum of credit_ledger.amount_micro, kept by a trigger on credit_ledger inserts (migration 0003);
     * any other change to it is refused by the database, so code never writes it.
     */
    balanceMicro: micro('balance_micro').notNull().default(0),
    /** Sum of open reservations and node leases; spendable = balance - reserved. */
    reservedMicro: micro('reserved_micro').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  // No interleaving may hold or spend credit that is not there: every statement must leave this true.
  (t) => [
    check(
      'organizations_reserved_within_balance',
      sql`${t.reservedMicro} >= 0 and ${t.reservedMicro} <= ${t.balanceMicro}`,
    ),
  ],
);

export const routingPolicies = pgTable(
  'routing_policies',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    /** The validated policy spec (api/src/routing/policy.ts). */
    spec: jsonb('spec').notNull(),
    isDefault: boolean('is_default').notNull().default(false),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('routing_policies_org_idx').on(t.orgId),
    uniqueIndex('routing_policies_one_default').on(t.orgId).where(sql`${t.isDefault}`),
  ],
);

export const apiKeys = pgTable(
  'api_keys',
  {
    id: text('id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    name: text('name').notNull(),
    /** First characters of the key, for display (`lr_AbC…`). */
    prefix: text('prefix').notNull(),
    /** HMAC-SHA256 of the key under the instance secret, hex. The key itself is never stored. */
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    instanceAdmin: boolean('instance_admin').notNull().default(false),
    policyId: text('policy_id').references(() => routingPolicies.id),
    requestsPerMinute: integer('requests_per_minute'),
    tokensPerMinute: integer('tokens_per_minute'),
    /** Response cache opt-in for every request of this key (seconds an answer is kept); null = off. */
    cacheTtlSeconds: integer('cache_ttl_seconds'),
    createdAt: ts('created_at').notNull().defaultNow(),
    revokedAt: ts('revoked_at'),
    lastUsedAt: ts('last_used_at'),
  },
  (t) => [uniqueIndex('api_keys_hash_idx').on(t.keyHash), index('api_keys_org_idx').on(t.orgId)],
);

// ---------------------------------------------------------------- money

/** Append-only. Positive amounts add credit (grant, refund), negative ones spend it (usage). */
export const creditLedger = pgTable(
  'credit_ledger',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    kind: text('kind').notNull(), // grant | usage | refund | adjustment
    amountMicro: micro('amount_micro').notNull(),
    requestId: text('request_id'),
    actorKeyId: text('actor_key_id'),
    note: text('note'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('credit_ledger_org_idx').on(t.orgId, t.id),
    uniqueIndex('credit_ledger_request_idx').on(t.requestId).where(sql`${t.requestId} is not null`),
  ],
);

/**
 * Credit held for a request in flight (request_id = the request's id), or a node's credit lease
 * (request_id = 'lease:<nodeId>:<orgId>', see billing/credit-lease.ts); settled or released when it
 * ends, swept when its node is gone.
 */
export const creditReservations = pgTable(
  'credit_reservations',
  {
    requestId: text('request_id').primaryKey(),
    orgId: text('org_id')
      .notNull()
      .references(() => organizations.id),
    amountMicro: micro('amount_micro').notNull(),
    /** The gateway process that holds it; a dead node's reservations are released by the sweeper. */
    nodeId: text('node_id').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('credit_reservations_org_idx').on(t.orgId),
    index('credit_reservations_node_idx').on(t.nodeId),
    check('credit_reservations_amount_nonnegative', sql`${t.amountMicro} >= 0`),
  ],
);

/**
 * Shared per-key rate limits (inference/shared-rate-limit.ts): what every gateway node together has
 * claimed of a key's limits for one aligned minute (window_start = the UTC minute). A node admits
 * against the slices it claimed, in memory; claims go through claim_rate_limit_slice() (migration
 * rate_limit_claim), which never lets a total pass the key's limit. Rows older than a few minutes are
 * deleted by the nodes as they claim.
 */
export const rateLimitWindows = pgTable(
  'rate_limit_windows',
  {
    keyId: text('key_id').notNull(),
    windowStart: ts('window_start').notNull(),
    /** Requests claimed by all nodes in this minute (≤ the key's requests_per_minute). */
    requests: integer('requests').notNull().default(0),
    /** Estimated tokens claimed by all nodes in this minute (≤ the key's tokens_per_minute). */
    tokens: bigint('tokens', { mode: 'number' }).notNull().default(0),
  },
  (t) => [
    primaryKey({ columns: [t.keyId, t.windowStart] }),
    check('rate_limit_windows_nonnegative', sql`${t.requests} >= 0 and ${t.tokens} >= 0`),
  ],
);

/**
 * Circuit-breaker state shared by the gateway nodes on one PostgreSQL (routing/shared-health.ts): one
 * row per endpoint whose circuit ever opened. Written when a node's circuit opens, closes or re-opens
 * (never per request); each node polls the rows whose updated_at moved. Unused on PGlite.
 */
export const endpointCircuits = pgTable(
  'endpoint_circuits',
  {
    /** No foreign key: a catalog re-import must not be blocked by breaker state. */
    endpointId: text('endpoint_id').primaryKey(),
    /** When the circuit opened (the opening node's clock); null while closed. */
    openedAt: ts('opened_at'),
    openReason: text('open_reason'),
    /** The node whose failures opened it. */
    openedBy: text('opened_by'),
    /** The node that holds the half-open probe, until probe_until (database clock). */
    probeNode: text('probe_node'),
    probeUntil: ts('probe_until'),
    /** The database's now() at the last write: what the nodes poll on. */
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [index('endpoint_circuits_updated_idx').on(t.updatedAt)],
);

// ---------------------------------------------------------------- requests and rollups

/** One row per inference request, successful or not. Prompt and completion text are never stored. */
export const requests = pgTable(
  'requests',
  {
    id: text('id').notNull(),
    createdAt: ts('created_at').notNull(),
    orgId: text('org_id').notNull(),
    apiKeyId: text('api_key_id').notNull(),
    surface: text('surface').notNull(), // rest | graphql
    stream: boolean('stream').notNull(),
    status: text('status').notNull(), // ok | error | client_disconnected
    errorKind: text('error_kind'),
    finishReason: text('finish_reason'),
    requestedModel: text('requested_model').notNull(),
    policyId: text('policy_id'),
    policyKind: text('policy_kind'),
    modelId: text('model_id'),
    providerId: text('provider_id'),
    regionId: text('region_id'),
    endpointId: text('endpoint_id'),
    country: text('country'),
    /** How the serving region's location is known: `documented` or `assumed` (null: nothing served). */
    locationBasis: text('location_basis'),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    cachedInputTokens: integer('cached_input_tokens').notNull().default(0),
    cacheWriteTokens: integer('cache_write_tokens').notNull().default(0),
    reasoningTokens: integer('reasoning_tokens').notNull().default(0),
    tokensEstimated: boolean('tokens_estimated').notNull().default(false),
    latencyMs: integer('latency_ms').notNull(),
    upstreamLatencyMs: integer('upstream_latency_ms'),
    /** Upstream price of the tokens used, and what the organisation was charged (upstream + fee). */
    upstreamCostMicro: micro('upstream_cost_micro').notNull().default(0),
    chargeMicro: micro('charge_micro').notNull().default(0),
    energyWhMin: doublePrecision('energy_wh_min'),
    energyWhMax: doublePrecision('energy_wh_max'),
    gco2eMin: doublePrecision('gco2e_min'),
    gco2eMax: doublePrecision('gco2e_max'),
    gco2eEmbodiedMin: doublePrecision('gco2e_embodied_min'),
    gco2eEmbodiedMax: doublePrecision('gco2e_embodied_max'),
    /** The inputs the estimate used, so a later catalog change never rewrites the past. */
    gridGco2ePerKwh: doublePrecision('grid_gco2e_per_kwh'),
    gridSource: text('grid_source'),
    pueMin: doublePrecision('pue_min'),
    pueMax: doublePrecision('pue_max'),
    activeParamsMinB: doublePrecision('active_params_min_b'),
    activeParamsMaxB: doublePrecision('active_params_max_b'),
    totalParamsMinB: doublePrecision('total_params_min_b'),
    totalParamsMaxB: doublePrecision('total_params_max_b'),
    ecoConfidence: text('eco_confidence'),
    methodologyVersion: text('methodology_version'),
    /** Route block: reason, attempts [{endpointId, provider, region, outcome, errorKind, latencyMs}]. */
    route: jsonb('route').notNull(),
    fallbackUsed: boolean('fallback_used').notNull().default(false),
    /** Answered from the response cache: no upstream call; the avoided_* columns hold what it saved. */
    cacheHit: boolean('cache_hit').notNull().default(false),
    /** µUSD the original answer cost minus what this hit was charged. */
    costSavedMicro: micro('cost_saved_micro').notNull().default(0),
    /** The original answer's estimate: the energy and gCO2e this hit did not spend. */
    avoidedEnergyWhMin: doublePrecision('avoided_energy_wh_min'),
    avoidedEnergyWhMax: doublePrecision('avoided_energy_wh_max'),
    avoidedGco2eMin: doublePrecision('avoided_gco2e_min'),
    avoidedGco2eMax: doublePrecision('avoided_gco2e_max'),
    /** Year of the grid factor the estimate used (grid_source names its publisher). */
    gridYear: integer('grid_year'),
    /** The catalog the request was routed and estimated with: `<catalog hash, 12>[+<grid import id>]`. */
    catalogVersion: text('catalog_version'),
  },
  (t) => [
    primaryKey({ columns: [t.createdAt, t.id] }),
    index('requests_org_created_idx').on(t.orgId, t.createdAt, t.id),
    index('requests_org_key_created_idx').on(t.orgId, t.apiKeyId, t.createdAt),
  ],
);

/**
 * The columns usage_daily and usage_hourly share, in table order: the rollup key after the time
 * bucket, then the sums (billing/record.ts and db/queries/credit.ts add to the same list). A function,
 * so each table gets its own column builders.
 */
const rollupColumns = () => ({
  orgId: text('org_id').notNull(),
  apiKeyId: text('api_key_id').notNull(),
  policyId: text('policy_id').notNull().default(''),
  modelId: text('model_id').notNull().default(''),
  providerId: text('provider_id').notNull().default(''),
  regionId: text('region_id').notNull().default(''),
  country: text('country').notNull().default(''),
  requests: integer('requests').notNull().default(0),
  errors: integer('errors').notNull().default(0),
  inputTokens: bigint('input_tokens', { mode: 'number' }).notNull().default(0),
  outputTokens: bigint('output_tokens', { mode: 'number' }).notNull().default(0),
  cachedInputTokens: bigint('cached_input_tokens', { mode: 'number' }).notNull().default(0),
  reasoningTokens: bigint('reasoning_tokens', { mode: 'number' }).notNull().default(0),
  upstreamCostMicro: micro('upstream_cost_micro').notNull().default(0),
  chargeMicro: micro('charge_micro').notNull().default(0),
  energyWhMin: doublePrecision('energy_wh_min').notNull().default(0),
  energyWhMax: doublePrecision('energy_wh_max').notNull().default(0),
  gco2eMin: doublePrecision('gco2e_min').notNull().default(0),
  gco2eMax: doublePrecision('gco2e_max').notNull().default(0),
  latencyMsSum: bigint('latency_ms_sum', { mode: 'number' }).notNull().default(0),
  cacheHits: integer('cache_hits').notNull().default(0),
  costSavedMicro: micro('cost_saved_micro').notNull().default(0),
  avoidedEnergyWhMin: doublePrecision('avoided_energy_wh_min').notNull().default(0),
  avoidedEnergyWhMax: doublePrecision('avoided_energy_wh_max').notNull().default(0),
  avoidedGco2eMin: doublePrecision('avoided_gco2e_min').notNull().default(0),
  avoidedGco2eMax: doublePrecision('avoided_gco2e_max').notNull().default(0),
  /** Of `requests`, those to /v1/embeddings (encoder calls: no output tokens, no eco estimate). */
  embeddingRequests: integer('embedding_requests').notNull().default(0),
});

/** Rollup by UTC day, organisation, key, policy, model, provider and region. Empty string = none. */
export const usageDaily = pgTable(
  'usage_daily',
  {
    day: date('day', { mode: 'string' }).notNull(),
    ...rollupColumns(),
  },
  (t) => [
    primaryKey({
      columns: [t.orgId, t.day, t.apiKeyId, t.policyId, t.modelId, t.providerId, t.regionId, t.country],
    }),
  ],
);

/**
 * The response cache (opt-in per key or per request): one answer per organisation and request hash,
 * kept until `expires_at`. Never shared across organisations (the organisation is part of the key).
 * The only place LowRouter keeps completion text, and only for callers who asked for it.
 */
export const responseCache = pgTable(
  'response_cache',
  {
    orgId: text('org_id').notNull(),
    /** SHA-256 (hex) of the canonical request (inference/cache.ts says which fields). */
    key: text('key').notNull(),
    createdAt: ts('created_at').notNull(),
    expiresAt: ts('expires_at').notNull(),
    /** The endpoint that produced the answer: a hit is served only where that endpoint is still allowed. */
    endpointId: text('endpoint_id').notNull(),
    /** The request whose answer this is. */
    requestId: text('request_id').notNull(),
    /** Message, finish reason, usage, charge, eco and route of the original answer. */
    answer: jsonb('answer').notNull(),
  },
  (t) => [primaryKey({ columns: [t.orgId, t.key] }), index('response_cache_expires_idx').on(t.expiresAt)],
);

/**
 * Rollup by UTC hour, same keys and sums as usage_daily: local-time days of every zone whose offset is
 * a whole number of hours are exact sums of hours (api/src/analytics/usage-query.ts).
 */
export const usageHourly = pgTable(
  'usage_hourly',
  {
    hour: ts('hour').notNull(),
    ...rollupColumns(),
  },
  (t) => [
    primaryKey({
      columns: [t.orgId, t.hour, t.apiKeyId, t.policyId, t.modelId, t.providerId, t.regionId, t.country],
    }),
  ],
);

/**
 * Append-only (triggers refuse UPDATE, DELETE and TRUNCATE) and hash-chained: `hash` covers
 * `prev_hash` and the entry's canonical content (api/src/audit.ts). Entries written before the chain
 * existed have null hashes.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Null for instance-wide actions (grid imports). */
    orgId: text('org_id'),
    actorKeyId: text('actor_key_id'),
    action: text('action').notNull(),
    targetType: text('target_type').notNull(),
    targetId: text('target_id'),
    details: jsonb('details').notNull().default({}),
    createdAt: ts('created_at').notNull().defaultNow(),
    /** Hash of the entry before this one (64 zeros for the first), hex SHA-256. */
    prevHash: text('prev_hash'),
    /** SHA-256 of prev_hash and this entry's canonical content, hex. */
    hash: text('hash'),
  },
  (t) => [index('audit_log_org_idx').on(t.orgId, t.id), uniqueIndex('audit_log_hash_idx').on(t.hash)],
);

export type ProviderRow = typeof providers.$inferSelect;
export type RegionRow = typeof regions.$inferSelect;
export type ModelRow = typeof models.$inferSelect;
export type EndpointRow = typeof endpoints.$inferSelect;
export type OrganizationRow = typeof organizations.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type RoutingPolicyRow = typeof routingPolicies.$inferSelect;
export type RequestRow = typeof requests.$inferSelect;
export type UsageDailyRow = typeof usageDaily.$inferSelect;
export type UsageHourlyRow = typeof usageHourly.$inferSelect;
export type AuditLogRow = typeof auditLog.$inferSelect;
