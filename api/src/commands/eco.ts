/**
 * `lowrouter eco`: EcoLogits estimates as a filter. Reads one JSON object per line on stdin and writes one
 * JSON line per non-blank input line on stdout, in order, so outputs line up with inputs. See HELP.
 */
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';
import {
  type EcoInputError,
  estimateInference,
  type InferenceEstimate,
  METHODOLOGY_VERSION,
  parseInferenceInput,
} from '@lowrouter/shared';

export const HELP = `usage: lowrouter eco [--help] < inputs.jsonl > estimates.jsonl

Estimates the energy and carbon of LLM requests with EcoLogits' formula (${METHODOLOGY_VERSION}).
Reads one JSON object per line on stdin; writes one JSON line per input line on stdout, in the same order.
Blank lines are skipped (no output); a last line without a newline is read.

Input fields (units in the names; parameters in billions):
  activeParamsB      {min,max}  active parameters, B
  totalParamsB       {min,max}  total parameters, B (> 0)
  outputTokens       number     output tokens (>= 0)
  latencySeconds     number     measured latency, s (optional; absent or null = not measured)
  tokensPerSecond    number     model throughput, tokens/s (optional; absent = latency regression)
  ttftSeconds        number     time to first token, s (optional; absent = 0)
  pue                {min,max}  data-centre PUE (>= 1)
  gridGco2ePerKwh    number     grid intensity, gCO2e/kWh (>= 0)
A ranged field also accepts a plain number: "pue": 1.2 means {"min": 1.2, "max": 1.2}.
Other fields are ignored.

Output fields, each {min,max,mid} (min = low parameters at PUE.min, max = high parameters at PUE.max):
  gpuCount, energyPerTokenWh (one GPU, Wh), estimatedLatencySeconds, latencySeconds (charged),
  gpuEnergyWh, serverEnergyWh, energyWh (request, PUE included), gco2e (usage: energy x grid),
  gco2eEmbodied (manufacturing share, reported apart and never included in gco2e)

A bad line (invalid JSON, missing or invalid field) gives
  {"error":{"line":<1-based input line>,"field":"<field or null for bad JSON>","message":"..."}}
and processing continues.

Exit status: 0 when every line was estimated, 1 when any line had an error (all lines are still
processed), 2 on a bad command-line argument.
`;

/** The streams the command talks to; tests may pass their own. */
export interface EcoIo {
  stdin: Readable;
  stdout: Writable;
  stderr: Writable;
}

const RANGED_FIELDS = ['activeParamsB', 'totalParamsB', 'pue'] as const;

export type EcoLineResult = { ok: true; estimate: InferenceEstimate } | { ok: false; error: EcoInputError };

/** Parses and estimates one input line (scalars accepted for ranged fields). */
export function estimateLine(text: string): EcoLineResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: { field: null, message: `invalid JSON: ${(err as Error).message}` } };
  }
  if (typeof raw === 'object' && raw !== null && !Array.isArray(raw)) {
    const record = { ...(raw as Record<string, unknown>) };
    for (const field of RANGED_FIELDS) {
      const value = record[field];
      if (typeof value === 'number') record[field] = { min: value, max: value };
    }
    raw = record;
  }
  const parsed = parseInferenceInput(raw);
  if (!parsed.ok) return parsed;
  return { ok: true, estimate: estimateInference(parsed.input) };
}

/** Writes with backpressure; false once the reader has gone away (EPIPE), so the caller can stop. */
async function write(out: Writable, text: string): Promise<boolean> {
  if (out.destroyed) return false;
  try {
    if (!out.write(text)) await once(out, 'drain');
    return true;
  } catch {
    return false;
  }
}

export async function run(
  args: string[],
  io: EcoIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr },
): Promise<number> {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout.on('error', () => {}); // `--help | head` must not crash on EPIPE
    await write(io.stdout, HELP);
    return 0;
  }
  if (args.length > 0) {
    await write(io.stderr, `lowrouter eco: unexpected argument ${args[0]}\n\n${HELP}`);
    return 2;
  }
  const lines = createInterface({ input: io.stdin, crlfDelay: Number.POSITIVE_INFINITY });
  // A reader that goes away (`| head`) ends the run quietly instead of crashing on EPIPE.
  io.stdout.on('error', () => lines.close());
  let lineNumber = 0;
  let errors = 0;
  let processed = 0;
  for await (const text of lines) {
    lineNumber++;
    if (text.trim() === '') continue;
    processed++;
    const result = estimateLine(text);
    if (!result.ok) errors++;
    const json = result.ok
      ? JSON.stringify(result.estimate)
      : JSON.stringify({ error: { line: lineNumber, ...result.error } });
    if (!(await write(io.stdout, `${json}\n`))) break;
  }
  if (errors > 0) {
    await write(io.stderr, `lowrouter eco: ${errors} of ${processed} lines had errors\n`);
    return 1;
  }
  return 0;
}
