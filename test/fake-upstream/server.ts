/**
 * Loopback fake upstreams (node:http, port 0), one per wire protocol, that replay the recorded fixtures of
 * api/src/providers/__fixtures__ or answer synthetically, with scriptable failures (see scenario.ts).
 * A test and bench helper: api/src never imports it.
 *
 * Routes: a POST to `…/embeddings` is an embedding call (OpenAI and Mistral, embeddings.ts); any other
 * POST is a chat call (the path only decides streaming for Gemini: `:streamGenerateContent`);
 * `POST /__fake/next` queues scenarios (a scenario, a name string, or an array of them) for the next calls;
 * `POST /__fake/reset` clears the queue and the recorded requests; `GET /__fake/requests` lists them.
 *
 * Fixture choice, first match: scenario `fixture`, header `x-fake-fixture`, a model named like a fixture
 * (`groq/chat-stream`, `fixture:messages-stream-tool-use`), else the protocol default for
 * stream / tools / include_usage (fixtures.ts).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import {
  defaultFixture,
  errorBody,
  type LoadedFixture,
  loadFixture,
  malformed,
  resolveFixture,
  withoutUsage,
  withUsagePatch,
} from './fixtures';
import { type FakeProtocol, type FakeScenario, parseScenario } from './scenario';
import { embeddingAnswer } from './embeddings';
import { syntheticCompletion, syntheticStream } from './synthetic';

export type { FakeProtocol, FakeScenario } from './scenario';
export { NAMED_SCENARIOS, parseScenario } from './scenario';

export interface RecordedRequest {
  method: string;
  /** Path and query as received. */
  url: string;
  /** Lower-cased header names. */
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (or the raw text when it is not JSON). */
  body: unknown;
  /** The merged scenario that answered it, and the fixture used (if any). */
  scenario: FakeScenario;
  fixture?: string;
  /** True when the client went away before the response was complete (upstream cancellation). */
  aborted: boolean;
}

export interface FakeUpstream {
  protocol: FakeProtocol;
  /** Origin, e.g. `http://127.0.0.1:54321`. */
  url: string;
  /** Base URL as the protocol's clients expect it: `/v1` for OpenAI and Mistral, `/v1beta` for Gemini, the origin for Anthropic. */
  baseUrl: string;
  /** Every chat request received, in order. */
  requests: RecordedRequest[];
  /** TCP connections accepted so far (keep-alive reuse keeps this low). */
  readonly connections: number;
  /** Default scenario for requests that bring none. */
  setScenario(scenario: FakeScenario | string): void;
  /** Queues scenarios for the next requests, one each. */
  enqueue(...scenarios: (FakeScenario | string)[]): void;
  reset(): void;
  close(): Promise<void>;
}

export interface StartFakeUpstreamOptions {
  protocol: FakeProtocol;
  scenario?: FakeScenario | string;
  host?: string;
  /** Keep every chat request in `requests` (default true); load benchmarks turn it off so memory stays flat. */
  record?: boolean;
}

const sleep = (ms: number) => (ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve());

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Splits a body into writes: `n` equal pieces, or (SSE, no n) one per event plus one mid-line split. */
function pieces(body: Buffer, sse: boolean, n?: number): Buffer[] {
  if (n && n > 1) {
    const size = Math.ceil(body.length / n);
    return Array.from({ length: Math.ceil(body.length / size) }, (_, i) =>
      body.subarray(i * size, (i + 1) * size),
    );
  }
  if (!sse) return [body];
  const text = body.toString('utf8');
  const sep = text.includes('\r\n\r\n') ? '\r\n\r\n' : '\n\n';
  const out: Buffer[] = [];
  let from = 0;
  for (let at = text.indexOf(sep); at !== -1; at = text.indexOf(sep, from)) {
    out.push(Buffer.from(text.slice(from, at + sep.length)));
    from = at + sep.length;
  }
  if (from < text.length) out.push(Buffer.from(text.slice(from)));
  // Exercise partial-line buffering once: split the first event in the middle of its data line.
  const first = out[0];
  if (first && first.length > 8)
    out.splice(0, 1, first.subarray(0, first.length >> 1), first.subarray(first.length >> 1));
  return out;
}

export async function startFakeUpstream(options: StartFakeUpstreamOptions): Promise<FakeUpstream> {
  const { protocol } = options;
  let base: FakeScenario = parseScenario(options.scenario);
  const queue: FakeScenario[] = [];
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  /** Requests answered per connection (for `staleSockets`). */
  const servedOn = new WeakMap<Socket, number>();
  let connections = 0;

  const chat = async (req: IncomingMessage, res: ServerResponse, raw: string) => {
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      // recorded as text below
    }
    const header = req.headers['x-fake-scenario'];
    const scenario: FakeScenario = {
      ...base,
      ...parseScenario(Array.isArray(header) ? header[0] : header),
      ...(queue.shift() ?? {}),
    };
    const url = req.url ?? '/';
    const stream = protocol === 'gemini' ? url.includes(':streamGenerateContent') : body['stream'] === true;
    const model = String(body['model'] ?? /\/models\/([^/:]+)/.exec(url)?.[1] ?? '');
    const record: RecordedRequest = {
      method: req.method ?? 'POST',
      url,
      headers: req.headers,
      body: Object.keys(body).length ? body : raw,
      scenario,
      aborted: false,
    };
    if (options.record !== false) requests.push(record);
    res.on('close', () => {
      if (!res.writableFinished && !scenario.cut && scenario.resetAt === undefined) record.aborted = true;
    });
    const served = servedOn.get(req.socket) ?? 0;
    servedOn.set(req.socket, served + 1);
    if (scenario.resetAt === 'headers' || (scenario.staleSockets && served > 0)) {
      req.socket.resetAndDestroy();
      return;
    }

    await sleep(scenario.latencyMs ?? 0);
    let status = 200;
    let headers: Record<string, string>;
    let payload: Buffer;
    const isSse = () => (headers['content-type'] ?? '').includes('text/event-stream');
    if (scenario.status && scenario.status >= 400) {
      status = scenario.status;
      headers = { 'content-type': 'application/json' };
      if (scenario.retryAfter !== undefined) headers['retry-after'] = scenario.retryAfter;
      if (scenario.retryAfterMs !== undefined) headers['retry-after-ms'] = String(scenario.retryAfterMs);
      payload = errorBody(protocol, status);
    } else if (
      /\/embeddings$/.test(url.split('?')[0]!) &&
      (protocol === 'openai' || protocol === 'mistral')
    ) {
      headers = { 'content-type': 'application/json', 'x-request-id': `fake-${requests.length}` };
      payload = Buffer.from(embeddingAnswer(protocol, body));
    } else if (scenario.synthetic) {
      if (protocol === 'anthropic' || protocol === 'gemini')
        throw new Error(`synthetic mode speaks OpenAI/Mistral wire only, not ${protocol}`);
      headers = {
        'content-type': stream ? 'text/event-stream' : 'application/json',
        'x-request-id': `fake-${requests.length}`,
      };
      payload = Buffer.from(
        stream
          ? syntheticStream(
              body,
              scenario.words ?? 12,
              scenario.chunks,
              protocol === 'mistral' ? 'mistral' : 'openai',
            ).join('')
          : syntheticCompletion(body, scenario.words ?? 12),
      );
    } else {
      const fixtureHeader = req.headers['x-fake-fixture'];
      const named = scenario.fixture ?? (Array.isArray(fixtureHeader) ? fixtureHeader[0] : fixtureHeader);
      if (named && !resolveFixture(protocol, named)) throw new Error(`no ${protocol} fixture named ${named}`);
      const name =
        (named && resolveFixture(protocol, named)) ??
        (model && resolveFixture(protocol, model)) ??
        defaultFixture(
          protocol,
          stream,
          Array.isArray(body['tools']) && body['tools'].length > 0,
          (body['stream_options'] as { include_usage?: boolean } | undefined)?.include_usage === true,
        );
      const f: LoadedFixture = loadFixture(name);
      record.fixture = f.name;
      ({ status, headers } = f);
      payload = f.body;
    }
    if (scenario.missingUsage && status < 400) payload = withoutUsage(payload, isSse());
    if (scenario.usage && status < 400) payload = withUsagePatch(payload, isSse(), scenario.usage);
    if (scenario.malformed) payload = malformed(payload, isSse() ? 'sse' : 'json');

    res.writeHead(status, headers);
    let parts =
      scenario.synthetic && !scenario.chunks ? [payload] : pieces(payload, isSse(), scenario.chunks);
    if (scenario.cut || scenario.truncate) {
      const half = payload.subarray(0, Math.max(1, payload.length >> 1));
      parts = pieces(half, isSse(), scenario.chunks);
    }
    if (scenario.hangAt !== undefined || typeof scenario.resetAt === 'number') {
      res.flushHeaders();
      parts = parts.slice(0, (scenario.hangAt ?? scenario.resetAt) as number);
    }
    for (const [i, part] of parts.entries()) {
      if (i > 0) await sleep(scenario.chunkDelayMs ?? 0);
      if (res.destroyed) return;
      res.write(part);
    }
    if (typeof scenario.resetAt === 'number') {
      await sleep(10);
      res.socket?.resetAndDestroy();
      return;
    }
    if (scenario.hangAt !== undefined) return; // until the client leaves (res 'close')
    if (scenario.cut) {
      await sleep(10);
      res.socket?.destroy();
      return;
    }
    res.end();
  };

  const server = createServer((req, res) => {
    void (async () => {
      const raw = await readBody(req);
      const path = (req.url ?? '/').split('?')[0];
      if (path === '/__fake/next' && req.method === 'POST') {
        const parsed = raw ? (JSON.parse(raw) as unknown) : [];
        for (const s of Array.isArray(parsed) ? parsed : [parsed]) queue.push(parseScenario(s));
        res.writeHead(204).end();
      } else if (path === '/__fake/reset' && req.method === 'POST') {
        queue.length = 0;
        requests.length = 0;
        res.writeHead(204).end();
      } else if (path === '/__fake/requests' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(requests));
      } else if (req.method === 'POST') {
        await chat(req, res, raw);
      } else {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      }
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: { message: `fake upstream: ${err instanceof Error ? err.message : String(err)}` },
        }),
      );
    });
  });
  server.on('connection', (s) => {
    connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, options.host ?? '127.0.0.1', resolve));
  const { port, address } = server.address() as AddressInfo;
  const url = `http://${address.includes(':') ? `[${address}]` : address}:${port}`;
  const suffix = { openai: '/v1', mistral: '/v1', gemini: '/v1beta', anthropic: '' }[protocol];

  return {
    protocol,
    url,
    baseUrl: url + suffix,
    requests,
    get connections() {
      return connections;
    },
    setScenario(s) {
      base = parseScenario(s);
    },
    enqueue(...s) {
      for (const one of s) queue.push(parseScenario(one));
    },
    reset() {
      queue.length = 0;
      requests.length = 0;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
