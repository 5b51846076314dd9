/**
 * Test-only: random but reproducible traffic written through the real recordRequest (row + rollup +
 * ledger in one transaction), and organisations with keys made through the GraphQL mutations.
 * Never imported by production code.
 */
import { type RequestInsert, recordRequest } from '../billing/record';
import { grantCredit } from '../billing/ledger';
import type { Db } from '../db/client';
import { newRequestId } from '../ids';
import type { TestApp } from '../test-helpers';

/** mulberry32: a tiny seeded PRNG, so a failing case can be replayed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const MODELS = ['gpt-4o-mini', 'claude-haiku', 'mistral-small', 'llama-70b'];
export const ENDPOINTS = [
  { provider: 'openai', region: 'openai-us', country: 'US' },
  { provider: 'scaleway', region: 'scw-fr-par', country: 'FR' },
  { provider: 'ovh', region: 'ovh-gra', country: 'FR' },
  { provider: 'aws', region: 'aws-eu-north-1', country: 'SE' },
];

export interface TrafficSpec {
  orgId: string;
  apiKeyIds: string[];
  policyIds?: string[];
  count: number;
  /** Rows fall uniformly in [start, start + days). */
  start: Date;
  days: number;
  seed: number;
}

/** Request rows as the gateway would write them: ok, error and client_disconnected, some without a model. */
export function randomRequests(s: TrafficSpec): RequestInsert[] {
  const r = prng(s.seed);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  const rows: RequestInsert[] = [];
  for (let i = 0; i < s.count; i++) {
    const at = new Date(s.start.getTime() + Math.floor(r() * s.days * 86_400_000));
    const roll = r();
    const status = roll < 0.75 ? 'ok' : roll < 0.93 ? 'error' : 'client_disconnected';
    const routed = status !== 'error' || r() < 0.5;
    const e = pick(ENDPOINTS);
    const out = routed ? Math.floor(r() * 2000) : 0;
    const energyMin = routed ? r() * 2 : null;
    const gco2eMin = routed ? r() * 0.8 : null;
    rows.push({
      id: newRequestId(at.getTime()),
      createdAt: at,
      orgId: s.orgId,
      apiKeyId: pick(s.apiKeyIds),
      surface: r() < 0.7 ? 'rest' : 'graphql',
      stream: r() < 0.5,
      status,
      errorKind:
        status === 'ok'
          ? null
          : status === 'error'
            ? pick(['rate_limited', 'upstream_5xx', 'timeout'])
            : null,
      finishReason: status === 'ok' ? 'stop' : null,
      requestedModel: routed ? pick(MODELS) : 'auto',
      policyId: s.policyIds && r() < 0.5 ? pick(s.policyIds) : null,
      policyKind: null,
      modelId: routed ? pick(MODELS) : null,
      providerId: routed ? e.provider : null,
      regionId: routed ? e.region : null,
      endpointId: routed ? `${e.provider}/${e.region}` : null,
      country: routed ? e.country : null,
      inputTokens: routed ? Math.floor(r() * 5000) : 0,
      outputTokens: out,
      cachedInputTokens: routed ? Math.floor(r() * 300) : 0,
      cacheWriteTokens: 0,
      reasoningTokens: routed ? Math.floor(r() * 100) : 0,
      latencyMs: 20 + Math.floor(r() * 3000),
      upstreamLatencyMs: routed ? 10 + Math.floor(r() * 2500) : null,
      upstreamCostMicro: routed ? Math.floor(r() * 20_000) : 0,
      chargeMicro: routed ? Math.floor(r() * 21_000) : 0,
      energyWhMin: energyMin,
      energyWhMax: energyMin === null ? null : energyMin * (1 + r()),
      gco2eMin,
      gco2eMax: gco2eMin === null ? null : gco2eMin * (1 + r()),
      gridGco2ePerKwh: routed ? 50 + r() * 400 : null,
      gridSource: routed ? 'test grid' : null,
      pueMin: routed ? 1.1 : null,
      pueMax: routed ? 1.3 : null,
      activeParamsMinB: routed ? 8 : null,
      activeParamsMaxB: routed ? 12 : null,
      totalParamsMinB: routed ? 8 : null,
      totalParamsMaxB: routed ? 12 : null,
      ecoConfidence: routed ? 'estimated-parameters' : null,
      methodologyVersion: routed ? 'ecologits-0.9' : null,
      route: { reason: 'test', attempts: [] },
      fallbackUsed: r() < 0.1,
    });
  }
  return rows;
}

/** Writes rows the way the gateway does, after granting enough credit that no charge is clamped. */
export async function recordAll(db: Db, rows: RequestInsert[]): Promise<void> {
  const orgs = new Set(rows.map((x) => x.orgId));
  for (const orgId of orgs)
    await grantCredit(db, { orgId, amountMicro: 1e12, kind: 'grant', note: 'test', actorKeyId: null });
  for (const row of rows) await recordRequest(db, { row, reservedMicro: 0 });
}

const CREATE_ORG = `mutation($name: String!) { createOrganization(name: $name) {
  __typename ... on CreateOrganizationSuccess { organization { id } } ... on Error { message } } }`;
const CREATE_KEY = `mutation($orgId: ID, $name: String!, $scopes: [ApiKeyScope!]!) {
  createApiKey(orgId: $orgId, name: $name, scopes: $scopes) {
    __typename ... on CreateApiKeySuccess { key apiKey { id } } ... on Error { message } } }`;

export interface TestOrg {
  orgId: string;
  /** A READ key, its id, and an ADMIN (+READ) key. */
  readKey: string;
  readKeyId: string;
  adminKey: string;
  adminKeyId: string;
  inferenceKey: string;
}

/** An organisation with a read key, an admin key and an inference-only key, made by the instance admin. */
export async function createOrgWithKeys(a: TestApp, name: string): Promise<TestOrg> {
  const org = await a.gql(CREATE_ORG, { name });
  const orgId = org.data.createOrganization.organization.id as string;
  const key = async (scopes: string[]) => {
    const res = await a.gql(CREATE_KEY, { orgId, name: scopes.join('+'), scopes });
    return res.data.createApiKey as { key: string; apiKey: { id: string } };
  };
  const read = await key(['READ']);
  const admin = await key(['ADMIN', 'READ']);
  const inference = await key(['INFERENCE']);
  return {
    orgId,
    readKey: read.key,
    readKeyId: read.apiKey.id,
    adminKey: admin.key,
    adminKeyId: admin.apiKey.id,
    inferenceKey: inference.key,
  };
}
