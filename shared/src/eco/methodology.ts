/**
 * The eco methodology as data, for the `methodology` GraphQL query and the HTML methodology page. Text is
 * plain (no markup); equations use Unicode symbols. Keep it in step with formula.ts and constants.ts.
 */
import { type EcoConstant, ECO_CONSTANTS, ECOLOGITS_SOURCE, METHODOLOGY_VERSION } from './constants';
import { type EcoConfidence, PER_OUTPUT_TOKENS, REFERENCE_OUTPUT_TOKENS } from './per-1k';

export interface MethodologyStep {
  id: string;
  title: string;
  /** The equation(s), one per line. */
  equation: string;
  text: string;
}

export interface ConfidenceRule {
  level: EcoConfidence;
  when: string;
  meaning: string;
}

export interface MethodologyLimit {
  id: string;
  text: string;
}

export const METHODOLOGY_STEPS: readonly MethodologyStep[] = [
  {
    id: 'gpu-energy-per-token',
    title: 'Energy of one GPU per output token',
    equation:
      'e_tok [Wh] = α_E · exp(β_E · B) · P_a + γ_E = 5.694138870734e-7 · P_a + 4.052928146734e-5 (B = 64)',
    text: 'P_a is the number of active parameters in billions. The fit comes from ML.ENERGY Leaderboard measurements on H100 80GB GPUs.',
  },
  {
    id: 'gpu-count',
    title: 'GPUs needed to hold the model',
    equation: 'M [GB] = 1.2 · P_t · 16 / 8\nn_gpu = 2^ceil(log2(ceil(M / 80)))',
    text: 'P_t is the total parameter count in billions, stored as 16-bit weights with a 1.2 memory overhead on 80 GB GPUs. The count is rounded up to a power of two (1, 2, 4, 8, 16, …).',
  },
  {
    id: 'gpu-energy',
    title: 'GPU energy of the request',
    equation: 'E_gpus [kWh] = n_gpu · N · e_tok / 1000',
    text: 'N is the number of output tokens. Every allocated GPU is charged the full per-GPU energy for every token.',
  },
  {
    id: 'latency',
    title: 'Generation time charged',
    equation:
      'T_est = N · (1 / TPS) + TTFT   (when the model has throughput data)\nT_est = N · (α_L · P_a + β_L · B + γ_L) + TTFT   (otherwise; TTFT = 0 when unknown)\nΔT = min(T_est, T_measured)',
    text: 'TPS and TTFT come from EcoLogits’ per-model deployment data. T_measured is the wall-clock latency LowRouter measured for the request; when it is missing, T_est applies. A measured latency can only lower the result.',
  },
  {
    id: 'server-energy',
    title: 'Server energy without GPUs',
    equation: 'E_server [kWh] = (ΔT / 3600) · 1.2 kW · (n_gpu / 8) · (1 / B)',
    text: 'The host’s non-GPU power is shared by the fraction of its 8 GPU slots in use and by the B = 64 requests served concurrently.',
  },
  {
    id: 'request-energy',
    title: 'Request energy (the headline energy)',
    equation: 'E [kWh] = PUE · (E_server + E_gpus)   → reported in Wh (× 1000)',
    text: 'PUE is the data-centre power usage effectiveness of the endpoint’s region, or its provider’s when the region does not publish one.',
  },
  {
    id: 'usage-carbon',
    title: 'Usage carbon (the headline carbon)',
    equation: 'CO2e [g] = E [kWh] · grid intensity [gCO2e/kWh]',
    text: 'The grid intensity is the annual average of the endpoint region’s electricity grid. It replaces EcoLogits’ country-level factor.',
  },
  {
    id: 'embodied-carbon',
    title: 'Embodied carbon (not reported)',
    equation:
      'I_hw [kgCO2e] = (n_gpu / 8) · 5700 + n_gpu · 164\nCO2e_emb [kg] = ΔT · I_hw / (L · B),   L = 3 years in seconds',
    text: 'The manufacturing share of the server and GPUs for the time the request held them. There is no defensible per-token figure for it yet, so LowRouter shows it in no response, export or page; it is kept only with each request’s stored inputs, so an estimate can be replayed.',
  },
];

export const RANGE_SEMANTICS: readonly string[] = [
  'Every figure is a range {min, max} plus its midpoint, as in EcoLogits.',
  'The low run uses the smallest parameter counts (P_a.min, P_t.min) at PUE.min. The high run uses the largest (P_a.max, P_t.max) at PUE.max. min comes from the low run, max from the high run.',
  'Every step is monotone in the parameters, the token count, the latency and the PUE, so min ≤ max.',
  'A model with disclosed sizes and a single PUE gets min = max. The spread only reflects the guessed parameter range and the PUE range; it carries no statistical error bar.',
  'The midpoint is (min + max) / 2, like EcoLogits’ value.mean.',
];

export const CONFIDENCE_RULES: readonly ConfidenceRule[] = [
  {
    level: 'disclosed-parameters',
    when: 'The model’s parameter counts are published (open weights).',
    meaning: 'Sizes are exact. The uncertainty comes from the method itself and the PUE range.',
  },
  {
    level: 'estimated-parameters',
    when: 'The model’s architecture is not released, so EcoLogits estimated its parameter counts.',
    meaning:
      'Sizes are guesses from leaks, benchmark parity and pricing. Expect lower precision; the range shows the guessed spread.',
  },
];

export const METHODOLOGY_LIMITS: readonly MethodologyLimit[] = [
  {
    id: 'inference-only',
    text: 'Inference only: training and fine-tuning are not included, nor are networking, storage, end-user devices or idle capacity.',
  },
  {
    id: 'embodied-apart',
    text: 'Embodied (manufacturing) carbon is not reported: there is no defensible per-token figure yet. The gCO2e shown is electricity use only.',
  },
  {
    id: 'annual-grid',
    text: 'Grid factors are annual averages per region, not the live grid at the time of the request.',
  },
  {
    id: 'no-embeddings',
    text: 'Embedding workloads are not modelled; the formula covers text generation.',
  },
  {
    id: 'input-tokens-ignored',
    text: 'Input (prompt) tokens are ignored by the method; only output tokens count. Long prompts are therefore underestimated.',
  },
  {
    id: 'batch-64',
    text: 'The batch size is fixed at 64 concurrent requests. Real deployments with smaller batches use more energy per request.',
  },
  {
    id: 'reference-hardware',
    text: 'It assumes H100 80GB GPUs in AWS p5.48xlarge-like servers, 16-bit weights and vLLM serving. It does not model TPUs or other accelerators, or quantised deployments.',
  },
  {
    id: 'extrapolation',
    text: 'The energy fit covers models up to 200B parameters; larger models are extrapolated.',
  },
];

/** The reference request behind the per-1,000-output-token comparison figures. */
export const REFERENCE_REQUEST = {
  outputTokens: REFERENCE_OUTPUT_TOKENS,
  perOutputTokens: PER_OUTPUT_TOKENS,
  text: `Endpoints are compared per ${PER_OUTPUT_TOKENS} output tokens: one request of ${REFERENCE_OUTPUT_TOKENS} output tokens with no measured latency (model TPS/TTFT when known), scaled by ${PER_OUTPUT_TOKENS}/${REFERENCE_OUTPUT_TOKENS}.`,
} as const;

export interface Methodology {
  version: string;
  title: string;
  summary: string;
  source: typeof ECOLOGITS_SOURCE;
  units: string;
  steps: readonly MethodologyStep[];
  constants: readonly EcoConstant[];
  rangeSemantics: readonly string[];
  confidence: readonly ConfidenceRule[];
  limits: readonly MethodologyLimit[];
  referenceRequest: typeof REFERENCE_REQUEST;
}

/** Everything the methodology page and query show, in one object. */
export const METHODOLOGY: Methodology = {
  version: METHODOLOGY_VERSION,
  title: 'How LowRouter estimates energy and carbon',
  summary:
    'LowRouter applies EcoLogits’ request-level formula (pinned to one commit) to each completion. It uses the output tokens, the measured latency, the model’s parameter counts, and the PUE and grid intensity of the serving region.',
  source: ECOLOGITS_SOURCE,
  units:
    'Energy in Wh, carbon in gCO2e, time in seconds, parameters in billions. The formula works in kWh and kgCO2e internally.',
  steps: METHODOLOGY_STEPS,
  constants: ECO_CONSTANTS,
  rangeSemantics: RANGE_SEMANTICS,
  confidence: CONFIDENCE_RULES,
  limits: METHODOLOGY_LIMITS,
  referenceRequest: REFERENCE_REQUEST,
};
