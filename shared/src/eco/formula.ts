/**
 * The EcoLogits request-level formula (mlco2/ecologits main @ 5be90da, ecologits/impacts/llm.py, MPL-2.0),
 * ported operation for operation so results match EcoLogits' Python bit for bit (or within 1e-9 relative,
 * pinned by the golden cases in __fixtures__/eco-cases.csv). Pure: no I/O, no clock, no node:* or DOM.
 *
 * Internally the formula works as EcoLogits does, in kWh and kgCO2eq; results are reported in Wh and gCO2e.
 */
import { type Range, range } from '../units';
import {
  BATCH_SIZE,
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
  MODEL_QUANTIZATION_BITS,
  SECONDS_PER_HOUR,
  SERVER_EMBODIED_GWP_KG,
  SERVER_GPUS,
  SERVER_POWER_KW,
  WH_PER_KWH,
} from './constants';
import { type InferenceInput, parseInferenceInput } from './validate';

/**
 * One request's estimate. Every field is a Range: `min` is the low run (P_a.min, P_t.min at PUE.min), `max`
 * the high run (P_a.max, P_t.max at PUE.max), `mid` their midpoint, as EcoLogits reports `value.mean`.
 */
export interface InferenceEstimate {
  /** GPUs allocated to hold the model: a power of two (16-bit weights, 1.2 overhead, 80 GB per GPU). */
  gpuCount: Range;
  /** Energy of ONE GPU per output token, Wh (e_tok). */
  energyPerTokenWh: Range;
  /** Model latency before the cap, s: N/TPS + TTFT, or the regression N·(α_L·P_a + β_L·B + γ_L). */
  estimatedLatencySeconds: Range;
  /** Latency charged, s = min(estimate, measured latency). */
  latencySeconds: Range;
  /** Energy of all allocated GPUs, Wh, before PUE (n_gpu · N · e_tok). */
  gpuEnergyWh: Range;
  /** Energy of the server without its GPUs (this request's share), Wh, before PUE. */
  serverEnergyWh: Range;
  /** Request energy, Wh, PUE included: EcoLogits `impacts.energy`. The headline energy. */
  energyWh: Range;
  /** Usage-phase carbon, gCO2e = energy × grid intensity: EcoLogits `impacts.usage.gwp`. The headline carbon. */
  gco2e: Range;
  /** Manufacturing (embodied) carbon allocated to the request, gCO2e. Reported apart, never added to gco2e. */
  gco2eEmbodied: Range;
}

/** One evaluation of the DAG at scalar parameters and PUE, in EcoLogits' units (kWh, kgCO2eq, s). */
interface Run {
  gpuCount: number;
  energyPerTokenWh: number;
  estimatedLatencyS: number;
  latencyS: number;
  gpuEnergyKwh: number;
  serverEnergyKwh: number;
  energyKwh: number;
  gco2e: number;
  embodiedKg: number;
}

/** Smallest power of two ≥ n, for integer n ≥ 1: EcoLogits' `2 ** ceil(log2(n))` without log rounding. */
function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

/**
 * GPUs needed to hold a model of `totalParamsB` billion parameters (must be > 0):
 * ceil(1.2 · P_t · 16 / 8 / 80 GB), rounded up to a power of two (llm.py `model_required_memory`,
 * `gpu_required_count`).
 */
export function gpuCountFor(totalParamsB: number): number {
  const memoryGb = (MEMORY_OVERHEAD * totalParamsB * MODEL_QUANTIZATION_BITS) / 8;
  return nextPowerOfTwo(Math.ceil(memoryGb / GPU_MEMORY_GB));
}

/**
 * Energy of one GPU per output token, Wh: α_E · exp(β_E · B) · P_a + γ_E (llm.py `gpu_energy`, before its
 * division by 1000).
 */
export function energyPerTokenWh(activeParamsB: number): number {
  return GPU_ENERGY_ALPHA * Math.exp(GPU_ENERGY_BETA * BATCH_SIZE) * activeParamsB + GPU_ENERGY_GAMMA;
}

function evaluate(input: InferenceInput, activeB: number, totalB: number, pue: number): Run {
  const n = input.outputTokens;
  // §3.1 llm.py gpu_energy: per-token Wh, then /1000 to kWh, then × N (energy of ONE GPU, kWh).
  const perTokenWh = energyPerTokenWh(activeB);
  const perTokenKwh = perTokenWh / WH_PER_KWH;
  const oneGpuKwh = n * perTokenKwh;
  // §3.2 memory → power-of-two GPU count (total parameters).
  const gpuCount = gpuCountFor(totalB);
  // §3.4 llm.py generation_latency: N · (1/TPS) (not N/TPS) + (TTFT or 0), else the regression; capped by
  // the measured latency. EcoLogits adds TTFT on both paths.
  const latencyPerToken =
    input.tokensPerSecond === undefined
      ? LATENCY_ALPHA * activeB + LATENCY_BETA * BATCH_SIZE + LATENCY_GAMMA
      : 1 / input.tokensPerSecond;
  const estimatedLatencyS = n * latencyPerToken + (input.ttftSeconds ?? 0);
  const measured = input.latencySeconds ?? Number.POSITIVE_INFINITY;
  const latencyS = Math.min(measured, estimatedLatencyS); // llm.py: measured if measured < estimate
  // §3.5 llm.py server_energy, kWh: (ΔT/3600) · W_srv · (n_gpu/8) · (1/B).
  const serverEnergyKwh =
    (latencyS / SECONDS_PER_HOUR) * SERVER_POWER_KW * (gpuCount / SERVER_GPUS) * (1 / BATCH_SIZE);
  // §3.3 + §3.6 llm.py request_energy, kWh: PUE · (E_server + n_gpu · E_gpu).
  const gpuEnergyKwh = gpuCount * oneGpuKwh;
  const energyKwh = pue * (serverEnergyKwh + gpuEnergyKwh);
  // §3.7 usage GWP: energy (kWh) × grid (gCO2e/kWh) = gCO2e.
  const gco2e = energyKwh * input.gridGco2ePerKwh;
  // §3.8 llm.py server_gpu_embodied_gwp / request_embodied_gwp, kgCO2eq: ΔT · I_hw / (L · B).
  const hardwareKg = (gpuCount / SERVER_GPUS) * SERVER_EMBODIED_GWP_KG + gpuCount * GPU_EMBODIED_GWP_KG;
  const embodiedKg = (latencyS * hardwareKg) / (HARDWARE_LIFESPAN_S * BATCH_SIZE);
  return {
    gpuCount,
    energyPerTokenWh: perTokenWh,
    estimatedLatencyS,
    latencyS,
    gpuEnergyKwh,
    serverEnergyKwh,
    energyKwh,
    gco2e,
    embodiedKg,
  };
}

/**
 * Estimates one request with EcoLogits' formula. The low run uses (P_a.min, P_t.min) at PUE.min and the
 * high run (P_a.max, P_t.max) at PUE.max (METHODOLOGY §5); every step is monotone, so min ≤ max.
 * Throws a RangeError naming the field when the input is invalid (check first with validateInferenceInput
 * to get the error as a value).
 */
export function estimateInference(input: InferenceInput): InferenceEstimate {
  const parsed = parseInferenceInput(input);
  if (!parsed.ok) {
    throw new RangeError(`invalid eco input: ${parsed.error.field ?? 'input'} ${parsed.error.message}`);
  }
  const clean = parsed.input;
  const lo = evaluate(clean, clean.activeParamsB.min, clean.totalParamsB.min, clean.pue.min);
  const hi = evaluate(clean, clean.activeParamsB.max, clean.totalParamsB.max, clean.pue.max);
  const k = WH_PER_KWH; // also g per kg
  return {
    gpuCount: range(lo.gpuCount, hi.gpuCount),
    energyPerTokenWh: range(lo.energyPerTokenWh, hi.energyPerTokenWh),
    estimatedLatencySeconds: range(lo.estimatedLatencyS, hi.estimatedLatencyS),
    latencySeconds: range(lo.latencyS, hi.latencyS),
    gpuEnergyWh: range(lo.gpuEnergyKwh * k, hi.gpuEnergyKwh * k),
    serverEnergyWh: range(lo.serverEnergyKwh * k, hi.serverEnergyKwh * k),
    energyWh: range(lo.energyKwh * k, hi.energyKwh * k),
    gco2e: range(lo.gco2e, hi.gco2e),
    gco2eEmbodied: range(lo.embodiedKg * k, hi.embodiedKg * k),
  };
}
