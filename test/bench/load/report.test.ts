import { describe, expect, it } from 'vitest';
import { errorKey, type LevelResult } from './loadgen';
import { cpuText, errorText, type GatewayResult, hardErrors, targets } from './report';
import { cpuMs } from './proc';

const level = (concurrency: number, latencies: number[], extra: Partial<LevelResult> = {}): LevelResult => ({
  concurrency,
  durationMs: 1000,
  ok: latencies.length,
  latencies,
  statuses: {},
  networkErrors: 0,
  timeouts: 0,
  samples: [],
  ...extra,
});

const gateway = (name: string, overheadMs: number, rpsAt16: number, at256: LevelResult): GatewayResult => ({
  name,
  overhead: { pairs: 3, diffs: [overheadMs, overheadMs, overheadMs], via: [], direct: [], failures: 0 },
  levels: [level(16, Array(rpsAt16).fill(5)), at256],
  peakRss: { 256: 150 * 2 ** 20 },
  circuits: name.startsWith('LowRouter') ? [] : undefined,
});

describe('load report', () => {
  it('gives CPU per served request and the share of a core, PostgreSQL apart', () => {
    const r = level(16, Array(400).fill(5), { durationMs: 2000 });
    expect(cpuText(r, { gatewayMs: 1000, postgresMs: 80 })).toBe(
      '\n    CPU/request: gateway 2.50 ms (50% of a core), PostgreSQL 0.20 ms',
    );
    expect(cpuText(r, { gatewayMs: 1900 })).toBe('\n    CPU/request: gateway 4.75 ms (95% of a core)');
    expect(cpuText(r, { gatewayMs: 1900, loadMs: 120 })).toBe(
      '\n    CPU/request: gateway 4.75 ms (95% of a core); load generator + fake upstream 0.30 ms',
    );
    expect(cpuText(r, { gatewayMs: null })).toBe('');
    expect(cpuText(level(16, []), { gatewayMs: 10 })).toContain('gateway n/a ms');
  });

  it("reads a process's CPU time from the scheduler, growing as it works", () => {
    const before = cpuMs(process.pid)!;
    const until = performance.now() + 30;
    while (performance.now() < until); // 30 ms of this thread on a CPU
    expect(cpuMs(process.pid)! - before).toBeGreaterThanOrEqual(25);
    expect(cpuMs(2 ** 30)).toBeNull(); // no such process
  });

  it('keys errors by status and the OpenAI error code of the body', () => {
    expect(errorKey(503, '{"error":{"code":"no_route_available","type":"no_route_available"}}')).toBe(
      '503 no_route_available',
    );
    expect(errorKey(502, '{"error":{"code":null,"type":"upstream_error"}}')).toBe('502 upstream_error');
    expect(errorKey(500, 'Internal Server Error')).toBe('500');
  });

  it('counts a 503 as shedding unless it says no route, and timeouts as errors', () => {
    const r = level(256, [1], {
      statuses: { '503 overloaded': 4, '503 no_route_available': 2, '502 network': 1 },
      timeouts: 3,
    });
    expect(errorText(r)).toBe('503 overloaded×4 (shed), 503 no_route_available×2, 502 network×1, timeout×3');
    expect(hardErrors(r)).toBe(6);
  });

  it('derives every verdict from the measured figures', () => {
    const results = [
      gateway('LowRouter PGlite', 1.2, 100, level(256, [10, 20, 300])),
      gateway(
        'LowRouter PostgreSQL',
        0.8,
        160,
        level(256, [10, 20, 30], { statuses: { '503 overloaded': 9 } }),
      ),
      gateway('Portkey 1.15.2', 2, 100, level(256, [10])),
    ];
    expect(targets(results, 256)).toMatchInlineSnapshot(`
      "PASS  overhead c=1 p50, PostgreSQL: 0.80 ms vs ≤ 1 ms (ratio 0.80)
      PASS  overhead c=1 p50, PGlite: 1.20 ms vs ≤ 1.5 ms (ratio 0.80)
      PASS  overhead c=1 p50 below Portkey's, PostgreSQL: 0.80 ms vs Portkey 2.00 ms (ratio 0.40)
      PASS  overhead c=1 p50 below Portkey's, PGlite: 1.20 ms vs Portkey 2.00 ms (ratio 0.60)
      PASS  overhead c=1 p99, PostgreSQL: 0.80 ms vs ≤ 3 ms (ratio 0.27)
      PASS  req/s c=16 ≥ 1.5× Portkey, PostgreSQL: 160 vs 100 req/s, need ≥ 1.5× (ratio 1.60)
      PASS  req/s c=16 ≥ 1× Portkey, PGlite: 100 vs 100 req/s, need ≥ 1× (ratio 1.00)
      PASS  c=256: no error but 503 shedding, PostgreSQL: 503 overloaded×9 (shed)
      PASS  c=256: p99 of served, PostgreSQL: 30.00 ms vs ≤ 250 ms (ratio 0.12)
      PASS  c=256: peak RSS, PostgreSQL: 150.00 MB vs ≤ 200 MB (ratio 0.75)
      PASS  no circuit opened, PostgreSQL: none seen
      PASS  c=256: no error but 503 shedding, PGlite: none
      FAIL  c=256: p99 of served, PGlite: 300.00 ms vs ≤ 250 ms (ratio 1.20)
      PASS  c=256: peak RSS, PGlite: 150.00 MB vs ≤ 200 MB (ratio 0.75)
      PASS  no circuit opened, PGlite: none seen"
    `);
  });

  it('says n/a for a target whose side was not run', () => {
    const out = targets([gateway('LowRouter PostgreSQL', 0.5, 10, level(256, [1]))], 256);
    expect(out).toContain("n/a   overhead c=1 p50 below Portkey's, PostgreSQL: not run");
    expect(out).toContain('n/a   req/s c=16 ≥ 1.5× Portkey, PostgreSQL: not run');
  });
});
