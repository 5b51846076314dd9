/**
 * The only module that reads process.env: everything else receives a typed Config.
 * Provider credentials are read separately by providers/credentials.ts from the same env snapshot.
 */
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import { parseCorsOrigins } from './http/cors';

const intFrom = (def: number) => z.coerce.number().int().nonnegative().default(def);

const EnvSchema = z.object({
  PORT: intFrom(8080),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  /** A PostgreSQL replica (hot standby) of DATABASE_URL for analytics and exports; needs DATABASE_URL. */
  DATABASE_READ_URL: z.string().url().optional(),
  /** A direct PostgreSQL URL (not through PgBouncer) for session features; default DATABASE_URL. */
  DATABASE_DIRECT_URL: z.string().url().optional(),
  /** Prepared statements on PostgreSQL; set to false behind PgBouncer in transaction pooling mode. */
  LOWROUTER_PG_PREPARE: z
    .enum(['0', '1', 'true', 'false'])
    .default('1')
    .transform((v) => v === '1' || v === 'true'),
  LOWROUTER_DATA_DIR: z.string().default('.lowrouter'),
  /** The bootstrap (instance admin) key; generated and printed once when absent. */
  LOWROUTER_ADMIN_KEY: z
    .string()
    .regex(
      /^lr_[0-9A-Za-z]{43,}$/,
      'must be lr_ followed by at least 43 base62 characters (leave it unset to have one generated)',
    )
    .optional(),
  /** Secret for the keyed hash of API keys; generated and kept in the database when absent. */
  LOWROUTER_KEY_SECRET: z.string().min(16).optional(),
  /** Platform fee on top of the upstream price, in percent (default 5). */
  LOWROUTER_FEE_PERCENT: z.coerce.number().min(0).max(100).default(5),
  /** Regions above this grid intensity (gCO2e/kWh) are tried last unless pinned. */
  LOWROUTER_HIGH_INTENSITY_THRESHOLD: z.coerce.number().positive().default(500),
  LOWROUTER_MAX_BODY_BYTES: intFrom(4 * 1024 * 1024),
  LOWROUTER_MAX_MESSAGES: intFrom(1000),
  /** /v1 requests served at once by one process; past it new ones get 503 + retry-after at once. */
  LOWROUTER_MAX_IN_FLIGHT: z.coerce.number().int().positive().default(512),
  /** Time a client has to send its request headers (ms); slower connections are cut with 408. */
  LOWROUTER_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(100).default(10_000),
  /** Months of request rows kept on Postgres; 0 keeps everything. Rollups are never dropped. */
  LOWROUTER_RETENTION_MONTHS: intFrom(0),
  /** A streaming client that has not read for this long (ms) is treated as gone: upstream cancelled, settled. */
  LOWROUTER_STREAM_STALL_MS: z.coerce.number().int().positive().default(60_000),
  /**
   * How far V8 lets the JavaScript heap grow past what survived the last full collection, in percent
   * (runtime/heap.ts); 0 leaves V8's own choice (up to 4× under load).
   */
  LOWROUTER_HEAP_GROWING_PERCENT: z.coerce.number().int().min(0).max(300).default(50),
  /** ms between a node's polls of the circuit breakers the other nodes share (PostgreSQL only). */
  LOWROUTER_HEALTH_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(250),
  /** Processes serving the port on PostgreSQL (node:cluster); default one per core. PGlite: always 1. */
  LOWROUTER_WORKERS: z.coerce.number().int().min(1).max(256).optional(),
  /** Most API keys (known and unknown) cached per node; bounds memory under random-key floods. */
  LOWROUTER_KEY_CACHE_MAX: z.coerce.number().int().positive().default(10_000),
  /** Failed authentications per minute from one address before 429; 0 turns the limit off. */
  LOWROUTER_FAILED_AUTH_PER_MINUTE: intFrom(20),
  /** Count failures under the last X-Forwarded-For hop (set only behind a proxy that appends it). */
  LOWROUTER_TRUST_PROXY: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  /** Share of the original answer's charge a response-cache hit costs (0 = free, 1 = full price). */
  LOWROUTER_CACHE_HIT_PRICE: z.coerce.number().min(0).max(1).default(0),
  /** Longest a cached answer may be kept, seconds (caps `cache.ttlSeconds` and a key's setting). */
  LOWROUTER_CACHE_MAX_TTL_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(7 * 24 * 3600),
  /** Browser origins allowed to call /v1 and /graphql (CORS), comma-separated exact origins; default none. */
  LOWROUTER_CORS_ORIGINS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const parsed = parseCorsOrigins(v);
      if (Array.isArray(parsed)) return parsed;
      ctx.addIssue({ code: 'custom', message: parsed.error });
      return z.NEVER;
    }),
  LOWROUTER_LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** Labels the UI as showing demo data (set by `pnpm demo`). */
  LOWROUTER_DEMO: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
  /** The public /footprint page (instance totals, no organisation shown); false answers 404. */
  LOWROUTER_PUBLIC_FOOTPRINT: z
    .enum(['0', '1', 'true', 'false'])
    .default('1')
    .transform((v) => v === '1' || v === 'true'),
  /** Serve /metrics without a key (operational figures are private by default). */
  LOWROUTER_METRICS_PUBLIC: z
    .enum(['0', '1', 'true', 'false'])
    .default('0')
    .transform((v) => v === '1' || v === 'true'),
});

export type Config = {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  /**
   * DATABASE_READ_URL: where usage, requests, footprint reports, exports and the public /footprint
   * totals are read (they may lag by the replica's replay delay); undefined: the primary.
   */
  databaseReadUrl: string | undefined;
  /**
   * Direct PostgreSQL connection for what needs a session (node lease advisory locks, LISTEN,
   * migrations, the async-commit pool); DATABASE_DIRECT_URL, else DATABASE_URL.
   */
  databaseDirectUrl: string | undefined;
  pgPrepare: boolean;
  dataDir: string;
  adminKey: string | undefined;
  keySecret: string | undefined;
  feePercent: number;
  highIntensityThreshold: number;
  maxBodyBytes: number;
  maxMessages: number;
  maxInFlight: number;
  headersTimeoutMs: number;
  retentionMonths: number;
  /** ms without a read from a streaming client before its stream is ended and settled. */
  streamStallMs: number;
  /** ms between polls of the shared circuit-breaker table (PostgreSQL); a circuit opened elsewhere is seen within it. */
  healthPollMs: number;
  /** Heap growth past the live set after a full GC, percent; 0 = V8's default (runtime/heap.ts). */
  heapGrowingPercent: number;
  keyCacheMax: number;
  failedAuthPerMinute: number;
  trustProxy: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  /** Response cache: fraction of the original charge a hit costs, and the longest TTL (s). */
  cacheHitPrice: number;
  cacheMaxTtlSeconds: number;
  /** Worker processes `lowrouter start` runs on PostgreSQL (one per core unless LOWROUTER_WORKERS). */
  workers: number;
  demo: boolean;
  /** Whether /footprint is served (LOWROUTER_PUBLIC_FOOTPRINT, default true). */
  publicFootprint: boolean;
  /** Exact origins allowed by CORS on /v1 and /graphql; empty: none. */
  corsOrigins: string[];
  /** /metrics without a key; otherwise it needs an API key with the read scope. */
  metricsPublic: boolean;
  /** The environment snapshot, for provider credentials only. */
  env: Readonly<Record<string, string | undefined>>;
};

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  if (e.DATABASE_READ_URL && !e.DATABASE_URL)
    throw new Error(
      'invalid configuration: DATABASE_READ_URL: a read replica needs DATABASE_URL (PostgreSQL) too; the embedded database has no replica, so leave DATABASE_READ_URL unset',
    );
  return {
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseReadUrl: e.DATABASE_READ_URL,
    databaseDirectUrl: e.DATABASE_URL ? (e.DATABASE_DIRECT_URL ?? e.DATABASE_URL) : undefined,
    pgPrepare: e.LOWROUTER_PG_PREPARE,
    dataDir: e.LOWROUTER_DATA_DIR,
    adminKey: e.LOWROUTER_ADMIN_KEY,
    keySecret: e.LOWROUTER_KEY_SECRET,
    feePercent: e.LOWROUTER_FEE_PERCENT,
    highIntensityThreshold: e.LOWROUTER_HIGH_INTENSITY_THRESHOLD,
    maxBodyBytes: e.LOWROUTER_MAX_BODY_BYTES,
    maxMessages: e.LOWROUTER_MAX_MESSAGES,
    maxInFlight: e.LOWROUTER_MAX_IN_FLIGHT,
    headersTimeoutMs: e.LOWROUTER_HEADERS_TIMEOUT_MS,
    retentionMonths: e.LOWROUTER_RETENTION_MONTHS,
    streamStallMs: e.LOWROUTER_STREAM_STALL_MS,
    healthPollMs: e.LOWROUTER_HEALTH_POLL_MS,
    heapGrowingPercent: e.LOWROUTER_HEAP_GROWING_PERCENT,
    keyCacheMax: e.LOWROUTER_KEY_CACHE_MAX,
    failedAuthPerMinute: e.LOWROUTER_FAILED_AUTH_PER_MINUTE,
    trustProxy: e.LOWROUTER_TRUST_PROXY,
    logLevel: e.LOWROUTER_LOG_LEVEL,
    cacheHitPrice: e.LOWROUTER_CACHE_HIT_PRICE,
    cacheMaxTtlSeconds: e.LOWROUTER_CACHE_MAX_TTL_SECONDS,
    workers: e.LOWROUTER_WORKERS ?? availableParallelism(),
    demo: e.LOWROUTER_DEMO,
    publicFootprint: e.LOWROUTER_PUBLIC_FOOTPRINT,
    corsOrigins: e.LOWROUTER_CORS_ORIGINS,
    metricsPublic: e.LOWROUTER_METRICS_PUBLIC,
    env: { ...env },
  };
}
