/**
 * How much memory the serving process lets its JavaScript heap take. Under load V8 grows the old
 * generation up to about 4× what survived the last full collection before it collects again, trading
 * memory for fewer collections. The gateway's live heap is small (about 48 MB at 256 requests in
 * flight, of which most is code and the catalog's strings), so that factor alone put its peak RSS at
 * 310–320 MB at concurrency 256. With the growth capped at 50%, `pnpm bench load`'s conditions gave
 * 181–191 MB at concurrency 256 and 158–166 MB at 16, with no CPU cost per request that the run could
 * tell from noise (the figures are in the README's Performance section).
 */
import { setFlagsFromString } from 'node:v8';

/** The V8 flag behind LOWROUTER_HEAP_GROWING_PERCENT, or null when V8's default is kept (0). */
export function heapGrowingFlag(percent: number): string | null {
  return percent > 0 ? `--heap-growing-percent=${percent}` : null;
}

/**
 * Applies LOWROUTER_HEAP_GROWING_PERCENT to this process. The earlier the better: `pnpm start`'s entry
 * (api/scripts/run.mjs) sets it before any module loads, with the same rule as here; `lowrouter start`
 * sets it again (the same value, harmless) so that starting from source gets it too, if later. A flag
 * given to node itself (`node --heap-growing-percent=…`) wins. Returns the flag applied, or null.
 */
export function applyHeapSettings(
  percent: number,
  execArgv: readonly string[] = process.execArgv,
  set: (flag: string) => void = setFlagsFromString,
): string | null {
  if (execArgv.some((a) => a.startsWith('--heap-growing-percent'))) return null;
  const flag = heapGrowingFlag(percent);
  if (flag) set(flag);
  return flag;
}
