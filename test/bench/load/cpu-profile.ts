/**
 * Reads a V8 `.cpuprofile` (node --cpu-prof) and sums self time per function (name + file:line), so
 * the top entries of a bench run can be quoted. Self time of a sample is the gap to the next sample.
 * Sample times are µs on the monotonic clock that `process.hrtime` reads too, so a window taken in
 * the bench process keeps only the samples of the measured load (no start-up, no module loading).
 * Code run through tsx is compiled onto one line per module, so its lines read `:1`.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  fn: string;
  /** ms */
  selfMs: number;
  /** Share of the busy (non-idle) sampled time, 0..1. */
  share: number;
}

export interface ProfileSummary {
  /** Busy time sampled in the window, ms. */
  busyMs: number;
  idleMs: number;
  /** False when no sample fell in the window and the whole profile was used instead. */
  windowed: boolean;
  top: SelfTime[];
}

/** The monotonic clock of profile samples, in µs. */
export const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);

/** Top `n` functions by self time within `window` (µs, monotonic); `root` shortens file URLs below it. */
export function topSelfTime(
  file: string,
  n = 15,
  root?: string,
  window?: { fromUs: number; toUs: number },
): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const label = new Map<number, string>();
  for (const node of profile.nodes) {
    const { functionName, url, lineNumber } = node.callFrame;
    let where = url;
    if (url.startsWith('file://')) {
      const path = fileURLToPath(url);
      where = root && path.startsWith(root) ? relative(root, path) : path;
    }
    where = where.replace(/^.*node_modules\/\.pnpm\/[^/]+\/node_modules\//, '');
    label.set(node.id, `${functionName || '(anonymous)'}${where ? ` ${where}:${lineNumber + 1}` : ''}`);
  }
  const sum = (inWindow: (t: number) => boolean) => {
    const self = new Map<string, number>();
    let t = profile.startTime;
    const { samples, timeDeltas } = profile;
    for (let i = 0; i < samples.length; i++) {
      t += timeDeltas[i] ?? 0;
      if (!inWindow(t)) continue;
      const key = label.get(samples[i]!) ?? '?';
      self.set(key, (self.get(key) ?? 0) + (timeDeltas[i + 1] ?? 0));
    }
    return self;
  };
  let windowed = Boolean(window);
  let self = window ? sum((t) => t >= window.fromUs && t <= window.toUs) : sum(() => true);
  if (window && self.size === 0) {
    windowed = false;
    self = sum(() => true);
  }
  const idleUs = self.get('(idle)') ?? 0;
  self.delete('(idle)');
  const busyUs = [...self.values()].reduce((a, b) => a + b, 0);
  const top = [...self.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, n)
    .map(([fn, us]) => ({ fn, selfMs: us / 1000, share: busyUs ? us / busyUs : 0 }));
  return { busyMs: busyUs / 1000, idleMs: idleUs / 1000, windowed, top };
}
