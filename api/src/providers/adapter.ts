/**
 * The contract every wire-protocol adapter fulfils. Adapters are pure: they build a request description and
 * parse bodies; they never fetch, read the clock or see an API key (call.ts does all three).
 */
import type { WireProtocol } from '@lowrouter/shared';
import type { CanonicalRequest, CanonicalResponse } from './canonical';
import type { ErrorInput } from './classify-error';
import type { ProviderError } from './provider-error';
import type { StreamParser } from './stream-state';
import type { BuildResult, RequestContext, Target } from './target';

export type ParseResult = { ok: true; response: CanonicalResponse } | { ok: false; error: ProviderError };

export interface ProtocolAdapter {
  readonly protocol: WireProtocol;
  /** Canonical request → wire request, or a 400-type error value naming the field the protocol cannot take. */
  buildRequest(request: CanonicalRequest, target: Target): BuildResult;
  /** Parsed JSON body of a 2xx non-stream response → canonical response (or an error the body carried). */
  parseResponse(json: unknown, ctx: RequestContext): ParseResult;
  /** A fresh stateful parser for one streamed response. */
  createStreamParser(ctx: RequestContext): StreamParser;
  /** A non-2xx response → ProviderError. */
  parseError(input: ErrorInput): ProviderError;
}
