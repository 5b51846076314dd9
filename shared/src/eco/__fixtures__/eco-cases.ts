/**
 * Test support for eco-cases.csv (EcoLogits golden cases, see SOURCE.md): a tiny RFC 4180 parser, the
 * mapping from a row to an InferenceInput, and the columns that map to InferenceEstimate fields.
 * Pure TS so shared's typecheck accepts it; tests read the file with node:fs and pass the text in.
 */
import type { InferenceEstimate, InferenceInput } from '../index';

export type CsvRow = Record<string, string>;

/** Parses CSV text (quoted fields, doubled quotes, CRLF or LF) into rows keyed by the header. */
export function parseCsv(text: string): CsvRow[] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  const [header, ...body] = records;
  if (!header) return [];
  return body.map((cells) => {
    if (cells.length !== header.length) {
      throw new Error(`CSV row has ${cells.length} cells, header has ${header.length}`);
    }
    return Object.fromEntries(header.map((name, j) => [name, cells[j] ?? '']));
  });
}

function n(row: CsvRow, column: string): number {
  const raw = row[column];
  if (raw === undefined || raw === '') throw new Error(`${row.case_id}: empty ${column}`);
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new Error(`${row.case_id}: bad ${column} ${raw}`);
  return value;
}

function optional(row: CsvRow, column: string): number | undefined {
  return row[column] === '' ? undefined : n(row, column);
}

/** The row's inputs: zone factor kgCO2eq/kWh · 1000 → gCO2e/kWh; empty latency/tps/ttft → absent. */
export function caseToInput(row: CsvRow): InferenceInput {
  const input: InferenceInput = {
    activeParamsB: { min: n(row, 'active_params_min_b'), max: n(row, 'active_params_max_b') },
    totalParamsB: { min: n(row, 'total_params_min_b'), max: n(row, 'total_params_max_b') },
    outputTokens: n(row, 'output_tokens'),
    pue: { min: n(row, 'pue_min'), max: n(row, 'pue_max') },
    gridGco2ePerKwh: n(row, 'if_gwp_kgco2eq_per_kwh') * 1000,
  };
  const latency = optional(row, 'request_latency_s');
  const tps = optional(row, 'tps');
  const ttft = optional(row, 'ttft_s');
  if (latency !== undefined) input.latencySeconds = latency;
  if (tps !== undefined) input.tokensPerSecond = tps;
  if (ttft !== undefined) input.ttftSeconds = ttft;
  return input;
}

/** Golden column stem (add `_min`/`_max`) → estimate field, and the factor from the CSV unit to ours. */
export const GOLDEN_COLUMNS: ReadonlyArray<{ stem: string; field: keyof InferenceEstimate; scale: number }> =
  [
    { stem: 'gpu_energy_per_token_kwh', field: 'energyPerTokenWh', scale: 1000 },
    { stem: 'gpu_count', field: 'gpuCount', scale: 1 },
    { stem: 'estimated_latency_s', field: 'estimatedLatencySeconds', scale: 1 },
    { stem: 'generation_latency_s', field: 'latencySeconds', scale: 1 },
    { stem: 'server_energy_kwh', field: 'serverEnergyWh', scale: 1000 },
    { stem: 'energy_kwh', field: 'energyWh', scale: 1000 },
    { stem: 'gwp_usage_kgco2eq', field: 'gco2e', scale: 1000 },
    { stem: 'gwp_embodied_kgco2eq', field: 'gco2eEmbodied', scale: 1000 },
  ];

/** |actual − expected| / |expected|, or |actual| when expected is 0. */
export function relativeError(actual: number, expected: number): number {
  if (expected === 0) return Math.abs(actual);
  return Math.abs(actual - expected) / Math.abs(expected);
}
