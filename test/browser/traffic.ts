/**
 * Requests through the official `openai` SDK for the browser suites, so the dashboard has real rows: a
 * plain call, a streamed one, lowrouter/auto, one that falls back to another model after an upstream 500,
 * and one that fails (503, no fallback allowed). Each answer keeps the request id the gateway gave it.
 */
import OpenAI from 'openai';
import type { Harness } from './harness';

export interface Sent {
  name: string;
  requestId: string;
  /** The JSON body (or, streamed, the chunk that carried usage, eco and route); absent on failure. */
  body?: any;
  /** HTTP status of a failure. */
  status?: number;
}

export function sdk(h: Harness, key = h.adminKey): OpenAI {
  return new OpenAI({ apiKey: key, baseURL: `${h.url}/v1`, maxRetries: 0 });
}

const hi = (content: string) => [{ role: 'user' as const, content }];

/** One non-streamed request; failures come back with their status instead of throwing. */
export async function ask(client: OpenAI, name: string, body: Record<string, unknown>): Promise<Sent> {
  try {
    const { data, response } = await client.chat.completions.create(body as any).withResponse();
    return { name, requestId: response.headers.get('x-lowrouter-request-id')!, body: data };
  } catch (err: any) {
    return { name, requestId: err?.error?.requestId, status: err?.status };
  }
}

export async function askStreamed(
  client: OpenAI,
  name: string,
  body: Record<string, unknown>,
): Promise<Sent> {
  const { data: stream, response } = await client.chat.completions
    .create({ ...body, stream: true, stream_options: { include_usage: true } } as any)
    .withResponse();
  let last: any;
  for await (const chunk of stream as any) if (chunk.route) last = chunk;
  return { name, requestId: response.headers.get('x-lowrouter-request-id')!, body: last };
}

/** Sends the sample requests one after the other (oldest first in the returned list). */
export async function sendSampleTraffic(h: Harness): Promise<Sent[]> {
  const fakes = h.fakes;
  if (!fakes) throw new Error('sample traffic needs a harness started with fakes');
  const client = sdk(h);
  const out: Sent[] = [];
  out.push(await ask(client, 'plain', { model: 'openai/gpt-4o-mini', messages: hi('Name three rivers.') }));
  out.push(
    await askStreamed(client, 'streamed', {
      model: 'mistral/mistral-small-2506',
      messages: hi('Give me a bakery name.'),
    }),
  );
  out.push(
    await ask(client, 'auto', {
      model: 'lowrouter/auto',
      messages: hi('Translate "good morning" into French.'),
    }),
  );
  out.push(
    await ask(client, 'claude', { model: 'anthropic/claude-haiku-4-5', messages: hi('What is a haiku?') }),
  );
  fakes.openai.enqueue('server-error');
  out.push(
    await ask(client, 'fallback', {
      model: 'openai/gpt-4o-mini',
      models: ['mistral/mistral-small-2506'],
      messages: hi('Name a prime above 100.'),
    }),
  );
  fakes.mistral.enqueue('unavailable');
  out.push(
    await ask(client, 'failed', {
      model: 'mistral/mistral-medium-2508',
      messages: hi('Hello'),
      route: { allowFallbacks: false },
    }),
  );
  for (const f of Object.values(fakes)) f.reset();
  return out;
}

/** Grants the admin's own organisation `usd` of credit through the API; returns its id. */
export async function grantOwnOrg(h: Harness, usd: number): Promise<string> {
  const { viewer } = await h.gql('{ viewer { organization { id } } }', {}, h.adminKey);
  const orgId: string = viewer.organization.id;
  const res = await h.gql(
    'mutation($org: ID!, $usd: Float!) { grantCredits(orgId: $org, amountUsd: $usd, note: "browser test") { __typename } }',
    { org: orgId, usd },
    h.adminKey,
  );
  if (res.grantCredits.__typename !== 'GrantCreditsSuccess') throw new Error(JSON.stringify(res));
  return orgId;
}

/** The GraphQL operation a page request carries: urql sends queries as GET (in the URL), mutations as POST. */
export function graphqlOf(r: {
  url(): string;
  method(): string;
  postDataJSON(): any;
}): { query: string; variables: any } | null {
  const url = new URL(r.url());
  if (url.pathname !== '/graphql') return null;
  if (r.method() === 'GET') {
    const v = url.searchParams.get('variables');
    return { query: url.searchParams.get('query') ?? '', variables: v ? JSON.parse(v) : {} };
  }
  const body = r.postDataJSON();
  return { query: body?.query ?? '', variables: body?.variables ?? {} };
}
