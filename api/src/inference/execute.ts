/**
 * Stage 3, execute: the ranked attempts with fallback (routing/execute.ts decides what falls back and
 * what feeds the breaker), each attempt an upstream call through providers/call.ts. A fallback to a
 * dearer endpoint first raises what is held for the request; a refusal there is the gateway's own
 * error, never held against the endpoint. `held` is the µUSD held for the request, kept current.
 */
import type { Principal } from '../auth/key-store';
import { type CallChatResult, callChat } from '../providers/call';
import { GATEWAY_PROVIDER } from '../providers/call-errors';
import type { CanonicalRequest } from '../providers/canonical';
import { type ExecuteResult, executeAttempts } from '../routing/execute';
import type { Attempt } from '../routing/rank-types';
import { topUpCredit } from './admit';
import type { InferenceDeps } from './complete';
import type { Prepared } from './prepare';

/** The whole request's deadline (ms), fallbacks included. */
export const DEADLINE_MS = 600_000;
/** Upstream calls per request at most, fallbacks included. */
export const MAX_ATTEMPTS = 4;

export interface ExecuteInput {
  principal: Principal;
  request: CanonicalRequest;
  requestId: string;
  stream: boolean;
  signal: AbortSignal | undefined;
  /** µUSD held for the request; raised here before a dearer fallback runs. */
  held: { micro: number };
}

export function executeRequest(deps: InferenceDeps, p: Prepared, x: ExecuteInput): Promise<ExecuteResult> {
  const { request, stream } = x;
  return executeAttempts({
    attempts: p.rank.attempts,
    stream,
    health: deps.health,
    now: deps.now ?? Date.now,
    deadlineMs: DEADLINE_MS,
    maxAttempts: MAX_ATTEMPTS,
    ...(x.signal ? { signal: x.signal } : {}),
    contextWindowOf: (a) => p.tables.byEndpoint.get(a.endpointId)!.model.contextWindow,
    call: async (attempt: Attempt, timeoutMs: number): Promise<CallChatResult> => {
      const info = p.tables.byEndpoint.get(attempt.endpointId)!;
      const need = p.reserveFor(info);
      if (need > x.held.micro) {
        const ok = await topUpCredit(deps, {
          orgId: x.principal.orgId,
          requestId: x.requestId,
          deltaMicro: need - x.held.micro,
        });
        if (!ok) {
          return {
            ok: false,
            // The gateway's own refusal (GATEWAY_PROVIDER): never held against the endpoint; a
            // cheaper candidate further down may still fit the balance.
            error: {
              kind: 'bad_request',
              status: 402,
              retryable: true,
              provider: GATEWAY_PROVIDER,
              message: `not enough credit to fall back to ${info.endpoint.id}`,
            },
          };
        }
        x.held.micro = need;
      }
      return callChat({
        provider: { ...(info.provider.spec as object), id: info.provider.id } as never,
        endpoint: { upstreamModel: info.endpoint.upstreamModel },
        region: { providerRegionId: info.region.providerRegionId },
        request,
        ...(info.credentials?.apiKey ? { apiKey: info.credentials.apiKey } : {}),
        ...(info.credentials?.baseUrl ? { baseUrl: info.credentials.baseUrl } : {}),
        placeholders: info.credentials?.placeholders ?? {},
        maxOutputTokens: info.model.maxOutputTokens,
        stream,
        ...(x.signal ? { signal: x.signal } : {}),
        timeouts: { totalMs: timeoutMs },
        ...(deps.fetch ? { fetch: deps.fetch } : {}),
      });
    },
  });
}
