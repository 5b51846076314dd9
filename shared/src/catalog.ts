/**
 * The catalog contract: providers, regions (with grid intensity), models (with parameters) and
 * endpoints (model × provider × region, with prices). `data/` holds the figures; these schemas
 * validate them and are the single source of the catalog's types for api and web.
 */
import { z } from 'zod';

/** Every figure in data/ carries where it came from and when. */
export const Sourced = z.object({
  /** Citation: publisher or repository@commit:path, plus the upstream URL when there is one. */
  source: z.string().min(3),
  /** ISO date (YYYY-MM-DD) the figure was published or read. */
  date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
});

export const MinMaxSchema = z
  .object({ min: z.number().nonnegative(), max: z.number().nonnegative() })
  .refine((r) => r.min <= r.max, { message: 'min must be <= max' });

export const WireProtocol = z.enum(['openai', 'anthropic', 'mistral', 'gemini']);
export type WireProtocol = z.infer<typeof WireProtocol>;

/** How credentials travel: `Authorization: Bearer`, `x-api-key` (Anthropic), `api-key` (Azure), `x-goog-api-key` (Gemini), none (local). */
export const AuthStyle = z.enum(['bearer', 'x-api-key', 'api-key', 'x-goog-api-key', 'none']);
export type AuthStyle = z.infer<typeof AuthStyle>;

export const ProviderSchema = z.object({
  id: z.string().regex(/^[a-z0-9-]+$/),
  name: z.string(),
  protocol: WireProtocol,
  /** Default base URL; `LOWROUTER_<ID>_BASE_URL` overrides it. May hold `{region}` / `{deployment}` placeholders. */
  baseUrl: z.string(),
  auth: AuthStyle,
  /** Path template appended to baseUrl for chat; placeholders `{model}`. Defaults per protocol when absent. */
  chatPath: z.string().optional(),
  /** Path template for streaming chat when it differs (Gemini's `:streamGenerateContent?alt=sse`). */
  streamChatPath: z.string().optional(),
  /** Extra query string appended to every call (Azure's `api-version=...`). */
  query: z.record(z.string(), z.string()).optional(),
  /** False when the model travels in the URL only (Azure deployments, Vertex, Bedrock, Gemini). */
  modelInBody: z.boolean().default(true),
  /** Fields merged into every request body (e.g. `anthropic_version` on Bedrock and Vertex). */
  bodyDefaults: z.record(z.string(), z.unknown()).optional(),
  /** True when the operator runs it (vLLM, Ollama): base URL must come from configuration. */
  selfHosted: z.boolean().default(false),
  /** Data-centre PUE (dimensionless) as a range; a scalar is written min = max. */
  pue: MinMaxSchema,
  pueSource: Sourced,
  /** EcoLogits provider key whose defaults this provider follows, when any. */
  ecologitsProvider: z.string().optional(),
  website: z.string().optional(),
  notes: z.string().optional(),
});
export type Provider = z.infer<typeof ProviderSchema>;

export const GridBasis = z.enum(['lifecycle', 'direct']);
export type GridBasis = z.infer<typeof GridBasis>;

export const GridIntensitySchema = z.object({
  /** gCO2e per kWh of electricity consumed, annual average. */
  gco2ePerKwh: z.number().positive(),
  year: z.number().int().min(2000).max(2100),
  source: z.string().min(3),
  basis: GridBasis,
});
export type GridIntensity = z.infer<typeof GridIntensitySchema>;

export const RegionSchema = z
  .object({
    /** Globally unique: `<provider>:<providerRegionId>`. */
    id: z.string().regex(/^[a-z0-9-]+:[a-z0-9-]+$/),
    providerId: z.string(),
    /** The provider's own region id (`eu-west-3`, `francecentral`, `fr-par`). */
    providerRegionId: z.string(),
    name: z.string(),
    /** ISO 3166-1 alpha-2. */
    country: z.string().regex(/^[A-Z]{2}$/),
    /** Electricity Maps zone or country code the intensity refers to. */
    gridZone: z.string(),
    gridIntensity: GridIntensitySchema,
    /** Region-specific PUE when disclosed; the provider's PUE applies otherwise. */
    pue: MinMaxSchema.optional(),
    /**
     * How the location is known: `documented` when the provider's own page says where the service
     * processes requests (cited in `locationSource`), `assumed` otherwise (`locationNote` says why).
     */
    locationConfidence: z.enum(['documented', 'assumed']),
    /** URL of the provider's page that says where it processes data; required when documented. */
    locationSource: z.url().optional(),
    locationNote: z.string().optional(),
    source: Sourced,
  })
  .refine((r) => r.locationConfidence !== 'documented' || r.locationSource !== undefined, {
    message:
      'a documented location needs locationSource (the provider page that says where it processes data)',
    path: ['locationSource'],
  });
export type Region = z.infer<typeof RegionSchema>;

export const Tier = z.enum(['small', 'medium', 'large', 'frontier']);
export type Tier = z.infer<typeof Tier>;
export const TIER_ORDER: readonly Tier[] = ['small', 'medium', 'large', 'frontier'];

export const ModelSchema = z.object({
  /** LowRouter model id, `vendor/name` (e.g. `openai/gpt-4o-mini`, `mistral/mistral-small-2506`). */
  id: z.string().regex(/^[a-z0-9-]+\/[a-z0-9.:-]+$/),
  name: z.string(),
  /** Who made the model (not who serves it). */
  vendor: z.string(),
  architecture: z.enum(['dense', 'moe']),
  openWeights: z.boolean(),
  /** Billions of parameters active per token. Closed models carry EcoLogits' estimate range. */
  activeParamsB: MinMaxSchema,
  /** Billions of parameters in total (= active for dense models). */
  totalParamsB: MinMaxSchema,
  /** `disclosed` for published sizes, `estimated` for EcoLogits' guesses on closed models. */
  paramsConfidence: z.enum(['disclosed', 'estimated']),
  paramsSource: Sourced,
  contextWindow: z.number().int().positive(),
  maxOutputTokens: z.number().int().positive(),
  tier: Tier,
  toolCalling: z.boolean(),
  vision: z.boolean().default(false),
  /** Upstream throughput (tokens/s) and time to first token (s) from EcoLogits' catalogue, when known. */
  deployment: z
    .object({ tps: z.number().positive(), ttftSeconds: z.number().nonnegative(), source: z.string() })
    .optional(),
  aliases: z.array(z.string()).default([]),
});
export type Model = z.infer<typeof ModelSchema>;

export const EndpointSchema = z.object({
  /** `<model id>@<region id>`, unique. */
  id: z.string(),
  modelId: z.string(),
  providerId: z.string(),
  regionId: z.string(),
  /** The model name the provider expects on the wire (or Azure deployment name). */
  upstreamModel: z.string(),
  /** USD per 1M tokens, as the provider publishes them. */
  inputPerMTokUsd: z.number().nonnegative(),
  outputPerMTokUsd: z.number().nonnegative(),
  cachedInputPerMTokUsd: z.number().nonnegative().optional(),
  cacheWritePerMTokUsd: z.number().nonnegative().optional(),
  price: Sourced,
  notes: z.string().optional(),
});
export type Endpoint = z.infer<typeof EndpointSchema>;

export interface Catalog {
  providers: Provider[];
  regions: Region[];
  models: Model[];
  endpoints: Endpoint[];
}
