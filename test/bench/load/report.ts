/**
 * What `pnpm bench load` prints at the end: a markdown table of every gateway side by side, and the
 * targets as PASS/FAIL with the measured ratio (figure ÷ limit, or LowRouter ÷ Portkey). Nothing here
 * measures; every figure comes from the results passed in.
 */
import { type LevelResult, type OverheadResult, quantile, rps } from './loadgen';

export interface GatewayResult {
  name: string;
  overhead: OverheadResult;
  levels: LevelResult[];
  /** Peak RSS (bytes) per concurrency level. */
  peakRss: Record<number, number | null>;
  /** Circuit states other than closed seen during the run; undefined when the gateway has none to ask. */
  circuits?: string[];
}

const ms = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : 'n/a');
const mb = (b: number | null | undefined) => (b ? `${(b / 2 ** 20).toFixed(0)} MB` : 'n/a');

/**
 * Load shedding: a 503 that is not LowRouter's `no_route_available` (every endpoint refused, e.g. its
 * circuit open), which is a failure to serve, not a deliberate refusal to queue.
 */
const isShed = (key: string) => key.startsWith('503') && !key.includes('no_route');

/** `503 overloaded×4 (shed), 502 network×2, timeout×1`, or `none`. */
export function errorText(r: LevelResult): string {
  const parts = Object.entries(r.statuses).map(([k, n]) => `${k}×${n}${isShed(k) ? ' (shed)' : ''}`);
  if (r.networkErrors) parts.push(`no answer×${r.networkErrors}`);
  if (r.timeouts) parts.push(`timeout×${r.timeouts}`);
  return parts.length ? parts.join(', ') : 'none';
}

/** Failures other than 503 shedding: other non-200 answers, requests with no answer, timeouts. */
export const hardErrors = (r: LevelResult) =>
  r.networkErrors +
  r.timeouts +
  Object.entries(r.statuses)
    .filter(([k]) => !isShed(k))
    .reduce((a, [, n]) => a + n, 0);

/** CPU spent during a level, ms: the gateway's own process and, for LowRouter on PostgreSQL, the server's. */
export interface LevelCpu {
  gatewayMs: number | null;
  postgresMs?: number;
  /** The load generator (this process) and the fake upstream together: what shares the load CPU. */
  loadMs?: number | null;
}

const perRequest = (cpuMs: number, r: LevelResult) => (r.ok ? (cpuMs / r.ok).toFixed(2) : 'n/a');

/**
 * `CPU/request: gateway 0.71 ms (96% of a core), PostgreSQL 0.12 ms; load generator + fake upstream
 * 0.20 ms`, or '' when not measured.
 */
export function cpuText(r: LevelResult, cpu?: LevelCpu): string {
  if (!cpu || cpu.gatewayMs === null) return '';
  const busy = ((cpu.gatewayMs / r.durationMs) * 100).toFixed(0);
  return (
    `\n    CPU/request: gateway ${perRequest(cpu.gatewayMs, r)} ms (${busy}% of a core)` +
    (cpu.postgresMs !== undefined ? `, PostgreSQL ${perRequest(cpu.postgresMs, r)} ms` : '') +
    (cpu.loadMs != null ? `; load generator + fake upstream ${perRequest(cpu.loadMs, r)} ms` : '')
  );
}

export function levelLine(name: string, r: LevelResult, rss: number | null, cpu?: LevelCpu): string {
  return (
    `${name.padEnd(22)} c=${String(r.concurrency).padEnd(4)} ${(r.durationMs / 1000).toFixed(1)} s  ` +
    `${rps(r).toFixed(0).padStart(6)} req/s  p50 ${ms(quantile(r.latencies, 0.5))} ms  ` +
    `p99 ${ms(quantile(r.latencies, 0.99))} ms  errors: ${errorText(r)}  peak RSS ${mb(rss)}` +
    cpuText(r, cpu) +
    (r.samples.length ? `\n    first errors: ${r.samples.join(' | ')}` : '')
  );
}

export function overheadLine(name: string, o: OverheadResult): string {
  return (
    `${name.padEnd(22)} overhead c=1: p50 ${ms(quantile(o.diffs, 0.5))} ms, p99 ${ms(quantile(o.diffs, 0.99))} ms ` +
    `over ${o.pairs} interleaved pairs (via p50 ${ms(quantile(o.via, 0.5))} ms, direct p50 ` +
    `${ms(quantile(o.direct, 0.5))} ms)${o.failures ? `, ${o.failures} failed pairs` : ''}`
  );
}

const level = (g: GatewayResult, c: number) => g.levels.find((l) => l.concurrency === c);

export function markdownTable(results: GatewayResult[]): string {
  const concurrencies = [...new Set(results.flatMap((g) => g.levels.map((l) => l.concurrency)))];
  const rows: [string, (g: GatewayResult) => string][] = [
    [
      'overhead c=1, p50 / p99 (ms)',
      (g) => `${ms(quantile(g.overhead.diffs, 0.5))} / ${ms(quantile(g.overhead.diffs, 0.99))}`,
    ],
    ...concurrencies.map((c): [string, (g: GatewayResult) => string] => [
      `c=${c}: req/s (p50 / p99 ms)`,
      (g) => {
        const l = level(g, c);
        return l
          ? `${rps(l).toFixed(0)} (${ms(quantile(l.latencies, 0.5))} / ${ms(quantile(l.latencies, 0.99))})`
          : 'n/a';
      },
    ]),
    ...concurrencies.map((c): [string, (g: GatewayResult) => string] => [
      `c=${c}: errors`,
      (g) => {
        const l = level(g, c);
        return l ? errorText(l) : 'n/a';
      },
    ]),
    ...concurrencies.map((c): [string, (g: GatewayResult) => string] => [
      `c=${c}: peak RSS`,
      (g) => mb(g.peakRss[c]),
    ]),
    ['circuit opened', (g) => (g.circuits ? (g.circuits.length ? g.circuits.join('; ') : 'no') : 'n/a')],
  ];
  const head = `| | ${results.map((g) => g.name).join(' | ')} |\n|---|${results.map(() => '---:').join('|')}|`;
  return [head, ...rows.map(([label, f]) => `| ${label} | ${results.map(f).join(' | ')} |`)].join('\n');
}

interface Check {
  label: string;
  /** Measured ÷ limit (≤ 1 passes) or a boolean outcome; null when a side was not run. */
  ratio: number | null;
  pass: boolean | null;
  detail: string;
}

/** The targets of the load benchmark, each measured; `null` pass when its inputs were not run. */
export function targets(results: GatewayResult[], longConcurrency: number): string {
  const by = (prefix: string) => results.find((g) => g.name.startsWith(prefix));
  const pg = by('LowRouter PostgreSQL');
  const pgl = by('LowRouter PGlite');
  const pk = by('Portkey');
  const p50 = (g?: GatewayResult) => (g ? quantile(g.overhead.diffs, 0.5) : Number.NaN);
  const p99 = (g?: GatewayResult) => (g ? quantile(g.overhead.diffs, 0.99) : Number.NaN);
  const rpsAt = (g: GatewayResult | undefined, c: number) => {
    const l = g && level(g, c);
    return l ? rps(l) : Number.NaN;
  };
  const checks: Check[] = [];
  const atMost = (label: string, value: number, limit: number, unit: string) => {
    const ok = Number.isFinite(value);
    checks.push({
      label,
      ratio: ok ? value / limit : null,
      pass: ok ? value <= limit : null,
      detail: ok ? `${value.toFixed(2)} ${unit} vs ≤ ${limit} ${unit}` : 'not run',
    });
  };
  const ratioAtLeast = (label: string, mine: number, theirs: number, factor: number) => {
    const ok = Number.isFinite(mine) && Number.isFinite(theirs) && theirs > 0;
    checks.push({
      label,
      ratio: ok ? mine / theirs : null,
      pass: ok ? mine / theirs >= factor : null,
      detail: ok ? `${mine.toFixed(0)} vs ${theirs.toFixed(0)} req/s, need ≥ ${factor}×` : 'not run',
    });
  };
  atMost('overhead c=1 p50, PostgreSQL', p50(pg), 1.0, 'ms');
  atMost('overhead c=1 p50, PGlite', p50(pgl), 1.5, 'ms');
  for (const [g, label] of [
    [pg, 'PostgreSQL'],
    [pgl, 'PGlite'],
  ] as const) {
    const mine = p50(g);
    const theirs = p50(pk);
    const ok = Number.isFinite(mine) && Number.isFinite(theirs);
    checks.push({
      label: `overhead c=1 p50 below Portkey's, ${label}`,
      ratio: ok && theirs > 0 ? mine / theirs : null,
      pass: ok ? mine < theirs : null,
      detail: ok ? `${mine.toFixed(2)} ms vs Portkey ${theirs.toFixed(2)} ms` : 'not run',
    });
  }
  atMost('overhead c=1 p99, PostgreSQL', p99(pg), 3, 'ms');
  ratioAtLeast('req/s c=16 ≥ 1.5× Portkey, PostgreSQL', rpsAt(pg, 16), rpsAt(pk, 16), 1.5);
  ratioAtLeast('req/s c=16 ≥ 1× Portkey, PGlite', rpsAt(pgl, 16), rpsAt(pk, 16), 1);
  for (const g of [pg, pgl]) {
    const l = g && level(g, longConcurrency);
    const name = g?.name.replace('LowRouter ', '') ?? '';
    if (!g || !l) continue;
    const hard = hardErrors(l);
    checks.push({
      label: `c=${longConcurrency}: no error but 503 shedding, ${name}`,
      ratio: null,
      pass: hard === 0,
      detail: errorText(l),
    });
    atMost(`c=${longConcurrency}: p99 of served, ${name}`, quantile(l.latencies, 0.99), 250, 'ms');
    const rss = g.peakRss[longConcurrency];
    atMost(`c=${longConcurrency}: peak RSS, ${name}`, rss ? rss / 2 ** 20 : Number.NaN, 200, 'MB');
    checks.push({
      label: `no circuit opened, ${name}`,
      ratio: null,
      pass: g.circuits ? g.circuits.length === 0 : null,
      detail: g.circuits?.length ? g.circuits.join('; ') : 'none seen',
    });
  }
  return checks
    .map((c) => {
      const verdict = c.pass === null ? 'n/a ' : c.pass ? 'PASS' : 'FAIL';
      const ratio = c.ratio === null ? '' : ` (ratio ${c.ratio.toFixed(2)})`;
      return `${verdict}  ${c.label}: ${c.detail}${ratio}`;
    })
    .join('\n');
}
