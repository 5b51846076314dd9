/**
 * POST /v1/embeddings: OpenAI's Embeddings API (the `openai` SDK's `client.embeddings.create` and the
 * retrieval pipelines built on it), forwarded to a provider that serves the embedding model
 * (data/embeddings.json). The same guard as every inference request: the inference scope, body and
 * field bounds, the key's rate limit, the organisation's provider and residency constraints, credit
 * held before the call (every input byte counted as a token: a true upper bound), fallback to the
 * next endpoint on a retryable failure, one request row (`surface: embeddings`) and one debit.
 *
 * `eco` never carries a number: the methodology (EcoLogits) models LLM generation, not encoder
 * workloads, so the block says `estimated: false` with the reason instead of inventing a figure.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type EmbeddingEndpoint, type EmbeddingModel, loadEmbeddingCatalog } from '@lowrouter/data';
import { METHODOLOGY_VERSION, microToUsd, usdToMicro } from '@lowrouter/shared';
import type { Principal } from '../auth/key-store';
import { boundCharge } from '../billing/bound-charge';
import { flatHold } from '../billing/credit-hold';
import { chargeFor, maxChargeMicro } from '../billing/price';
import type { RequestInsert } from '../billing/record';
import { newRequestId } from '../ids';
import { admitCredit, admitRate } from '../inference/admit';
import type { Failure, InferenceDeps } from '../inference/complete';
import { DEADLINE_MS, MAX_ATTEMPTS } from '../inference/execute';
import { callJson } from '../providers/call';
import { buildEmbeddingRequest, parseEmbeddingResponse, toBase64 } from '../providers/embeddings';
import type { ProviderError } from '../providers/provider-error';
import { clip } from '../providers/request-shape';
import { regionMatchesAny } from '../routing/geography';
import type { RouteOverride } from '../routing/policy';
import type { RoutingTables } from '../routing/routing-tables';
import { failureReply, openAIError, writeJson } from './openai-error';
import { badRequest, readSurfaceBody, routeHeaders } from './surface-input';

/** Inputs per request at most (OpenAI's own limit). */
export const MAX_EMBEDDING_INPUTS = 2048;

/** Why an embedding answer carries no energy or carbon figure. */
export const EMBEDDING_ECO_REASON =
  'not estimated: the methodology (EcoLogits) models LLM text generation; encoder (embedding) workloads are not modelled, so LowRouter gives no figure rather than a made-up one';

interface Candidate {
  endpoint: EmbeddingEndpoint;
  provider: RoutingTables['providers'][number];
  region: RoutingTables['regions'][number];
}

interface Parsed {
  model: EmbeddingModel;
  input: string[];
  dimensions: number | undefined;
  base64: boolean;
}

function parseBody(
  b: Record<string, unknown>,
): { ok: true; p: Parsed } | { ok: false; status: 400 | 404; message: string; param: string } {
  const bad = (param: string, message: string) => ({
    ok: false as const,
    status: 400 as const,
    message,
    param,
  });
  if (typeof b.model !== 'string' || !b.model)
    return bad('model', 'model is required (an embedding model id)');
  const catalog = loadEmbeddingCatalog();
  const model = catalog.models.find((m) => m.id === b.model || m.aliases.includes(b.model as string));
  if (!model)
    return {
      ok: false,
      status: 404,
      param: 'model',
      message: `unknown embedding model '${clip(b.model)}'; available: ${catalog.models.map((m) => m.id).join(', ')}`,
    };
  const raw = b.input;
  const input = typeof raw === 'string' ? [raw] : raw;
  if (!Array.isArray(input) || input.length === 0)
    return bad('input', 'input must be a string or a non-empty list of strings');
  if (input.length > MAX_EMBEDDING_INPUTS)
    return bad('input', `at most ${MAX_EMBEDDING_INPUTS} inputs per request, got ${input.length}`);
  for (const [i, s] of input.entries()) {
    if (typeof s !== 'string')
      return bad(`input.${i}`, 'each input must be a string (token arrays are not supported: send the text)');
    if (!s) return bad(`input.${i}`, 'inputs must not be empty strings');
  }
  let dimensions: number | undefined;
  if (b.dimensions != null) {
    if (
      !Number.isInteger(b.dimensions) ||
      (b.dimensions as number) < 1 ||
      (b.dimensions as number) > model.dimensions
    )
      return bad('dimensions', `dimensions must be an integer from 1 to ${model.dimensions} for ${model.id}`);
    if (!model.shortenable)
      return bad('dimensions', `${model.id} does not take dimensions (it returns ${model.dimensions})`);
    dimensions = b.dimensions as number;
  }
  const format = b.encoding_format ?? 'float';
  if (format !== 'float' && format !== 'base64')
    return bad('encoding_format', "encoding_format must be 'float' or 'base64'");
  if (b.user !== undefined && typeof b.user !== 'string') return bad('user', 'user must be a string');
  return { ok: true, p: { model, input: input as string[], dimensions, base64: format === 'base64' } };
}

/** Endpoints of the model that are configured and allowed by the organisation's policy and the request's route. */
function candidatesFor(
  tables: RoutingTables,
  model: EmbeddingModel,
  constraints: { allowedRegions?: string[]; allowedProviders?: string[]; deniedProviders: string[] },
  route: RouteOverride | undefined,
  available: (providerId: string) => boolean,
): { list: Candidate[]; excluded: { endpointId: string; reason: string }[] } {
  const list: Candidate[] = [];
  const excluded: { endpointId: string; reason: string }[] = [];
  const targets = (e: EmbeddingEndpoint, ids: readonly string[]) =>
    ids.includes(e.providerId) || ids.includes(e.id);
  for (const endpoint of loadEmbeddingCatalog().endpoints) {
    if (endpoint.modelId !== model.id) continue;
    const provider = tables.providers.find((p) => p.id === endpoint.providerId);
    const region = tables.regions.find((r) => r.id === endpoint.regionId);
    const out = (reason: string) => excluded.push({ endpointId: endpoint.id, reason });
    if (!provider || !region) out('not in the catalog');
    else if (!available(provider.id)) out(`no credentials configured for ${provider.id}`);
    else if (constraints.allowedProviders && !constraints.allowedProviders.includes(provider.id))
      out('provider not allowed by the policy');
    else if (constraints.deniedProviders.includes(provider.id)) out('provider denied by the policy');
    else if (constraints.allowedRegions && !regionMatchesAny(constraints.allowedRegions, region))
      out('region outside the data residency of the policy');
    else if (route?.regions && !regionMatchesAny(route.regions, region))
      out("region outside the request's route.regions");
    else if (route?.only && !targets(endpoint, route.only)) out("not in the request's route.only");
    else if (route?.ignore && targets(endpoint, route.ignore)) out("in the request's route.ignore");
    else list.push({ endpoint, provider, region });
  }
  // Cheapest first; a request's route.order goes before everything else.
  const order = route?.order ?? [];
  const rank = (c: Candidate) => {
    const i = order.findIndex((id) => id === c.endpoint.id || id === c.endpoint.providerId);
    return i === -1 ? order.length : i;
  };
  list.sort((a, b) => rank(a) - rank(b) || a.endpoint.inputPerMTokUsd - b.endpoint.inputPerMTokUsd);
  return { list, excluded };
}

const pricesOf = (e: EmbeddingEndpoint) => ({
  inputMicroPerMTok: usdToMicro(e.inputPerMTokUsd),
  outputMicroPerMTok: 0,
  cachedInputMicroPerMTok: null,
  cacheWriteMicroPerMTok: null,
});

export async function handleEmbeddings(
  req: IncomingMessage,
  res: ServerResponse,
  deps: InferenceDeps,
  principal: Principal,
  signal: AbortSignal,
): Promise<void> {
  const read = await readSurfaceBody(req, deps.config, principal);
  if (!read.ok) return writeJson(res, read.reply);
  if (read.models !== undefined)
    return writeJson(
      res,
      badRequest('models (fallback models) is not supported for embeddings', 'invalid_request', 'models'),
    );
  const parsed = parseBody(read.body);
  if (!parsed.ok)
    return writeJson(
      res,
      parsed.status === 404
        ? openAIError(404, 'invalid_request_error', parsed.message, 'model_not_found', parsed.param)
        : badRequest(parsed.message, 'invalid_request', parsed.param),
    );
  const { model, input, dimensions, base64 } = parsed.p;

  const now = deps.now ?? Date.now;
  const t0 = now();
  const requestId = newRequestId(t0);
  const tables = await deps.tables.get();
  const policy = await deps.policies.forPrincipal(principal);
  const credentialsOf = (providerId: string) =>
    [...tables.byEndpoint.values()].find((i) => i.provider.id === providerId && i.candidate.hasCredentials)
      ?.credentials;
  const { list, excluded } = candidatesFor(
    tables,
    model,
    policy.spec.constraints,
    read.route,
    (pid) => credentialsOf(pid) !== undefined,
  );
  const allowFallbacks = read.route?.allowFallbacks ?? policy.spec.constraints.allowFallbacks;
  const attempts = (allowFallbacks ? list : list.slice(0, 1)).slice(0, MAX_ATTEMPTS);
  // Every UTF-8 byte as a token: no tokenizer produces more tokens than bytes.
  const inputBound = input.reduce((n, s) => n + Buffer.byteLength(s, 'utf8'), 0);
  const policyRef = { id: policy.id, name: policy.name, kind: policy.spec.kind };
  const attemptLog: {
    endpointId: string;
    provider: string;
    region: string;
    outcome: string;
    errorKind: string | null;
    latencyMs: number;
  }[] = [];
  const routeOf = (served: Candidate | null, reason: string) => ({
    model: model.id,
    provider: served?.provider.id ?? null,
    region: served?.region.id ?? null,
    country: served?.region.country ?? null,
    endpointId: served?.endpoint.id ?? null,
    policy: policyRef,
    reason,
    attempts: attemptLog,
    fallbackUsed: attemptLog.length > 1 && served !== null,
    excluded: excluded.slice(0, 10),
    kind: 'embedding',
  });
  const baseRow = (): RequestInsert => ({
    id: requestId,
    createdAt: new Date(t0),
    orgId: principal.orgId,
    apiKeyId: principal.keyId,
    surface: 'embeddings',
    stream: false,
    status: 'error',
    requestedModel: String(read.body.model),
    policyId: policy.id,
    policyKind: policyRef.kind,
    latencyMs: 0,
    route: {},
  });
  const fail = async (failure: Failure, extra: Partial<RequestInsert> = {}, heldMicro = 0) => {
    const row: RequestInsert = {
      ...baseRow(),
      errorKind: failure.kind === 'upstream_failed' ? failure.error.kind : failure.kind,
      latencyMs: now() - t0,
      ...extra,
    };
    await deps.record(row, heldMicro);
    deps.onRecorded?.(row);
    return writeJson(res, failureReply(failure, requestId));
  };

  const rated = admitRate(deps, principal, inputBound);
  const rate = rated instanceof Promise ? await rated : rated;
  if (rate) return fail(rate);
  if (!attempts.length) {
    const reasons = [
      `no endpoint serves ${model.id} for this request`,
      ...excluded.map((e) => `${e.endpointId}: ${e.reason}`),
    ];
    return fail({ kind: 'no_route', reasons }, { route: { reason: reasons.join('; ') } });
  }
  const fee = deps.config.feePercent;
  // Hold the most the dearest candidate can cost, so a fallback never needs more.
  const heldMicro = Math.max(
    ...attempts.map((c) => maxChargeMicro(inputBound, 0, pricesOf(c.endpoint), fee)),
  );
  const admitted = await admitCredit(deps, {
    orgId: principal.orgId,
    requestId,
    needMicro: heldMicro,
    explain: () =>
      flatHold(
        attempts[0]!.endpoint.id,
        heldMicro,
        fee,
        `up to ${inputBound.toLocaleString('en-US')} input tokens at the dearest allowed endpoint's price, plus the ${fee}% fee`,
      ),
  });
  if (!admitted.ok) return fail(admitted.failure);

  let lastError: ProviderError | undefined;
  for (const c of attempts) {
    if (now() - t0 > DEADLINE_MS) break;
    if (!deps.health.allowRequest(c.endpoint.id)) {
      attemptLog.push({
        endpointId: c.endpoint.id,
        provider: c.provider.id,
        region: c.region.id,
        outcome: 'skipped',
        errorKind: 'circuit_open',
        latencyMs: 0,
      });
      continue;
    }
    const creds = credentialsOf(c.provider.id);
    const spec = c.provider.spec as Parameters<typeof buildEmbeddingRequest>[0]['provider'];
    const built = buildEmbeddingRequest(
      {
        provider: { ...spec, id: c.provider.id },
        upstreamModel: c.endpoint.upstreamModel,
        path: c.endpoint.path,
        region: { providerRegionId: c.region.providerRegionId },
        ...(creds?.baseUrl ? { baseUrl: creds.baseUrl } : {}),
        placeholders: creds?.placeholders ?? {},
      },
      input,
      dimensions,
    );
    const started = now();
    const result = await callJson({
      url: built.url,
      protocol: spec.protocol,
      provider: c.provider.id,
      authHeader: built.authHeader,
      ...(creds?.apiKey ? { apiKey: creds.apiKey } : {}),
      body: built.body,
      signal,
      timeouts: { totalMs: Math.max(1, DEADLINE_MS - (started - t0)) },
      ...(deps.fetch ? { fetch: deps.fetch } : {}),
      now,
    });
    const latencyMs = now() - started;
    const vectors = result.ok ? parseEmbeddingResponse(result.json, input.length, c.provider.id) : result;
    if (!vectors.ok) {
      lastError = vectors.error;
      const clientLeft = signal.aborted || vectors.error.kind === 'client_closed';
      if (clientLeft) deps.health.release(c.endpoint.id);
      else deps.health.record(c.endpoint.id, { ok: false, latencyMs, errorKind: vectors.error.kind });
      attemptLog.push({
        endpointId: c.endpoint.id,
        provider: c.provider.id,
        region: c.region.id,
        outcome: 'error',
        errorKind: vectors.error.kind,
        latencyMs,
      });
      if (clientLeft) {
        const route = routeOf(null, 'the client disconnected');
        return fail(
          {
            kind: 'upstream_failed',
            error: { ...vectors.error, kind: 'client_closed', message: 'the client disconnected' },
            attempts: route.attempts as never,
            route: route as never,
          },
          { route, status: 'client_disconnected', errorKind: 'client_disconnected' },
          heldMicro,
        );
      }
      // The client's own mistake would fail on every endpoint: do not fall back.
      if (!vectors.error.retryable) break;
      continue;
    }
    deps.health.record(c.endpoint.id, { ok: true, latencyMs });
    attemptLog.push({
      endpointId: c.endpoint.id,
      provider: c.provider.id,
      region: c.region.id,
      outcome: 'ok',
      errorKind: null,
      latencyMs,
    });
    // Trust the upstream's count only when it is possible; else count 4 characters per token.
    const reported = vectors.promptTokens;
    const trusted =
      reported !== undefined && Number.isInteger(reported) && reported >= 0 && reported <= inputBound;
    const inputTokens = trusted ? reported : Math.ceil(input.reduce((n, s) => n + s.length, 0) / 4);
    const usage = {
      inputTokens,
      outputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    };
    const charge = boundCharge(chargeFor(usage, pricesOf(c.endpoint), fee), heldMicro);
    const route = routeOf(
      c,
      `served by ${c.endpoint.id} (${attemptLog.length > 1 ? 'after a fallback' : 'cheapest allowed endpoint'})`,
    );
    const eco = {
      estimated: false,
      reason: EMBEDDING_ECO_REASON,
      methodology: METHODOLOGY_VERSION,
      region: c.region.id,
      country: c.region.country,
      gridIntensityGco2ePerKwh: c.region.gridGco2ePerKwh,
      energyWh: null,
      gco2e: null,
    };
    const row: RequestInsert = {
      ...baseRow(),
      status: 'ok',
      finishReason: 'stop',
      modelId: model.id,
      providerId: c.provider.id,
      regionId: c.region.id,
      endpointId: c.endpoint.id,
      country: c.region.country,
      inputTokens,
      tokensEstimated: !trusted,
      latencyMs: now() - t0,
      upstreamLatencyMs: latencyMs,
      upstreamCostMicro: charge.upstreamMicro,
      chargeMicro: charge.chargeMicro,
      gridGco2ePerKwh: c.region.gridGco2ePerKwh,
      ecoConfidence: 'not-modelled',
      methodologyVersion: METHODOLOGY_VERSION,
      route: trusted
        ? route
        : { ...route, billing: { refused: [`prompt_tokens ${String(reported)} is not possible`] } },
      fallbackUsed: route.fallbackUsed,
    };
    const { debitedMicro } = await deps.record(row, heldMicro);
    deps.onRecorded?.(row);
    const body = {
      object: 'list',
      data: vectors.vectors.map((v, index) => ({
        object: 'embedding',
        index,
        embedding: base64 ? toBase64(v) : v,
      })),
      model: model.id,
      usage: {
        prompt_tokens: inputTokens,
        total_tokens: inputTokens,
        /** USD charged to the organisation (upstream price + platform fee). */
        cost: microToUsd(debitedMicro),
        upstream_cost: microToUsd(charge.upstreamMicro),
        estimated: !trusted,
      },
      eco,
      route,
    };
    return writeJson(res, { status: 200, body, headers: routeHeaders(requestId, route) });
  }
  const error: ProviderError = lastError ?? {
    kind: 'overloaded',
    status: null,
    retryable: true,
    provider: 'lowrouter',
    message: 'every endpoint is out of service (circuit open)',
  };
  const route = routeOf(null, 'every attempt failed');
  if (!error.retryable && error.kind === 'bad_request')
    return fail(
      { kind: 'invalid_request', field: error.param ?? 'input', status: 400, message: error.message },
      { route, errorKind: error.kind },
      heldMicro,
    );
  return fail(
    { kind: 'upstream_failed', error, attempts: route.attempts as never, route: route as never },
    { route, errorKind: error.kind },
    heldMicro,
  );
}
