import { describe, expect, it } from 'vitest';
import { Counter, createGatewayMetrics, handleMetrics, recordRequestMetrics } from './metrics';
import { randomRequests } from './test-helpers';

const row = (over: Record<string, unknown> = {}) => ({
  ...randomRequests({
    orgId: 'org_x',
    apiKeyIds: ['key_x'],
    count: 1,
    start: new Date(0),
    days: 1,
    seed: 1,
  })[0]!,
  status: 'ok',
  providerId: 'scaleway',
  regionId: 'scw-fr-par',
  modelId: 'mistral-small',
  inputTokens: 100,
  outputTokens: 40,
  cachedInputTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 5,
  upstreamLatencyMs: 300,
  energyWhMin: 1,
  energyWhMax: 3,
  gco2eMin: 0.1,
  gco2eMax: 0.3,
  ...over,
});

describe('prometheus metrics', () => {
  it('exposes requests, tokens, latency, errors, energy and carbon in text format 0.0.4', async () => {
    const m = createGatewayMetrics();
    recordRequestMetrics(row(), m);
    recordRequestMetrics(row({ upstreamLatencyMs: 7000 }), m);
    recordRequestMetrics(
      row({
        status: 'error',
        errorKind: 'rate_limited',
        providerId: null,
        regionId: null,
        modelId: null,
        inputTokens: 0,
        outputTokens: 0,
        reasoningTokens: 0,
        upstreamLatencyMs: null,
        energyWhMin: null,
        energyWhMax: null,
        gco2eMin: null,
        gco2eMax: null,
      }),
      m,
    );
    const res = handleMetrics(m);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(await res.text()).toMatchInlineSnapshot(`
      "# HELP lowrouter_requests_total Inference requests, by where they were served and how they ended.
      # TYPE lowrouter_requests_total counter
      lowrouter_requests_total{provider="scaleway",region="scw-fr-par",model="mistral-small",status="ok"} 2
      lowrouter_requests_total{provider="none",region="none",model="none",status="error"} 1
      # HELP lowrouter_tokens_total Tokens, by kind (input, output, cached_input, cache_write, reasoning).
      # TYPE lowrouter_tokens_total counter
      lowrouter_tokens_total{provider="scaleway",region="scw-fr-par",kind="input"} 200
      lowrouter_tokens_total{provider="scaleway",region="scw-fr-par",kind="output"} 80
      lowrouter_tokens_total{provider="scaleway",region="scw-fr-par",kind="reasoning"} 10
      # HELP lowrouter_upstream_latency_seconds Time the upstream took to answer, seconds.
      # TYPE lowrouter_upstream_latency_seconds histogram
      lowrouter_upstream_latency_seconds_bucket{provider="scaleway",le="0.05"} 0
      lowrouter_upstream_latency_seconds_bucket{provider="scaleway",le="0.1"} 0
      lowrouter_upstream_latency_seconds_bucket{provider="scaleway",le="0.25"} 0
      lowrouter_upstream_latency_seconds_bucket{provider="scaleway",le="0.5"} 1
      lowrouter_upstream_latency_seconds_bucket{provider="scaleway",le="1"} 1
      lowrouter_upstream_latency_seconds_bucket{provider="scaleway",le="2.5"} 1
      lowrouter_upstream_latency_seconds_bucket{provider="scaleway",le="5"} 1
      lowrouter_upstream_latency_seconds_bucket{provider="scaleway",le="10"} 2
      lowrouter_upstream_latency_seconds_bucket{provider="scaleway",le="30"} 2
      lowrouter_upstream_latency_seconds_bucket{provider="scaleway",le="60"} 2
      lowrouter_upstream_latency_seconds_bucket{provider="scaleway",le="120"} 2
      lowrouter_upstream_latency_seconds_bucket{provider="scaleway",le="+Inf"} 2
      lowrouter_upstream_latency_seconds_sum{provider="scaleway"} 7.3
      lowrouter_upstream_latency_seconds_count{provider="scaleway"} 2
      # HELP lowrouter_errors_total Requests that did not end ok, by error kind.
      # TYPE lowrouter_errors_total counter
      lowrouter_errors_total{kind="rate_limited"} 1
      # HELP lowrouter_energy_wh_total Estimated energy, Wh (midpoint of the EcoLogits range, PUE included).
      # TYPE lowrouter_energy_wh_total counter
      lowrouter_energy_wh_total{provider="scaleway",region="scw-fr-par"} 4
      # HELP lowrouter_gco2e_grams_total Estimated emissions, gCO2e (midpoint of the range, usage phase).
      # TYPE lowrouter_gco2e_grams_total counter
      lowrouter_gco2e_grams_total{provider="scaleway",region="scw-fr-par"} 0.4
      "
    `);
  });

  it('escapes label values and never counts down', () => {
    const c = new Counter('x_total', 'help with \\ and\nnewline', ['l']);
    c.inc({ l: 'a"b\\c\nd' }, 2);
    c.inc({ l: 'a"b\\c\nd' }, -5);
    expect(c.render()).toBe(
      '# HELP x_total help with \\\\ and\\nnewline\n# TYPE x_total counter\nx_total{l="a\\"b\\\\c\\nd"} 2',
    );
  });

  it('a client disconnect without an error kind counts under its status', () => {
    const m = createGatewayMetrics();
    recordRequestMetrics(row({ status: 'client_disconnected', errorKind: null }), m);
    expect(m.errors.get({ kind: 'client_disconnected' })).toBe(1);
  });
});
