/**
 * Input checking for the eco formula. Takes `unknown` so the CLI and API can pass parsed JSON straight in;
 * the first problem found is returned with the name of the offending field (`pue.min`, `outputTokens`).
 */
import type { MinMax } from '../units';

/** One request's inputs to the EcoLogits formula. Parameters in billions, times in seconds. */
export interface InferenceInput {
  /** Billions of parameters active per token; a disclosed size is written min = max. */
  activeParamsB: MinMax;
  /** Billions of parameters in total (= active for dense models); must be > 0. */
  totalParamsB: MinMax;
  /** Output (completion) tokens, reasoning tokens included when the provider counts them there. */
  outputTokens: number;
  /** Measured wall-clock latency of the request, s. Absent = not measured = +∞ (the estimate applies). */
  latencySeconds?: number;
  /** Model throughput, output tokens per second (catalog `deployment.tps`). Absent = latency regression. */
  tokensPerSecond?: number;
  /** Time to first token, s (catalog `deployment.ttftSeconds`). Absent = 0. */
  ttftSeconds?: number;
  /** Data-centre PUE (dimensionless, ≥ 1) as a range; a scalar is written min = max. */
  pue: MinMax;
  /** Grid carbon intensity of the serving region, gCO2e per kWh (annual average). */
  gridGco2ePerKwh: number;
}

/** A field-named validation error. `field` is a dotted path, or null when the input is not an object. */
export interface EcoInputError {
  field: string | null;
  message: string;
}

export type ParsedInferenceInput = { ok: true; input: InferenceInput } | { ok: false; error: EcoInputError };

type Check = { value: number } | { error: EcoInputError };

function num(raw: unknown, field: string, lowest: number, strict: boolean): Check {
  if (typeof raw !== 'number' || !Number.isFinite(raw)) {
    return { error: { field, message: 'must be a finite number' } };
  }
  if (strict ? !(raw > lowest) : !(raw >= lowest)) {
    return { error: { field, message: `must be ${strict ? '>' : '>='} ${lowest}` } };
  }
  return { value: raw };
}

function minMax(raw: unknown, field: string, lowest: number, strictMin: boolean): MinMax | EcoInputError {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { field, message: 'must be an object {min, max}' };
  }
  const r = raw as Record<string, unknown>;
  const min = num(r.min, `${field}.min`, lowest, strictMin);
  if ('error' in min) return min.error;
  const max = num(r.max, `${field}.max`, lowest, strictMin);
  if ('error' in max) return max.error;
  if (min.value > max.value) return { field, message: 'min must be <= max' };
  return { min: min.value, max: max.value };
}

function optional(raw: unknown, field: string, lowest: number, strict: boolean): Check | undefined {
  return raw === undefined || raw === null ? undefined : num(raw, field, lowest, strict);
}

function isError(v: MinMax | EcoInputError): v is EcoInputError {
  return 'message' in v;
}

/**
 * Checks `raw` and returns a clean InferenceInput (known fields only; null optional fields become absent).
 * Rules: every number finite; parameters ≥ 0 with total > 0 (EcoLogits' GPU count is undefined at 0);
 * outputTokens, latencySeconds, ttftSeconds, gridGco2ePerKwh ≥ 0; tokensPerSecond > 0; PUE ≥ 1;
 * every range has min ≤ max. Active ≤ total is not required (EcoLogits does not require it either).
 */
export function parseInferenceInput(raw: unknown): ParsedInferenceInput {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, error: { field: null, message: 'input must be a JSON object' } };
  }
  const r = raw as Record<string, unknown>;
  const activeParamsB = minMax(r.activeParamsB, 'activeParamsB', 0, false);
  if (isError(activeParamsB)) return { ok: false, error: activeParamsB };
  const totalParamsB = minMax(r.totalParamsB, 'totalParamsB', 0, true);
  if (isError(totalParamsB)) return { ok: false, error: totalParamsB };
  const outputTokens = num(r.outputTokens, 'outputTokens', 0, false);
  if ('error' in outputTokens) return { ok: false, error: outputTokens.error };
  const latency = optional(r.latencySeconds, 'latencySeconds', 0, false);
  if (latency && 'error' in latency) return { ok: false, error: latency.error };
  const tps = optional(r.tokensPerSecond, 'tokensPerSecond', 0, true);
  if (tps && 'error' in tps) return { ok: false, error: tps.error };
  const ttft = optional(r.ttftSeconds, 'ttftSeconds', 0, false);
  if (ttft && 'error' in ttft) return { ok: false, error: ttft.error };
  const pue = minMax(r.pue, 'pue', 1, false);
  if (isError(pue)) return { ok: false, error: pue };
  const grid = num(r.gridGco2ePerKwh, 'gridGco2ePerKwh', 0, false);
  if ('error' in grid) return { ok: false, error: grid.error };

  const input: InferenceInput = {
    activeParamsB,
    totalParamsB,
    outputTokens: outputTokens.value,
    pue,
    gridGco2ePerKwh: grid.value,
  };
  if (latency) input.latencySeconds = latency.value;
  if (tps) input.tokensPerSecond = tps.value;
  if (ttft) input.ttftSeconds = ttft.value;
  return { ok: true, input };
}

/** Returns the first problem with `input` (see parseInferenceInput for the rules), or undefined when valid. */
export function validateInferenceInput(input: unknown): EcoInputError | undefined {
  const parsed = parseInferenceInput(input);
  return parsed.ok ? undefined : parsed.error;
}
