/** The eco estimate: EcoLogits' request formula, its constants, the per-1k comparison and the methodology. */
export {
  BATCH_SIZE,
  ECO_CONSTANTS,
  ECOLOGITS_SOURCE,
  type EcoConstant,
  GPU_EMBODIED_GWP_KG,
  GPU_ENERGY_ALPHA,
  GPU_ENERGY_BETA,
  GPU_ENERGY_GAMMA,
  GPU_MEMORY_GB,
  HARDWARE_LIFESPAN_S,
  LATENCY_ALPHA,
  LATENCY_BETA,
  LATENCY_GAMMA,
  MEMORY_OVERHEAD,
  METHODOLOGY_VERSION,
  MODEL_QUANTIZATION_BITS,
  SERVER_EMBODIED_GWP_KG,
  SERVER_GPUS,
  SERVER_POWER_KW,
} from './constants';
export { energyPerTokenWh, estimateInference, gpuCountFor, type InferenceEstimate } from './formula';
export {
  CONFIDENCE_RULES,
  type ConfidenceRule,
  METHODOLOGY,
  METHODOLOGY_LIMITS,
  METHODOLOGY_STEPS,
  type Methodology,
  type MethodologyLimit,
  type MethodologyStep,
  RANGE_SEMANTICS,
  REFERENCE_REQUEST,
} from './methodology';
export {
  type EcoConfidence,
  type EcoPer1k,
  type EcoPer1kInput,
  ecoConfidence,
  ecoPer1kOutputTokens,
  effectivePue,
  PER_OUTPUT_TOKENS,
  PER_1K_REFERENCE_LABEL,
  REFERENCE_OUTPUT_TOKENS,
} from './per-1k';
export {
  type EcoInputError,
  type InferenceInput,
  type ParsedInferenceInput,
  parseInferenceInput,
  validateInferenceInput,
} from './validate';
