/**
 * EcoLogits' request-level constants, pinned to one commit. Every value is copied from
 * mlco2/ecologits main @ 5be90dadc86ed92f48dc55316469d888827aec55 (2026-03-13), file
 * `ecologits/impacts/llm.py`, licensed MPL-2.0. The formula there equals release 0.9.3 (= 0.9.0) plus
 * the optional per-model TPS/TTFT latency path. Expect a methodology revision upstream: bump
 * METHODOLOGY_VERSION and re-run the golden cases when these change.
 */

/** Identifies the formula and constants behind every stored estimate. */
export const METHODOLOGY_VERSION = 'ecologits-5be90da';

/** Where the formula and constants come from. */
export const ECOLOGITS_SOURCE = {
  repository: 'https://github.com/mlco2/ecologits',
  commit: '5be90dadc86ed92f48dc55316469d888827aec55',
  commitDate: '2026-03-13',
  file: 'ecologits/impacts/llm.py',
  license: 'MPL-2.0',
} as const;

const SRC = 'mlco2/ecologits@5be90da:ecologits/impacts/llm.py';

/** α_E, Wh per output token per billion active parameters (before batch damping). llm.py `GPU_ENERGY_ALPHA`; fit on ML.ENERGY H100 data. */
export const GPU_ENERGY_ALPHA = 1.1665273170451914e-6;
/** β_E, 1 / (concurrent requests): exponential batch damping of the slope. llm.py `GPU_ENERGY_BETA`. */
export const GPU_ENERGY_BETA = -0.011205921025579175;
/** γ_E, Wh per output token per GPU: intercept, independent of model size and batch. llm.py `GPU_ENERGY_GAMMA`. */
export const GPU_ENERGY_GAMMA = 4.052928146734005e-5;

/** α_L, seconds per output token per billion active parameters. llm.py `LATENCY_ALPHA` (fallback path only). */
export const LATENCY_ALPHA = 0.0006785088094353663;
/** β_L, seconds per output token per concurrent request. llm.py `LATENCY_BETA`. */
export const LATENCY_BETA = 0.0003119310311688259;
/** γ_L, seconds per output token. llm.py `LATENCY_GAMMA`. */
export const LATENCY_GAMMA = 0.019473717579473387;

/** B, concurrent requests sharing a server (dimensionless, fixed). llm.py `BATCH_SIZE`. */
export const BATCH_SIZE = 64;
/** Q, bits per weight assumed for the deployment (bf16). llm.py `MODEL_QUANTIZATION_BITS`. */
export const MODEL_QUANTIZATION_BITS = 16;
/** Memory overhead factor on the weights (dimensionless). Hard-coded 1.2 in llm.py `model_required_memory` (EleutherAI "Transformer Math 101"). */
export const MEMORY_OVERHEAD = 1.2;
/** GB of memory per GPU (H100 80GB). llm.py `GPU_MEMORY`. */
export const GPU_MEMORY_GB = 80;

/** GPUs per server (AWS p5.48xlarge). llm.py `SERVER_GPUS`. */
export const SERVER_GPUS = 8;
/** kW, average power of a p5.48xlarge excluding its GPUs (BoaviztAPI). llm.py `SERVER_POWER`. */
export const SERVER_POWER_KW = 1.2;

/** kgCO2eq, manufacturing of one p5.48xlarge without GPUs (BoaviztAPI). llm.py `SERVER_EMBODIED_IMPACT_GWP`. */
export const SERVER_EMBODIED_GWP_KG = 5700;
/** kgCO2eq, manufacturing of one H100 (NVIDIA HGX H100 product carbon footprint). llm.py `GPU_EMBODIED_IMPACT_GWP`. */
export const GPU_EMBODIED_GWP_KG = 164;

/** Seconds of hardware lifetime (3 years of 365 days). llm.py `HARDWARE_LIFESPAN` = 3·365·24·60·60. */
export const HARDWARE_LIFESPAN_S = 3 * 365 * 24 * 60 * 60;

/** Seconds per hour, to turn kW × s into kWh. llm.py `server_energy` divides by 3600. */
export const SECONDS_PER_HOUR = 3600;
/** Wh per kWh and g per kg: EcoLogits works in kWh and kgCO2eq, LowRouter reports Wh and gCO2e. */
export const WH_PER_KWH = 1000;

/** A constant as data: its value, unit and where it comes from (for the methodology page). */
export interface EcoConstant {
  name: string;
  symbol: string;
  value: number;
  unit: string;
  meaning: string;
  source: string;
}

/** Every constant the formula uses, in the order the equations use them. */
export const ECO_CONSTANTS: readonly EcoConstant[] = [
  {
    name: 'GPU_ENERGY_ALPHA',
    symbol: 'α_E',
    value: GPU_ENERGY_ALPHA,
    unit: 'Wh / token / B params',
    meaning: 'slope of the per-GPU energy fit (ML.ENERGY Leaderboard, H100 80GB, ≤ 200B, batch ≤ 512)',
    source: SRC,
  },
  {
    name: 'GPU_ENERGY_BETA',
    symbol: 'β_E',
    value: GPU_ENERGY_BETA,
    unit: '1 / request',
    meaning: 'exponential batch damping of the slope',
    source: SRC,
  },
  {
    name: 'GPU_ENERGY_GAMMA',
    symbol: 'γ_E',
    value: GPU_ENERGY_GAMMA,
    unit: 'Wh / token',
    meaning: 'intercept of the per-GPU energy fit',
    source: SRC,
  },
  {
    name: 'LATENCY_ALPHA',
    symbol: 'α_L',
    value: LATENCY_ALPHA,
    unit: 's / token / B params',
    meaning: 'latency fit slope (used only when the model has no TPS)',
    source: SRC,
  },
  {
    name: 'LATENCY_BETA',
    symbol: 'β_L',
    value: LATENCY_BETA,
    unit: 's / token / request',
    meaning: 'latency fit batch term',
    source: SRC,
  },
  {
    name: 'LATENCY_GAMMA',
    symbol: 'γ_L',
    value: LATENCY_GAMMA,
    unit: 's / token',
    meaning: 'latency fit intercept',
    source: SRC,
  },
  {
    name: 'BATCH_SIZE',
    symbol: 'B',
    value: BATCH_SIZE,
    unit: 'requests',
    meaning: 'concurrent requests per server, fixed',
    source: SRC,
  },
  {
    name: 'MODEL_QUANTIZATION_BITS',
    symbol: 'Q',
    value: MODEL_QUANTIZATION_BITS,
    unit: 'bits / weight',
    meaning: 'bf16 weights, as in the benchmark',
    source: SRC,
  },
  {
    name: 'MEMORY_OVERHEAD',
    symbol: '1.2',
    value: MEMORY_OVERHEAD,
    unit: 'dimensionless',
    meaning: 'memory overhead on the weights (EleutherAI "Transformer Math 101")',
    source: `${SRC} (model_required_memory)`,
  },
  {
    name: 'GPU_MEMORY',
    symbol: 'M_gpu',
    value: GPU_MEMORY_GB,
    unit: 'GB',
    meaning: 'memory of one H100 80GB',
    source: SRC,
  },
  {
    name: 'SERVER_GPUS',
    symbol: 'G_srv',
    value: SERVER_GPUS,
    unit: 'GPUs / server',
    meaning: 'AWS p5.48xlarge',
    source: SRC,
  },
  {
    name: 'SERVER_POWER',
    symbol: 'W_srv',
    value: SERVER_POWER_KW,
    unit: 'kW',
    meaning: 'p5.48xlarge average power without GPUs (BoaviztAPI)',
    source: SRC,
  },
  {
    name: 'SERVER_EMBODIED_IMPACT_GWP',
    symbol: 'I_srv',
    value: SERVER_EMBODIED_GWP_KG,
    unit: 'kgCO2eq',
    meaning: 'manufacturing of a p5.48xlarge without GPUs (BoaviztAPI)',
    source: SRC,
  },
  {
    name: 'GPU_EMBODIED_IMPACT_GWP',
    symbol: 'I_gpu',
    value: GPU_EMBODIED_GWP_KG,
    unit: 'kgCO2eq',
    meaning: 'manufacturing of one H100 (NVIDIA HGX H100 PCF)',
    source: SRC,
  },
  {
    name: 'HARDWARE_LIFESPAN',
    symbol: 'L',
    value: HARDWARE_LIFESPAN_S,
    unit: 's',
    meaning: '3 years',
    source: SRC,
  },
];
