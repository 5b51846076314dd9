/**
 * Which model is offered by which provider in which regions, under which upstream name, at which price.
 * Prices come from reference pricing.csv (`csv`) when it has the offer; otherwise from a named public
 * source (`manual`), or the vendor's own list price with a note saying so (`csv` on the first-party row).
 */
import { MODELS_DEV, READ_DATE } from './sources';

export type PriceRef =
  | {
      kind: 'csv';
      /** `host` and `host_model_id` columns of pricing.csv. */
      host: string;
      hostModelId: string;
      /** Applied to every price with the reason written into notes (e.g. Mistral regional 1.1x). */
      multiplier?: { factor: number; why: string };
    }
  | {
      kind: 'manual';
      input: number;
      output: number;
      cachedInput?: number;
      source: string;
      date: string;
      multiplier?: { factor: number; why: string };
    }
  | { kind: 'selfHosted' };

export interface EndpointSpec {
  modelId: string;
  providerId: string;
  /** providerRegionIds. */
  regions: string[];
  upstreamModel: string;
  price: PriceRef;
  notes?: string;
}

const openai = (host: string, id: string): PriceRef => ({ kind: 'csv', host, hostModelId: id });
const MISTRAL_EU = {
  factor: 1.1,
  why: 'Mistral regional inference (api.eu.mistral.ai) is billed at 1.1x standard list pricing (docs.mistral.ai/studio/regional-inference); list price x 1.1',
};
const AZURE_NOTE =
  'Price: OpenAI first-party list price; Azure Global Standard deployments list the same price, regional (Standard) and DataZone deployments may carry a premium that is not captured here (reference pricing.csv note on Azure o3). Model availability in this region not verified.';
const VERTEX_CLAUDE_NOTE =
  'Price: Anthropic first-party list price (reference pricing.csv has no Vertex row for this model); Vertex regional endpoints may carry a premium over global. Per-model regional availability not verified.';
const SCALEWAY = (input: number, output: number): PriceRef => ({
  kind: 'manual',
  input,
  output,
  source:
    'mastra.ai/en/models/providers/scaleway (models.dev catalog of Scaleway Generative APIs, stored page); Scaleway publishes these figures in EUR per 1M tokens (scaleway.com/en/pricing/model-as-a-service/)',
  date: READ_DATE,
});
const SCALEWAY_NOTE =
  'Scaleway bills in EUR; the EUR list figure is stored as-is (no FX conversion), which understates the USD cost by the EUR/USD rate. Served from Paris (Scaleway Generative APIs FAQ).';
const OVH_GPT_OSS = (input: number, output: number): PriceRef => ({
  kind: 'manual',
  input,
  output,
  source:
    'pydantic/genai-prices@14b59049c1cb19bedc295bd9b3bd8bf64ff338ed:prices/providers/ovhcloud.yml (auto-generated from oai.endpoints.kepler.ai.cloud.ovh.net/v1/models); genai-prices lists USD while OVHcloud bills in EUR (reference pricing.csv OVH note)',
  date: READ_DATE,
});
const BEDROCK_GPT_OSS = (input: number, output: number): PriceRef => ({
  kind: 'manual',
  input,
  output,
  source:
    'LiteLLM docs, Amazon Bedrock Mantle provider page (docs.litellm.ai/docs/providers/bedrock_mantle, last_updated 2026-10-09), quoting AWS Bedrock pricing; not in reference pricing.csv',
  date: '2026-10-09',
});
const BEDROCK_AVAIL = 'Model availability in this bedrock-mantle region not verified; check GET /v1/models.';

export const endpointSpecs: EndpointSpec[] = [
  // OpenAI first party
  ...[
    'gpt-4o',
    'gpt-4o-mini',
    'gpt-4.1',
    'gpt-4.1-mini',
    'gpt-4.1-nano',
    'gpt-5',
    'gpt-5-mini',
    'gpt-5-nano',
    'o4-mini',
  ].map(
    (m): EndpointSpec => ({
      modelId: `openai/${m}`,
      providerId: 'openai',
      regions: ['us'],
      upstreamModel: m,
      price: openai('OpenAI', m),
    }),
  ),
  // Azure OpenAI (deployment name = model name)
  {
    modelId: 'openai/gpt-4o-mini',
    providerId: 'azure-openai',
    regions: [
      'eastus2',
      'swedencentral',
      'francecentral',
      'germanywestcentral',
      'westeurope',
      'polandcentral',
      'japaneast',
      'australiaeast',
      'southafricanorth',
    ],
    upstreamModel: 'gpt-4o-mini',
    price: openai('OpenAI', 'gpt-4o-mini'),
    notes: AZURE_NOTE,
  },
  {
    modelId: 'openai/gpt-4o',
    providerId: 'azure-openai',
    regions: ['eastus2', 'swedencentral', 'westeurope'],
    upstreamModel: 'gpt-4o',
    price: openai('OpenAI', 'gpt-4o'),
    notes: AZURE_NOTE,
  },
  {
    modelId: 'openai/gpt-4.1',
    providerId: 'azure-openai',
    regions: ['eastus2', 'swedencentral', 'polandcentral'],
    upstreamModel: 'gpt-4.1',
    price: openai('OpenAI', 'gpt-4.1'),
    notes: AZURE_NOTE,
  },
  {
    modelId: 'openai/gpt-4.1-mini',
    providerId: 'azure-openai',
    regions: ['eastus2', 'swedencentral', 'francecentral'],
    upstreamModel: 'gpt-4.1-mini',
    price: openai('OpenAI', 'gpt-4.1-mini'),
    notes: AZURE_NOTE,
  },
  {
    modelId: 'openai/gpt-4.1-nano',
    providerId: 'azure-openai',
    regions: ['eastus2', 'swedencentral', 'southindia'],
    upstreamModel: 'gpt-4.1-nano',
    price: openai('OpenAI', 'gpt-4.1-nano'),
    notes: AZURE_NOTE,
  },
  {
    modelId: 'openai/o4-mini',
    providerId: 'azure-openai',
    regions: ['eastus2', 'swedencentral'],
    upstreamModel: 'o4-mini',
    price: openai('Azure OpenAI', 'o4-mini'),
    notes: 'Azure list price from reference pricing.csv. Model availability in this region not verified.',
  },
  {
    modelId: 'openai/gpt-5-mini',
    providerId: 'azure-openai',
    regions: ['eastus2', 'swedencentral'],
    upstreamModel: 'gpt-5-mini',
    price: openai('OpenAI', 'gpt-5-mini'),
    notes: AZURE_NOTE,
  },
  // Anthropic first party
  ...(
    [
      ['claude-haiku-4-5', 'claude-haiku-4-5'],
      ['claude-sonnet-4', 'claude-sonnet-4-0'],
      ['claude-sonnet-4-5', 'claude-sonnet-4-5'],
      ['claude-sonnet-4-6', 'claude-sonnet-4-6'],
      ['claude-opus-4-1', 'claude-opus-4-1'],
      ['claude-opus-4-5', 'claude-opus-4-5'],
      ['claude-opus-4-6', 'claude-opus-4-6'],
    ] as const
  ).map(
    ([m, wire]): EndpointSpec => ({
      modelId: `anthropic/${m}`,
      providerId: 'anthropic',
      regions: ['global'],
      upstreamModel: wire,
      price: openai('Anthropic', wire),
    }),
  ),
  // Claude on Bedrock (in-region price: +10% over global. profiles for models from Sonnet 4.5 on)
  {
    modelId: 'anthropic/claude-haiku-4-5',
    providerId: 'aws-bedrock-anthropic',
    regions: ['us-east-1', 'us-west-2', 'eu-central-1', 'eu-north-1'],
    upstreamModel: 'anthropic.claude-haiku-4-5',
    price: openai('AWS Bedrock', '(in-region/geo profile) anthropic.claude-haiku-4-5-20251001-v1:0'),
    notes: `In-region price (+10% over the global. profile). Mantle model id without version suffix (Bifrost bedrock-mantle docs). ${BEDROCK_AVAIL}`,
  },
  {
    modelId: 'anthropic/claude-sonnet-4-5',
    providerId: 'aws-bedrock-anthropic',
    regions: ['us-east-1', 'eu-central-1', 'ap-northeast-1'],
    upstreamModel: 'anthropic.claude-sonnet-4-5',
    price: openai('AWS Bedrock', '(in-region/geo profile) anthropic.claude-sonnet-4-5-20250929-v1:0'),
    notes: `In-region price (+10% over the global. profile). ${BEDROCK_AVAIL}`,
  },
  {
    modelId: 'anthropic/claude-opus-4-5',
    providerId: 'aws-bedrock-anthropic',
    regions: ['us-east-1', 'eu-west-1'],
    upstreamModel: 'anthropic.claude-opus-4-5',
    price: openai('AWS Bedrock', '(in-region/geo profile) anthropic.claude-opus-4-5-v1:0'),
    notes: `In-region price (+10% over the global. profile). ${BEDROCK_AVAIL}`,
  },
  // Claude on Vertex
  {
    modelId: 'anthropic/claude-haiku-4-5',
    providerId: 'google-vertex-anthropic',
    regions: ['us-east5', 'europe-west1'],
    upstreamModel: 'claude-haiku-4-5@20251001',
    price: openai('Anthropic', 'claude-haiku-4-5'),
    notes: VERTEX_CLAUDE_NOTE,
  },
  {
    modelId: 'anthropic/claude-sonnet-4',
    providerId: 'google-vertex-anthropic',
    regions: ['us-east5', 'europe-west1'],
    upstreamModel: 'claude-sonnet-4@20250514',
    price: openai('Google Vertex AI', 'claude-4-sonnet'),
    notes: 'Vertex list price from reference pricing.csv. Per-model regional availability not verified.',
  },
  {
    modelId: 'anthropic/claude-sonnet-4-5',
    providerId: 'google-vertex-anthropic',
    regions: ['us-east5', 'europe-west1', 'asia-southeast1'],
    upstreamModel: 'claude-sonnet-4-5@20250929',
    price: openai('Anthropic', 'claude-sonnet-4-5'),
    notes: VERTEX_CLAUDE_NOTE,
  },
  {
    modelId: 'anthropic/claude-opus-4-1',
    providerId: 'google-vertex-anthropic',
    regions: ['us-east5'],
    upstreamModel: 'claude-opus-4-1@20250805',
    price: openai('Anthropic', 'claude-opus-4-1'),
    notes: VERTEX_CLAUDE_NOTE,
  },
  // Mistral regional (EU)
  {
    modelId: 'mistral/mistral-small-2506',
    providerId: 'mistral',
    regions: ['eu'],
    upstreamModel: 'mistral-small-2506',
    price: {
      kind: 'csv',
      host: 'Mistral (La Plateforme)',
      hostModelId: 'mistral-small-latest (3.1/3.2)',
      multiplier: MISTRAL_EU,
    },
  },
  {
    modelId: 'mistral/mistral-medium-2508',
    providerId: 'mistral',
    regions: ['eu'],
    upstreamModel: 'mistral-medium-2508',
    price: {
      kind: 'csv',
      host: 'Mistral (La Plateforme)',
      hostModelId: 'mistral-medium-latest (2505/2508)',
      multiplier: MISTRAL_EU,
    },
  },
  {
    modelId: 'mistral/mistral-large-2512',
    providerId: 'mistral',
    regions: ['eu'],
    upstreamModel: 'mistral-large-2512',
    price: {
      kind: 'csv',
      host: 'Mistral (La Plateforme)',
      hostModelId: 'mistral-large-2512',
      multiplier: MISTRAL_EU,
    },
  },
  {
    modelId: 'mistral/codestral-2508',
    providerId: 'mistral',
    regions: ['eu'],
    upstreamModel: 'codestral-2508',
    price: {
      kind: 'csv',
      host: 'Mistral (La Plateforme)',
      hostModelId: 'codestral-latest (2501/2508)',
      multiplier: MISTRAL_EU,
    },
  },
  {
    modelId: 'mistral/mistral-nemo-2407',
    providerId: 'mistral',
    regions: ['eu'],
    upstreamModel: 'open-mistral-nemo-2407',
    price: {
      kind: 'csv',
      host: 'Mistral (La Plateforme)',
      hostModelId: 'open-mistral-nemo',
      multiplier: MISTRAL_EU,
    },
  },
  {
    modelId: 'mistral/ministral-8b-2512',
    providerId: 'mistral',
    regions: ['eu'],
    upstreamModel: 'ministral-8b-2512',
    price: {
      kind: 'manual',
      input: 0.15,
      output: 0.15,
      cachedInput: 0.015,
      source: `${MODELS_DEV} providers/mistral/models/ministral-8b-2512.toml [cost] (sources docs.mistral.ai/models/ministral-3-8b-25-12 and docs.mistral.ai/inference/pricing, accessed 2026-08-27); not in reference pricing.csv`,
      date: '2026-08-27',
      multiplier: MISTRAL_EU,
    },
  },
  // Scaleway (Paris)
  {
    modelId: 'mistral/mistral-small-2506',
    providerId: 'scaleway',
    regions: ['fr-par'],
    upstreamModel: 'mistral-small-3.2-24b-instruct-2506',
    price: SCALEWAY(0.15, 0.35),
    notes: SCALEWAY_NOTE,
  },
  {
    modelId: 'mistral/mistral-nemo-2407',
    providerId: 'scaleway',
    regions: ['fr-par'],
    upstreamModel: 'mistral-nemo-instruct-2407',
    price: SCALEWAY(0.2, 0.2),
    notes: SCALEWAY_NOTE,
  },
  {
    modelId: 'meta/llama-3.3-70b-instruct',
    providerId: 'scaleway',
    regions: ['fr-par'],
    upstreamModel: 'llama-3.3-70b-instruct',
    price: SCALEWAY(0.9, 0.9),
    notes: `${SCALEWAY_NOTE} Host context 100k.`,
  },
  {
    modelId: 'meta/llama-3.1-8b-instruct',
    providerId: 'scaleway',
    regions: ['fr-par'],
    upstreamModel: 'llama-3.1-8b-instruct',
    price: SCALEWAY(0.2, 0.2),
    notes: SCALEWAY_NOTE,
  },
  {
    modelId: 'openai/gpt-oss-120b',
    providerId: 'scaleway',
    regions: ['fr-par'],
    upstreamModel: 'gpt-oss-120b',
    price: SCALEWAY(0.15, 0.6),
    notes: SCALEWAY_NOTE,
  },
  {
    modelId: 'qwen/qwen3-235b-a22b-instruct-2507',
    providerId: 'scaleway',
    regions: ['fr-par'],
    upstreamModel: 'qwen3-235b-a22b-instruct-2507',
    price: SCALEWAY(0.75, 2),
    notes: `${SCALEWAY_NOTE} Host context 40k.`,
  },
  // OVHcloud AI Endpoints
  {
    modelId: 'mistral/mistral-small-2506',
    providerId: 'ovhcloud',
    regions: ['gra'],
    upstreamModel: 'Mistral-Small-3.2-24B-Instruct-2506',
    price: openai('OVHcloud AI Endpoints', 'Mistral-Small-3.2-24B-Instruct-2506'),
  },
  {
    modelId: 'mistral/mistral-nemo-2407',
    providerId: 'ovhcloud',
    regions: ['gra'],
    upstreamModel: 'Mistral-Nemo-Instruct-2407',
    price: openai('OVHcloud AI Endpoints', 'Mistral-Nemo-Instruct-2407'),
    notes: 'Host context 65,536 tokens.',
  },
  {
    modelId: 'meta/llama-3.1-8b-instruct',
    providerId: 'ovhcloud',
    regions: ['gra'],
    upstreamModel: 'Llama-3.1-8B-Instruct',
    price: openai('OVHcloud AI Endpoints', 'Llama-3.1-8B-Instruct'),
  },
  {
    modelId: 'meta/llama-3.3-70b-instruct',
    providerId: 'ovhcloud',
    regions: ['gra'],
    upstreamModel: 'Meta-Llama-3_3-70B-Instruct',
    price: openai('OVHcloud AI Endpoints', 'Meta-Llama-3_3-70B-Instruct'),
  },
  {
    modelId: 'qwen/qwen3-32b',
    providerId: 'ovhcloud',
    regions: ['gra'],
    upstreamModel: 'Qwen3-32B',
    price: openai('OVHcloud AI Endpoints', 'Qwen3-32B'),
    notes: 'Host context 32,768 tokens.',
  },
  {
    modelId: 'openai/gpt-oss-120b',
    providerId: 'ovhcloud',
    regions: ['gra'],
    upstreamModel: 'gpt-oss-120b',
    price: OVH_GPT_OSS(0.09, 0.47),
  },
  {
    modelId: 'openai/gpt-oss-20b',
    providerId: 'ovhcloud',
    regions: ['gra'],
    upstreamModel: 'gpt-oss-20b',
    price: OVH_GPT_OSS(0.05, 0.18),
  },
  // Bedrock, OpenAI-compatible (mantle)
  {
    modelId: 'openai/gpt-oss-120b',
    providerId: 'aws-bedrock',
    regions: ['us-west-2', 'eu-north-1', 'ap-south-1'],
    upstreamModel: 'openai.gpt-oss-120b',
    price: BEDROCK_GPT_OSS(0.15, 0.6),
    notes: BEDROCK_AVAIL,
  },
  {
    modelId: 'openai/gpt-oss-20b',
    providerId: 'aws-bedrock',
    regions: ['us-west-2', 'eu-central-1'],
    upstreamModel: 'openai.gpt-oss-20b',
    price: BEDROCK_GPT_OSS(0.075, 0.3),
    notes: BEDROCK_AVAIL,
  },
  {
    modelId: 'mistral/mistral-large-2512',
    providerId: 'aws-bedrock',
    regions: ['us-east-1', 'eu-west-1'],
    upstreamModel: 'mistral.mistral-large-3-675b-instruct',
    price: openai('AWS Bedrock', 'mistral.mistral-large-3-675b-instruct'),
    notes: BEDROCK_AVAIL,
  },
  // Groq
  {
    modelId: 'meta/llama-3.1-8b-instruct',
    providerId: 'groq',
    regions: ['global'],
    upstreamModel: 'llama-3.1-8b-instant',
    price: openai('Groq', 'llama-3.1-8b-instant'),
  },
  {
    modelId: 'meta/llama-3.3-70b-instruct',
    providerId: 'groq',
    regions: ['global'],
    upstreamModel: 'llama-3.3-70b-versatile',
    price: openai('Groq', 'llama-3.3-70b-versatile'),
  },
  {
    modelId: 'qwen/qwen3-32b',
    providerId: 'groq',
    regions: ['global'],
    upstreamModel: 'qwen/qwen3-32b',
    price: openai('Groq', 'qwen/qwen3-32b'),
  },
  {
    modelId: 'openai/gpt-oss-120b',
    providerId: 'groq',
    regions: ['global'],
    upstreamModel: 'openai/gpt-oss-120b',
    price: openai('Groq', 'openai/gpt-oss-120b'),
  },
  // Together AI
  {
    modelId: 'meta/llama-3.1-8b-instruct',
    providerId: 'together',
    regions: ['global'],
    upstreamModel: 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo',
    price: openai('Together AI', 'meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo'),
    notes: 'Turbo = FP8-quantized serving.',
  },
  {
    modelId: 'meta/llama-3.3-70b-instruct',
    providerId: 'together',
    regions: ['global'],
    upstreamModel: 'meta-llama/Llama-3.3-70B-Instruct-Turbo',
    price: openai('Together AI', 'meta-llama/Llama-3.3-70B-Instruct-Turbo'),
    notes: 'Turbo = FP8-quantized serving.',
  },
  {
    modelId: 'meta/llama-3.1-405b-instruct',
    providerId: 'together',
    regions: ['global'],
    upstreamModel: 'meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo',
    price: openai('Together AI', 'meta-llama/Meta-Llama-3.1-405B-Instruct-Turbo'),
    notes: 'Turbo = FP8-quantized serving.',
  },
  {
    modelId: 'deepseek/deepseek-v3',
    providerId: 'together',
    regions: ['global'],
    upstreamModel: 'deepseek-ai/DeepSeek-V3',
    price: openai('Together AI', 'deepseek-ai/DeepSeek-V3'),
    notes: 'Host context 65,536 tokens.',
  },
  {
    modelId: 'deepseek/deepseek-r1',
    providerId: 'together',
    regions: ['global'],
    upstreamModel: 'deepseek-ai/DeepSeek-R1',
    price: openai('Together AI', 'deepseek-ai/DeepSeek-R1'),
  },
  {
    modelId: 'qwen/qwen3-235b-a22b',
    providerId: 'together',
    regions: ['global'],
    upstreamModel: 'Qwen/Qwen3-235B-A22B-fp8-tput',
    price: openai('Together AI', 'Qwen/Qwen3-235B-A22B-fp8-tput'),
    notes: 'FP8 throughput-tier variant; host context 40,000 tokens.',
  },
  // Gemini API
  ...[
    'gemini-2.0-flash',
    'gemini-2.0-flash-lite',
    'gemini-2.5-flash',
    'gemini-2.5-flash-lite',
    'gemini-2.5-pro',
    'gemini-3-pro-preview',
  ].map(
    (m): EndpointSpec => ({
      modelId: `google/${m}`,
      providerId: 'google',
      regions: ['global'],
      upstreamModel: m,
      price: openai('Google (Gemini API / Vertex AI)', m),
    }),
  ),
  // Gemini on Vertex AI (same list price as the Gemini API per pricing.csv)
  ...(
    [
      ['gemini-2.0-flash', ['us-central1', 'europe-west1', 'europe-west4']],
      ['gemini-2.0-flash-lite', ['us-central1', 'europe-west1']],
      ['gemini-2.5-flash', ['us-central1', 'us-east1', 'europe-west1', 'europe-west9', 'asia-south1']],
      ['gemini-2.5-flash-lite', ['us-central1', 'europe-west1']],
      ['gemini-2.5-pro', ['us-central1', 'europe-west4']],
    ] as const
  ).map(
    ([m, regions]): EndpointSpec => ({
      modelId: `google/${m}`,
      providerId: 'google-vertex',
      regions: [...regions],
      upstreamModel: m,
      price: openai('Google (Gemini API / Vertex AI)', m),
      notes:
        'Vertex list price equals the Gemini API price (reference pricing.csv). Per-model regional availability not verified.',
    }),
  ),
  // Llama on Vertex (MaaS, OpenAI-compatible)
  {
    modelId: 'meta/llama-3.3-70b-instruct',
    providerId: 'google-vertex-openai',
    regions: ['us-central1'],
    upstreamModel: 'meta/llama-3.3-70b-instruct-maas',
    price: {
      kind: 'manual',
      input: 0.72,
      output: 0.72,
      source:
        'LiteLLM model_prices_and_context_window.json key vertex_ai/meta/llama-3.3-70b-instruct-maas (0.72/0.72), as quoted in a public LiteLLM-derived table; upstream cloud.google.com/vertex-ai/generative-ai/pricing; not in reference pricing.csv, verify before billing',
      date: READ_DATE,
    },
    notes: 'Vertex model card: max output 8,192 tokens on this host.',
  },
  // Cerebras
  ...(
    [
      ['meta/llama-3.1-8b-instruct', 'llama3.1-8b'],
      ['meta/llama-3.3-70b-instruct', 'llama-3.3-70b'],
      ['qwen/qwen3-32b', 'qwen-3-32b'],
      ['openai/gpt-oss-120b', 'gpt-oss-120b'],
    ] as const
  ).map(
    ([modelId, wire]): EndpointSpec => ({
      modelId,
      providerId: 'cerebras',
      regions: ['global'],
      upstreamModel: wire,
      price: openai('Cerebras', wire),
      notes: wire === 'llama3.1-8b' ? 'Paid-tier host context 32k.' : undefined,
    }),
  ),
  // DeepInfra
  ...(
    [
      ['meta/llama-3.1-8b-instruct', 'meta-llama/Meta-Llama-3.1-8B-Instruct', undefined],
      ['meta/llama-3.3-70b-instruct', 'meta-llama/Llama-3.3-70B-Instruct', undefined],
      [
        'meta/llama-3.1-405b-instruct',
        'meta-llama/Meta-Llama-3.1-405B-Instruct',
        'Host context 32,768 tokens.',
      ],
      [
        'deepseek/deepseek-v3',
        'deepseek-ai/DeepSeek-V3-0324',
        'Serves the V3-0324 checkpoint (same architecture).',
      ],
      [
        'deepseek/deepseek-r1',
        'deepseek-ai/DeepSeek-R1-0528',
        'Serves the R1-0528 checkpoint (same architecture).',
      ],
      ['qwen/qwen3-235b-a22b-instruct-2507', 'Qwen/Qwen3-235B-A22B-Instruct-2507', undefined],
    ] as const
  ).map(
    ([modelId, wire, notes]): EndpointSpec => ({
      modelId,
      providerId: 'deepinfra',
      regions: ['us'],
      upstreamModel: wire,
      price: openai('DeepInfra', wire),
      notes,
    }),
  ),
  // Fireworks
  ...(
    [
      [
        'meta/llama-3.1-8b-instruct',
        'accounts/fireworks/models/llama-v3p1-8b-instruct',
        'Host context 16,384 tokens.',
      ],
      ['meta/llama-3.1-405b-instruct', 'accounts/fireworks/models/llama-v3p1-405b-instruct', undefined],
      [
        'deepseek/deepseek-v3',
        'accounts/fireworks/models/deepseek-v3-0324',
        'Serves the V3-0324 checkpoint.',
      ],
      [
        'deepseek/deepseek-r1',
        'accounts/fireworks/models/deepseek-r1-0528',
        'Serves the R1-0528 checkpoint.',
      ],
      ['qwen/qwen3-235b-a22b', 'accounts/fireworks/models/qwen3-235b-a22b', undefined],
    ] as const
  ).map(
    ([modelId, wire, notes]): EndpointSpec => ({
      modelId,
      providerId: 'fireworks',
      regions: ['global'],
      upstreamModel: wire,
      price: openai('Fireworks', wire),
      notes,
    }),
  ),
  // Self-hosted
  ...(
    [
      ['meta/llama-3.1-8b-instruct', 'meta-llama/Llama-3.1-8B-Instruct', 'llama3.1:8b'],
      ['openai/gpt-oss-20b', 'openai/gpt-oss-20b', 'gpt-oss:20b'],
      ['mistral/mistral-small-2506', 'mistralai/Mistral-Small-3.2-24B-Instruct-2506', 'mistral-small3.2:24b'],
      ['qwen/qwen3-32b', 'Qwen/Qwen3-32B', 'qwen3:32b'],
    ] as const
  ).flatMap(([modelId, hf, ollama]): EndpointSpec[] => [
    {
      modelId,
      providerId: 'vllm',
      regions: ['local'],
      upstreamModel: hf,
      price: { kind: 'selfHosted' },
      notes:
        'Served model name defaults to the Hugging Face repo id; change it if vLLM runs with --served-model-name.',
    },
    {
      modelId,
      providerId: 'ollama',
      regions: ['local'],
      upstreamModel: ollama,
      price: { kind: 'selfHosted' },
      notes: 'Ollama library tag (quantized build by default).',
    },
  ]),
];
