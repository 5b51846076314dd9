/**
 * Prometheus metrics, written by hand in the text exposition format 0.0.4: counters and histograms
 * with labels, one registry per process. No organisation, key or request ids in labels: they would
 * leak tenants to whoever scrapes and explode cardinality (provider × region × model is bounded by
 * the catalog).
 */
import type { requests } from '../db/schema';

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');

function formatValue(v: number): string {
  if (v === Number.POSITIVE_INFINITY) return '+Inf';
  if (v === Number.NEGATIVE_INFINITY) return '-Inf';
  if (Number.isNaN(v)) return 'NaN';
  return String(v);
}

function labelText(names: readonly string[], values: readonly string[], extra?: [string, string]): string {
  const pairs = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) pairs.push(`${extra[0]}="${escapeLabel(extra[1])}"`);
  return pairs.length ? `{${pairs.join(',')}}` : '';
}

interface Metric {
  render(): string;
}

export class Counter<L extends string = string> implements Metric {
  private readonly values = new Map<string, { labels: string[]; value: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
  ) {}

  /** Adds `by` (≥ 0; counters never go down). */
  inc(labels: Record<L, string>, by = 1): void {
    if (!(by >= 0) || !Number.isFinite(by)) return;
    const values = this.labelNames.map((n) => labels[n]);
    const key = JSON.stringify(values);
    const cur = this.values.get(key);
    if (cur) cur.value += by;
    else this.values.set(key, { labels: values, value: by });
  }

  get(labels: Record<L, string>): number {
    return this.values.get(JSON.stringify(this.labelNames.map((n) => labels[n])))?.value ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} counter`];
    for (const { labels, value } of this.values.values())
      lines.push(`${this.name}${labelText(this.labelNames, labels)} ${formatValue(value)}`);
    return lines.join('\n');
  }
}

export class Histogram<L extends string = string> implements Metric {
  private readonly series = new Map<
    string,
    { labels: string[]; counts: number[]; sum: number; count: number }
  >();
  readonly buckets: readonly number[];
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly L[],
    buckets: readonly number[],
  ) {
    this.buckets = [...buckets].sort((a, b) => a - b);
  }

  observe(labels: Record<L, string>, value: number): void {
    if (!Number.isFinite(value)) return;
    const values = this.labelNames.map((n) => labels[n]);
    const key = JSON.stringify(values);
    let s = this.series.get(key);
    if (!s) {
      s = { labels: values, counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]! += 1;
    s.sum += value;
    s.count += 1;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      for (const [i, le] of this.buckets.entries())
        lines.push(
          `${this.name}_bucket${labelText(this.labelNames, s.labels, ['le', formatValue(le)])} ${s.counts[i]}`,
        );
      lines.push(`${this.name}_bucket${labelText(this.labelNames, s.labels, ['le', '+Inf'])} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(this.labelNames, s.labels)} ${formatValue(s.sum)}`);
      lines.push(`${this.name}_count${labelText(this.labelNames, s.labels)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

/** The gateway's metrics. */
export function createGatewayMetrics() {
  const m = {
    requests: new Counter(
      'lowrouter_requests_total',
      'Inference requests, by where they were served and how they ended.',
      ['provider', 'region', 'model', 'status'],
    ),
    tokens: new Counter(
      'lowrouter_tokens_total',
      'Tokens, by kind (input, output, cached_input, cache_write, reasoning).',
      ['provider', 'region', 'kind'],
    ),
    upstreamLatency: new Histogram(
      'lowrouter_upstream_latency_seconds',
      'Time the upstream took to answer, seconds.',
      ['provider'],
      [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
    ),
    errors: new Counter('lowrouter_errors_total', 'Requests that did not end ok, by error kind.', ['kind']),
    energyWh: new Counter(
      'lowrouter_energy_wh_total',
      'Estimated energy, Wh (midpoint of the EcoLogits range, PUE included).',
      ['provider', 'region'],
    ),
    gco2e: new Counter(
      'lowrouter_gco2e_grams_total',
      'Estimated emissions, gCO2e (midpoint of the range, usage phase).',
      ['provider', 'region'],
    ),
  };
  return {
    ...m,
    /** The exposition text, every metric in a stable order, ending with a newline. */
    render: () =>
      `${Object.values(m)
        .map((x) => x.render())
        .join('\n')}\n`,
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

/** The process's registry: what /metrics serves and recordRequestMetrics writes. */
export const gatewayMetrics: GatewayMetrics = createGatewayMetrics();

const NONE = 'none';

/** Counts one recorded request. Call it after the request row is written. */
export function recordRequestMetrics(
  row: typeof requests.$inferInsert,
  m: GatewayMetrics = gatewayMetrics,
): void {
  const provider = row.providerId ?? NONE;
  const region = row.regionId ?? NONE;
  m.requests.inc({ provider, region, model: row.modelId ?? NONE, status: row.status });
  const tokens: [string, number | undefined][] = [
    ['input', row.inputTokens],
    ['output', row.outputTokens],
    ['cached_input', row.cachedInputTokens],
    ['cache_write', row.cacheWriteTokens],
    ['reasoning', row.reasoningTokens],
  ];
  for (const [kind, n] of tokens) if (n) m.tokens.inc({ provider, region, kind }, n);
  if (row.upstreamLatencyMs != null) m.upstreamLatency.observe({ provider }, row.upstreamLatencyMs / 1000);
  if (row.status !== 'ok') m.errors.inc({ kind: row.errorKind ?? row.status });
  if (row.energyWhMin != null && row.energyWhMax != null)
    m.energyWh.inc({ provider, region }, (row.energyWhMin + row.energyWhMax) / 2);
  if (row.gco2eMin != null && row.gco2eMax != null)
    m.gco2e.inc({ provider, region }, (row.gco2eMin + row.gco2eMax) / 2);
}

export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/**
 * Who may read /metrics when it is not public: any valid key with the read (or admin) scope. The
 * refusal names what to send; null means allowed.
 */
export function metricsAccess(principal: { scopes: readonly string[] } | null): Response | null {
  const refuse = (status: 401 | 403, message: string) =>
    new Response(
      JSON.stringify({ error: { code: status === 401 ? 'UNAUTHENTICATED' : 'FORBIDDEN', message } }),
      {
        status,
        headers: {
          'content-type': 'application/json',
          ...(status === 401 ? { 'www-authenticate': 'Bearer' } : {}),
        },
      },
    );
  if (!principal)
    return refuse(
      401,
      '/metrics needs an API key with the read scope: send it as `Authorization: Bearer lr_…` ' +
        '(the operator can publish it with LOWROUTER_METRICS_PUBLIC=true)',
    );
  if (!principal.scopes.includes('read') && !principal.scopes.includes('admin'))
    return refuse(403, `/metrics needs the read scope; the key has ${principal.scopes.join(', ')}`);
  return null;
}

/** GET /metrics. */
export function handleMetrics(m: GatewayMetrics = gatewayMetrics): Response {
  return new Response(m.render(), { headers: { 'content-type': METRICS_CONTENT_TYPE } });
}
