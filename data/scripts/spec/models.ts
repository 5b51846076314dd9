/**
 * Model rows before the tier is computed. Parameters come from EcoLogits' models.json (`eco`) unless a
 * disclosed figure is given (`params`). Context windows follow reference pricing.csv where it has the
 * model, otherwise models.dev; max output tokens follow models.dev (see MODEL-LIMITS.md).
 */
import type { Model } from '@lowrouter/shared/catalog';

export interface Limit {
  value: number;
  source: string;
}

export interface ModelSpec {
  id: Model['id'];
  name: string;
  vendor: string;
  openWeights: boolean;
  /** EcoLogits catalogue entry: params (unless `params` is set) and deployment tps/ttft. */
  eco?: { provider: string; name: string };
  /** Disclosed parameters when EcoLogits lacks the model or is out of date. */
  params?: {
    architecture: 'dense' | 'moe';
    activeB: number;
    totalB: number;
    source: string;
    date: string;
  };
  contextWindow: Limit;
  maxOutputTokens: Limit;
  toolCalling: boolean;
  vision: boolean;
  aliases: string[];
}

const P = 'reference pricing.csv context_window_tokens';
const md = (path: string) => `anomalyco/models.dev (MIT) ${path} [limit]`;

const oa = (
  name: string,
  ctx: Limit,
  out: Limit,
  aliases: string[],
  extra: Partial<ModelSpec> = {},
): ModelSpec => ({
  id: `openai/${name}`,
  name,
  vendor: 'openai',
  openWeights: false,
  eco: { provider: 'openai', name },
  contextWindow: ctx,
  maxOutputTokens: out,
  toolCalling: true,
  vision: true,
  aliases,
  ...extra,
});

const claude = (name: string, ecoName: string, ctx: number, out: Limit, aliases: string[]): ModelSpec => ({
  id: `anthropic/${name}`,
  name,
  vendor: 'anthropic',
  openWeights: false,
  eco: { provider: 'anthropic', name: ecoName },
  contextWindow: { value: ctx, source: P },
  maxOutputTokens: out,
  toolCalling: true,
  vision: true,
  aliases,
});

const gemini = (name: string, ctx: Limit, out: Limit, aliases: string[] = []): ModelSpec => ({
  id: `google/${name}`,
  name,
  vendor: 'google',
  openWeights: false,
  eco: { provider: 'google_genai', name },
  contextWindow: ctx,
  maxOutputTokens: out,
  toolCalling: true,
  vision: true,
  aliases,
});

export const modelSpecs: ModelSpec[] = [
  oa(
    'gpt-4o',
    { value: 128000, source: P },
    { value: 16384, source: md('providers/openai/models/gpt-4o.toml') },
    ['gpt-4o-2024-08-06', 'gpt-4o-2024-11-20'],
  ),
  oa(
    'gpt-4o-mini',
    { value: 128000, source: P },
    { value: 16384, source: md('models/openai/gpt-4o-mini.toml') },
    ['gpt-4o-mini-2024-07-18'],
  ),
  oa('gpt-4.1', { value: 1000000, source: P }, { value: 32768, source: md('models/openai/gpt-4.1.toml') }, [
    'gpt-4.1-2025-04-14',
  ]),
  oa(
    'gpt-4.1-mini',
    { value: 1000000, source: P },
    { value: 32768, source: md('models/openai/gpt-4.1-mini.toml') },
    ['gpt-4.1-mini-2025-04-14'],
  ),
  oa(
    'gpt-4.1-nano',
    { value: 1000000, source: P },
    { value: 32768, source: md('models/openai/gpt-4.1-nano.toml') },
    ['gpt-4.1-nano-2025-04-14'],
  ),
  oa('gpt-5', { value: 400000, source: P }, { value: 128000, source: md('models/openai/gpt-5.toml') }, [
    'gpt-5-2025-08-07',
  ]),
  oa(
    'gpt-5-mini',
    { value: 400000, source: P },
    { value: 128000, source: md('providers/openai/models/gpt-5-mini.toml') },
    ['gpt-5-mini-2025-08-07'],
  ),
  oa(
    'gpt-5-nano',
    { value: 400000, source: P },
    { value: 128000, source: md('providers/azure/models/gpt-5-nano.toml') },
    ['gpt-5-nano-2025-08-07'],
  ),
  oa(
    'o4-mini',
    { value: 200000, source: P },
    { value: 100000, source: md('providers/openai/models/o4-mini.toml') },
    ['o4-mini-2025-04-16'],
  ),
  {
    id: 'openai/gpt-oss-120b',
    name: 'gpt-oss-120b',
    vendor: 'openai',
    openWeights: true,
    eco: { provider: 'huggingface_hub', name: 'openai/gpt-oss-120b' },
    contextWindow: { value: 131072, source: P },
    maxOutputTokens: { value: 32768, source: md('models/openai/gpt-oss-120b.toml') },
    toolCalling: true,
    vision: false,
    aliases: [],
  },
  {
    id: 'openai/gpt-oss-20b',
    name: 'gpt-oss-20b',
    vendor: 'openai',
    openWeights: true,
    eco: { provider: 'huggingface_hub', name: 'openai/gpt-oss-20b' },
    contextWindow: { value: 131072, source: md('models/openai/gpt-oss-20b.toml') },
    maxOutputTokens: { value: 32768, source: md('models/openai/gpt-oss-20b.toml') },
    toolCalling: true,
    vision: false,
    aliases: [],
  },
  claude(
    'claude-haiku-4-5',
    'claude-haiku-4-5-20251001',
    200000,
    { value: 64000, source: md('providers/anthropic/models/claude-haiku-4-5-20251001.toml') },
    ['claude-haiku-4-5-20251001'],
  ),
  claude(
    'claude-sonnet-4',
    'claude-sonnet-4-20250514',
    200000,
    { value: 64000, source: md('providers/anthropic/models/claude-sonnet-4-0.toml') },
    ['claude-sonnet-4-20250514', 'claude-sonnet-4-0'],
  ),
  claude(
    'claude-sonnet-4-5',
    'claude-sonnet-4-5-20250929',
    1000000,
    { value: 64000, source: md('providers/anthropic/models/claude-sonnet-4-5.toml') },
    ['claude-sonnet-4-5-20250929'],
  ),
  claude(
    'claude-sonnet-4-6',
    'claude-sonnet-4-6',
    1000000,
    { value: 64000, source: md('providers/anthropic/models/claude-sonnet-4-6.toml') },
    [],
  ),
  claude(
    'claude-opus-4-1',
    'claude-opus-4-1-20250805',
    200000,
    { value: 32000, source: md('providers/anthropic/models/claude-opus-4-1.toml') },
    ['claude-opus-4-1-20250805'],
  ),
  claude(
    'claude-opus-4-5',
    'claude-opus-4-5-20251101',
    200000,
    { value: 64000, source: md('providers/anthropic/models/claude-opus-4-5.toml') },
    ['claude-opus-4-5-20251101'],
  ),
  claude(
    'claude-opus-4-6',
    'claude-opus-4-6',
    200000,
    { value: 128000, source: md('providers/anthropic/models/claude-opus-4-6.toml') },
    [],
  ),
  gemini(
    'gemini-2.0-flash',
    { value: 1048576, source: P },
    { value: 8192, source: md('providers/google/models/gemini-2.0-flash.toml') },
    ['gemini-2.0-flash-001'],
  ),
  gemini(
    'gemini-2.0-flash-lite',
    { value: 1048576, source: P },
    { value: 8192, source: md('providers/google/models/gemini-2.0-flash-lite.toml') },
    ['gemini-2.0-flash-lite-001'],
  ),
  gemini(
    'gemini-2.5-flash',
    { value: 1048576, source: P },
    { value: 65536, source: md('models/google/gemini-2.5-flash.toml') },
  ),
  gemini(
    'gemini-2.5-flash-lite',
    { value: 1048576, source: P },
    { value: 65536, source: md('providers/google/models/gemini-2.5-flash-lite.toml') },
  ),
  gemini(
    'gemini-2.5-pro',
    { value: 1048576, source: P },
    { value: 65536, source: md('models/google/gemini-2.5-pro.toml') },
  ),
  gemini(
    'gemini-3-pro-preview',
    { value: 1000000, source: md('providers/google/models/gemini-3-pro-preview.toml') },
    { value: 64000, source: md('providers/google/models/gemini-3-pro-preview.toml') },
  ),
  {
    id: 'mistral/mistral-small-2506',
    name: 'Mistral Small 3.2 (2506)',
    vendor: 'mistral',
    openWeights: true,
    eco: { provider: 'mistralai', name: 'mistral-small-2506' },
    contextWindow: { value: 128000, source: P },
    maxOutputTokens: { value: 16384, source: md('providers/mistral/models/mistral-small-2506.toml') },
    toolCalling: true,
    vision: true,
    aliases: ['mistral-small-3.2-24b-instruct-2506'],
  },
  {
    id: 'mistral/mistral-medium-2508',
    name: 'Mistral Medium 3.1 (2508)',
    vendor: 'mistral',
    openWeights: false,
    eco: { provider: 'mistralai', name: 'mistral-medium-2508' },
    contextWindow: { value: 131072, source: P },
    maxOutputTokens: {
      value: 131072,
      source: `${md('providers/mistral/models/mistral-medium-2508.toml')} gives 262144 output with 262144 context; capped at the pricing.csv context window`,
    },
    toolCalling: true,
    vision: true,
    aliases: [],
  },
  {
    id: 'mistral/mistral-large-2512',
    name: 'Mistral Large 3 (2512)',
    vendor: 'mistral',
    openWeights: true,
    eco: { provider: 'mistralai', name: 'mistral-large-2512' },
    params: {
      architecture: 'moe',
      activeB: 41,
      totalB: 675,
      source:
        'Mistral Large 3 announcement (2025-12-02) as quoted by the Vercel AI Gateway model page, via reference pricing.csv params columns; HF mistralai/Mistral-Large-3-675B-Instruct-2512. EcoLogits models.json still lists mistral-large-2512 as dense 123B (stale)',
      date: '2025-12-02',
    },
    contextWindow: { value: 262144, source: P },
    maxOutputTokens: { value: 262144, source: md('models/mistral/mistral-large-2512.toml') },
    toolCalling: true,
    vision: true,
    aliases: ['mistral-large-3-675b-instruct-2512'],
  },
  {
    id: 'mistral/ministral-8b-2512',
    name: 'Ministral 3 8B (2512)',
    vendor: 'mistral',
    openWeights: true,
    eco: { provider: 'mistralai', name: 'ministral-8b-2512' },
    contextWindow: { value: 256000, source: md('models/mistral/ministral-8b-2512.toml') },
    maxOutputTokens: { value: 256000, source: md('models/mistral/ministral-8b-2512.toml') },
    toolCalling: true,
    vision: true,
    aliases: ['ministral-8b-instruct-2512'],
  },
  {
    id: 'mistral/mistral-nemo-2407',
    name: 'Mistral NeMo (2407)',
    vendor: 'mistral',
    openWeights: true,
    eco: { provider: 'mistralai', name: 'open-mistral-nemo-2407' },
    contextWindow: { value: 128000, source: P },
    maxOutputTokens: { value: 128000, source: md('providers/mistral/models/open-mistral-nemo.toml') },
    toolCalling: true,
    vision: false,
    aliases: ['open-mistral-nemo-2407', 'mistral-nemo-instruct-2407'],
  },
  {
    id: 'mistral/codestral-2508',
    name: 'Codestral 25.08',
    vendor: 'mistral',
    openWeights: false,
    eco: { provider: 'mistralai', name: 'codestral-2508' },
    contextWindow: { value: 256000, source: P },
    maxOutputTokens: { value: 128000, source: md('providers/mistral/models/codestral-2508.toml') },
    toolCalling: true,
    vision: false,
    aliases: [],
  },
  {
    id: 'meta/llama-3.1-8b-instruct',
    name: 'Llama 3.1 8B Instruct',
    vendor: 'meta',
    openWeights: true,
    eco: { provider: 'huggingface_hub', name: 'meta-llama/Meta-Llama-3.1-8B-Instruct' },
    contextWindow: { value: 131072, source: P },
    maxOutputTokens: { value: 128000, source: md('models/meta/llama-3.1-8b-instruct.toml') },
    toolCalling: true,
    vision: false,
    aliases: ['meta-llama-3.1-8b-instruct'],
  },
  {
    id: 'meta/llama-3.3-70b-instruct',
    name: 'Llama 3.3 70B Instruct',
    vendor: 'meta',
    openWeights: true,
    params: {
      architecture: 'dense',
      activeB: 70.55,
      totalB: 70.55,
      source:
        'Same architecture as Llama 3.1 70B (HF meta-llama/Llama-3.3-70B-Instruct card); 70.55B from EcoLogits models.json huggingface_hub/meta-llama/Meta-Llama-3.1-70B-Instruct, mlco2/ecologits@5be90da',
      date: '2026-03-13',
    },
    contextWindow: { value: 131072, source: P },
    maxOutputTokens: { value: 4096, source: md('models/meta/llama-3.3-70b-instruct.toml') },
    toolCalling: true,
    vision: false,
    aliases: [],
  },
  {
    id: 'meta/llama-3.1-405b-instruct',
    name: 'Llama 3.1 405B Instruct',
    vendor: 'meta',
    openWeights: true,
    eco: { provider: 'huggingface_hub', name: 'meta-llama/Meta-Llama-3.1-405B-Instruct' },
    contextWindow: { value: 131072, source: P },
    maxOutputTokens: { value: 4096, source: md('models/meta/llama-3.1-405b-instruct.toml') },
    toolCalling: true,
    vision: false,
    aliases: ['meta-llama-3.1-405b-instruct'],
  },
  {
    id: 'deepseek/deepseek-v3',
    name: 'DeepSeek-V3',
    vendor: 'deepseek',
    openWeights: true,
    params: {
      architecture: 'moe',
      activeB: 37,
      totalB: 671,
      source:
        'HF deepseek-ai/DeepSeek-V3 README (671B total, 37B activated per token), via reference pricing.csv params columns',
      date: '2024-12-26',
    },
    contextWindow: { value: 131072, source: md('models/deepseek/deepseek-v3.toml') },
    maxOutputTokens: { value: 8192, source: md('models/deepseek/deepseek-v3.toml') },
    toolCalling: true,
    vision: false,
    aliases: ['deepseek-v3-0324'],
  },
  {
    id: 'deepseek/deepseek-r1',
    name: 'DeepSeek-R1',
    vendor: 'deepseek',
    openWeights: true,
    params: {
      architecture: 'moe',
      activeB: 37,
      totalB: 671,
      source:
        'Same base as DeepSeek-V3 (HF deepseek-ai/DeepSeek-R1 card: 671B total, 37B activated), via reference pricing.csv params columns',
      date: '2025-01-20',
    },
    contextWindow: { value: 128000, source: md('models/deepseek/deepseek-r1.toml') },
    maxOutputTokens: { value: 32768, source: md('models/deepseek/deepseek-r1.toml') },
    toolCalling: true,
    vision: false,
    aliases: ['deepseek-r1-0528'],
  },
  {
    id: 'qwen/qwen3-32b',
    name: 'Qwen3 32B',
    vendor: 'qwen',
    openWeights: true,
    params: {
      architecture: 'dense',
      activeB: 32.8,
      totalB: 32.8,
      source: 'HF Qwen/Qwen3-32B model card (32.8B), via reference pricing.csv params columns',
      date: '2025-04-29',
    },
    contextWindow: { value: 131072, source: P },
    maxOutputTokens: { value: 16384, source: md('models/alibaba/qwen3-32b.toml') },
    toolCalling: true,
    vision: false,
    aliases: [],
  },
  {
    id: 'qwen/qwen3-235b-a22b',
    name: 'Qwen3 235B-A22B',
    vendor: 'qwen',
    openWeights: true,
    params: {
      architecture: 'moe',
      activeB: 22,
      totalB: 235,
      source:
        'HF Qwen/Qwen3-235B-A22B model card (235B total, 22B activated), via reference pricing.csv params columns',
      date: '2025-04-29',
    },
    contextWindow: { value: 131072, source: md('models/alibaba/qwen3-235b-a22b.toml') },
    maxOutputTokens: { value: 16384, source: md('models/alibaba/qwen3-235b-a22b.toml') },
    toolCalling: true,
    vision: false,
    aliases: [],
  },
  {
    id: 'qwen/qwen3-235b-a22b-instruct-2507',
    name: 'Qwen3 235B-A22B Instruct 2507',
    vendor: 'qwen',
    openWeights: true,
    params: {
      architecture: 'moe',
      activeB: 22,
      totalB: 235,
      source:
        'HF Qwen/Qwen3-235B-A22B-Instruct-2507 model card (235B total, 22B activated), via reference pricing.csv params columns',
      date: '2025-07-21',
    },
    contextWindow: { value: 262144, source: md('models/alibaba/qwen3-235b-a22b-instruct-2507.toml') },
    maxOutputTokens: { value: 16384, source: md('models/alibaba/qwen3-235b-a22b-instruct-2507.toml') },
    toolCalling: true,
    vision: false,
    aliases: [],
  },
];
