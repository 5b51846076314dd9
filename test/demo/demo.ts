/**
 * The demo instance behind `pnpm demo`: a real gateway (LOWROUTER_DEMO=1, a throwaway PGlite directory)
 * whose providers all point at loopback fake upstreams, one per wire protocol, plus a steady trickle of
 * varied requests through the official `openai` SDK, so the dashboard has something to show without a
 * single provider key. Nothing here reads the caller's environment: real keys in it are never used.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '@lowrouter/api/auth/keys';
import { loadConfig } from '@lowrouter/api/config';
import { createLogger } from '@lowrouter/api/log';
import { type Gateway, startGateway } from '@lowrouter/api/main';
import OpenAI from 'openai';
import { type FakeProtocol, type FakeUpstream, startFakeUpstream } from '../fake-upstream/server';
import { fakeProviderEnv } from '../helpers/gateway-with-fakes';
import { STEPS, type Step } from './traffic';

export interface DemoOptions {
  port?: number;
  host?: string;
  /** Credit granted to the default organisation at start, USD. */
  creditUsd?: number;
  logLevel?: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

export interface Outcome {
  step: string;
  model: string;
  ok: boolean;
  /** Set when ok. */
  route?: { model: string; provider: string; region: string; fallbackUsed: boolean };
  costUsd?: number;
  gco2e?: { min: number; max: number };
  /** Set when not ok: HTTP status and message. */
  status?: number;
  error?: string;
}

export interface Demo {
  url: string;
  adminKey: string;
  /** The inference-only key the traffic uses (listed in Settings as "demo traffic"). */
  trafficKey: string;
  gateway: Gateway;
  fakes: Record<FakeProtocol, FakeUpstream>;
  /** The throwaway PGlite directory, deleted by `close`. */
  dataDir: string;
  /** Sends the next request of the cycle and says what happened. */
  step(signal?: AbortSignal): Promise<Outcome>;
  /** Stops the gateway and the fakes and deletes the data directory (once, however often called). */
  close(): Promise<void>;
}

/**
 * OpenAI-wire hosts that also get pointed at the OpenAI fake (and Claude on Bedrock at the Anthropic one),
 * so routes, fallbacks and the region table show more than one provider per model.
 */
const EXTRA_HOSTS: [provider: string, protocol: FakeProtocol][] = [
  ['azure-openai', 'openai'],
  ['scaleway', 'openai'],
  ['ovhcloud', 'openai'],
  ['aws-bedrock', 'openai'],
  ['aws-bedrock-anthropic', 'anthropic'],
];

export function demoProviderEnv(fakes: Record<FakeProtocol, FakeUpstream>): Record<string, string> {
  const env = fakeProviderEnv(fakes);
  for (const [id, protocol] of EXTRA_HOSTS) {
    const prefix = `LOWROUTER_${id.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
    env[`${prefix}_API_KEY`] = `demo-${id}-0123456789abcdef`;
    env[`${prefix}_BASE_URL`] = fakes[protocol].baseUrl;
  }
  return env;
}

async function gql(url: string, key: string, query: string, variables: Record<string, unknown>) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
  if (body.errors?.length) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data;
}

export async function startDemo(opts: DemoOptions = {}): Promise<Demo> {
  const protocols: FakeProtocol[] = ['openai', 'anthropic', 'mistral', 'gemini'];
  // Synthetic answers speak the OpenAI and Mistral wire only; Anthropic and Gemini replay recordings.
  const list = await Promise.all(
    protocols.map((protocol) =>
      startFakeUpstream({
        protocol,
        scenario: protocol === 'openai' || protocol === 'mistral' ? { synthetic: true, latencyMs: 40 } : {},
      }),
    ),
  );
  const fakes = Object.fromEntries(protocols.map((p, i) => [p, list[i]!])) as Record<
    FakeProtocol,
    FakeUpstream
  >;
  const dir = mkdtempSync(join(tmpdir(), 'lowrouter-demo-'));
  const adminKey = generateApiKey();
  let gateway: Gateway;
  try {
    const config = loadConfig({
      PORT: String(opts.port ?? 0),
      HOST: opts.host ?? '127.0.0.1',
      LOWROUTER_DATA_DIR: dir,
      LOWROUTER_ADMIN_KEY: adminKey,
      LOWROUTER_LOG_LEVEL: opts.logLevel ?? 'warn',
      LOWROUTER_DEMO: '1',
      ...demoProviderEnv(fakes),
    });
    gateway = await startGateway(config, { log: createLogger(config.logLevel) });
  } catch (err) {
    await Promise.all(list.map((f) => f.close()));
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = gateway.url;
  const viewer = await gql(url, adminKey, '{ viewer { organization { id } } }', {});
  const orgId: string = viewer.viewer.organization.id;
  await gql(
    url,
    adminKey,
    `mutation($org: ID!, $amount: Float!) { grantCredits(orgId: $org, amountUsd: $amount, note: "pnpm demo") { __typename } }`,
    { org: orgId, amount: opts.creditUsd ?? 100 },
  );
  const created = await gql(
    url,
    adminKey,
    `mutation { createApiKey(name: "demo traffic", scopes: [INFERENCE]) { __typename ... on CreateApiKeySuccess { key } } }`,
    {},
  );
  const trafficKey: string = created.createApiKey.key;
  const client = new OpenAI({ apiKey: trafficKey, baseURL: `${url}/v1`, maxRetries: 0, timeout: 30_000 });

  let n = 0;
  let closing: Promise<void> | undefined;
  const run = async (s: Step, stop?: AbortSignal): Promise<Outcome> => {
    for (const [protocol, scenario] of s.upstream ?? []) fakes[protocol].enqueue(scenario);
    // The SDK listens on the signal it is given: a signal of this request's own, linked to the
    // long-lived stop signal only while the request runs, so no listener outlives the request.
    const own = new AbortController();
    const onStop = () => own.abort(stop?.reason);
    if (stop?.aborted) own.abort(stop.reason);
    else stop?.addEventListener('abort', onStop, { once: true });
    const signal = own.signal;
    const body = { model: s.model, messages: [{ role: 'user', content: s.prompt }], ...s.extra } as Record<
      string,
      unknown
    >;
    try {
      let res: any;
      if (s.stream) {
        const stream = await client.chat.completions.create(
          { ...body, stream: true, stream_options: { include_usage: true } } as any,
          { signal },
        );
        // The last chunk carries usage, eco and route.
        for await (const chunk of stream as any) if (chunk.route || chunk.usage) res = { ...res, ...chunk };
      } else {
        res = await client.chat.completions.create(body as any, { signal });
      }
      return {
        step: s.name,
        model: s.model,
        ok: true,
        route: res?.route,
        costUsd: res?.usage?.cost,
        gco2e: res?.eco?.gco2e,
      };
    } catch (err: any) {
      if (signal?.aborted) throw err;
      return {
        step: s.name,
        model: s.model,
        ok: false,
        status: err?.status,
        error: String(err?.message ?? err),
      };
    } finally {
      stop?.removeEventListener('abort', onStop);
      // A staged scenario the request did not use (routed elsewhere) must not leak into the next one,
      // and the fakes' record of requests must not grow for as long as the demo runs.
      for (const f of list) f.reset();
    }
  };

  return {
    url,
    adminKey,
    trafficKey,
    gateway,
    fakes,
    dataDir: dir,
    step: (signal) => run(STEPS[n++ % STEPS.length]!, signal),
    close() {
      closing ??= (async () => {
        await gateway.close();
        await Promise.all(list.map((f) => f.close()));
        rmSync(dir, { recursive: true, force: true });
      })();
      return closing;
    },
  };
}

/** Waits `ms`, or less when `signal` aborts; leaves no listener on `signal` either way. */
export function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
