/**
 * The load generator of `pnpm bench load`: closed-loop workers over one undici Pool (keep-alive, one
 * connection per worker, bodies drained, never parsed), so the client costs a few µs per request and
 * the gateway under test is the bottleneck. Latencies are in ms.
 */
import { Pool } from 'undici';

export interface Target {
  /** Origin, e.g. `http://127.0.0.1:4000`. */
  origin: string;
  /** Path of the chat completions route, e.g. `/v1/chat/completions`. */
  path: string;
  headers: Record<string, string>;
}

export interface LevelResult {
  concurrency: number;
  /** Measured wall time, ms. */
  durationMs: number;
  /** 200 answers. */
  ok: number;
  /** Latency of each 200 answer, ms. */
  latencies: number[];
  /** Count of every non-200 answer by status and the error code of its body, e.g. `502 network`. */
  statuses: Record<string, number>;
  /** Requests that got no HTTP answer (reset, refused). */
  networkErrors: number;
  /** Requests without headers or body within TIMEOUT_MS. */
  timeouts: number;
  /** First few error texts, to explain a failure. */
  samples: string[];
}

/** The q-quantile (0..1) of `xs` by nearest rank; NaN for none. */
export function quantile(xs: ArrayLike<number>, q: number): number {
  if (!xs.length) return Number.NaN;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}

export const rps = (r: LevelResult) => (r.ok * 1000) / r.durationMs;

/** A small non-streaming chat completion, the same bytes for every request. */
export const CHAT_BODY = JSON.stringify({
  model: 'openai/gpt-4o-mini',
  messages: [{ role: 'user', content: 'Say hi' }],
  max_tokens: 16,
});

/** A request unanswered this long (ms) counts as a timeout, not a latency. */
export const TIMEOUT_MS = 60_000;

export function openPool(origin: string, connections: number): Pool {
  return new Pool(origin, {
    connections,
    pipelining: 1,
    keepAliveTimeout: 30_000,
    headersTimeout: TIMEOUT_MS,
    bodyTimeout: TIMEOUT_MS,
  });
}

/** `503 no_route_available`: the status and, when the body is an OpenAI error envelope, its code. */
export function errorKey(status: number, text = ''): string {
  try {
    const e = (JSON.parse(text) as { error?: { code?: unknown; type?: unknown } }).error;
    const code = e?.code ?? e?.type;
    return typeof code === 'string' && /^[\w.-]{1,60}$/.test(code) ? `${status} ${code}` : String(status);
  } catch {
    return String(status);
  }
}

/** One request; resolves with its status and latency, or throws on a network error. */
export async function send(
  pool: Pool,
  target: Target,
  body = CHAT_BODY,
  read = false,
): Promise<{ status: number; ms: number; text?: string }> {
  const t0 = performance.now();
  const res = await pool.request({
    path: target.path,
    method: 'POST',
    headers: { 'content-type': 'application/json', ...target.headers },
    body,
  });
  if (read || res.statusCode !== 200) {
    const text = await res.body.text();
    return { status: res.statusCode, ms: performance.now() - t0, text };
  }
  await res.body.dump();
  return { status: res.statusCode, ms: performance.now() - t0 };
}

/**
 * `concurrency` workers send back-to-back requests for `durationMs`; in-flight requests finish. With
 * several targets (gateway nodes) each request goes to the next one in turn (round-robin).
 */
export async function closedLoop(
  target: Target | Target[],
  concurrency: number,
  durationMs: number,
): Promise<LevelResult> {
  const targets = Array.isArray(target) ? target : [target];
  const pools = targets.map((t) => openPool(t.origin, concurrency));
  let turn = 0;
  const r: LevelResult = {
    concurrency,
    durationMs: 0,
    ok: 0,
    latencies: [],
    statuses: {},
    networkErrors: 0,
    timeouts: 0,
    samples: [],
  };
  const t0 = performance.now();
  const end = t0 + durationMs;
  const worker = async () => {
    while (performance.now() < end) {
      const i = turn++ % targets.length;
      try {
        const { status, ms, text } = await send(pools[i]!, targets[i]!);
        if (status === 200) {
          r.ok++;
          r.latencies.push(ms);
        } else {
          const key = errorKey(status, text);
          r.statuses[key] = (r.statuses[key] ?? 0) + 1;
          if (r.samples.length < 3) r.samples.push(`${status} ${text?.slice(0, 200)}`);
        }
      } catch (err) {
        const code = (err as { code?: string }).code;
        if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT') r.timeouts++;
        else r.networkErrors++;
        if (r.samples.length < 3) r.samples.push(String(err));
        await new Promise((res) => setTimeout(res, 5)); // no hot spin on a dead server
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: concurrency }, worker));
    r.durationMs = performance.now() - t0;
  } finally {
    await Promise.all(pools.map((p) => p.close()));
  }
  return r;
}

export interface OverheadResult {
  pairs: number;
  /** via − direct of each pair, ms. */
  diffs: number[];
  via: number[];
  direct: number[];
  failures: number;
}

/**
 * Concurrency 1, interleaved: the same request straight to the fake upstream, then through the
 * gateway, for `durationMs`. Each pair's difference is what the gateway added to that request.
 */
export async function interleavedOverhead(
  direct: Target,
  via: Target,
  durationMs: number,
): Promise<OverheadResult> {
  const dPool = openPool(direct.origin, 1);
  const vPool = openPool(via.origin, 1);
  const r: OverheadResult = { pairs: 0, diffs: [], via: [], direct: [], failures: 0 };
  const end = performance.now() + durationMs;
  try {
    while (performance.now() < end) {
      const d = await send(dPool, direct);
      const v = await send(vPool, via);
      if (d.status !== 200 || v.status !== 200) {
        r.failures++;
        continue;
      }
      r.pairs++;
      r.direct.push(d.ms);
      r.via.push(v.ms);
      r.diffs.push(v.ms - d.ms);
    }
  } finally {
    await Promise.all([dPool.close(), vPool.close()]);
  }
  return r;
}
