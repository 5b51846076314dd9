/** What every docs page renders from: the running configuration, its defaults, and database figures. */
import type { Config } from '../../config';
import type { MethodologyFacts } from '../methodology-page';
import type { DocsFacts } from './facts';
import type { ScaleOutMeasured } from './measured';
import { html, type Raw } from './html';

export interface DocsContext {
  /** The configuration this gateway runs with (fee, threshold, limits). */
  config: Config;
  /** The defaults the code applies when a variable is unset (loadConfig of an empty environment). */
  defaults: Config;
  facts: DocsFacts;
  methodology: MethodologyFacts;
  /** Figures measured by `pnpm bench nodes --write` (committed JSON, see measured.ts). */
  scaleOut: ScaleOutMeasured;
}

/** A fenced code sample. */
export const code = (text: string, label?: string): Raw =>
  html`<pre class="code"${label ? html` aria-label="${label}"` : ''}><code>${text}</code></pre>`;

/** USD from integer micro-USD, with as many decimals as needed (at least 2, at most 6). */
export function usd(micro: number): string {
  const s = (micro / 1_000_000).toFixed(6).replace(/0+$/, '');
  const [int, dec = ''] = s.split('.');
  return `$${int}.${dec.padEnd(2, '0')}`;
}

/** A percentage as configured (5 → "5%", 2.5 → "2.5%"). */
export const percent = (p: number) => `${p}%`;

/** Thousands separators for counts. */
export const n = (v: number) => v.toLocaleString('en-GB');
