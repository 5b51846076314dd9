import { describe, expect, it } from 'vitest';
import { adapterFor } from './adapters';
import { listFixtures, readFixture, readMeta } from './fixture-files';

/** Fixture folder → the protocol adapter that parses it. */
const FOLDERS = {
  openai: 'openai',
  'openai-responses': 'openai',
  'azure-openai': 'openai',
  groq: 'openai',
  together: 'openai',
  openrouter: 'openai',
  'openai-compatible-misc': 'openai',
  anthropic: 'anthropic',
  mistral: 'mistral',
  gemini: 'gemini',
} as const;

const NOW = Date.parse('2026-04-05T14:28:00Z');

function classifyAll(key?: string) {
  const rows: string[] = [];
  for (const [folder, protocol] of Object.entries(FOLDERS)) {
    for (const f of listFixtures([folder])) {
      const meta = readMeta(f);
      if (meta.status < 400) continue;
      const bodyText = key ? readFixture(f).replace(/invalid|Invalid/, key) : readFixture(f);
      const e = adapterFor(protocol).parseError({
        status: meta.status,
        headers: meta.headers,
        bodyText,
        provider: folder,
        keys: [key],
        nowMs: NOW,
      });
      const after = e.retryAfterMs === undefined ? '' : ` after=${e.retryAfterMs}ms`;
      rows.push(
        `${f} → ${e.kind} ${e.status} retryable=${e.retryable}${after}${e.code ? ` code=${e.code}` : ''}`,
      );
      if (key) expect(e.message, f).not.toContain(key);
    }
  }
  return rows;
}

describe('error fixtures', () => {
  it('classifies every recorded and reconstructed error body', () => {
    expect(classifyAll()).toMatchInlineSnapshot(`
      [
        "openai/error-400-empty-messages.json → bad_request 400 retryable=false code=empty_array",
        "openai/error-400-unsupported-parameter.json → bad_request 400 retryable=false code=unsupported_parameter",
        "openai/error-400-unsupported-value.json → bad_request 400 retryable=false code=unsupported_value",
        "openai/error-401-invalid-api-key-2.json → auth 401 retryable=false code=invalid_api_key",
        "openai/error-401-invalid-api-key.json → auth 401 retryable=false code=invalid_api_key",
        "openai/error-404-model-not-found.json → not_found 404 retryable=false code=model_not_found",
        "openai/reconstructed/error-429-rate-limit-tokens.json → rate_limited 429 retryable=true after=330ms code=rate_limit_exceeded",
        "openai/reconstructed/error-500-server-error.json → upstream 500 retryable=true code=server_error",
        "openai/reconstructed/error-503-overloaded.json → overloaded 503 retryable=true code=server_error",
        "openai-responses/error-429-insufficient-quota.json → rate_limited 429 retryable=false code=insufficient_quota",
        "azure-openai/error-401.json → auth 401 retryable=false code=401",
        "groq/error-400-tool-use-failed.json → bad_request 400 retryable=false code=tool_use_failed",
        "groq/error-401.json → auth 401 retryable=false code=invalid_api_key",
        "groq/error-404-model-not-found.json → not_found 404 retryable=false code=model_not_found",
        "groq/reconstructed/error-429-rate-limit-tokens.json → rate_limited 429 retryable=true after=5000ms code=rate_limit_exceeded",
        "together/error-401.json → auth 401 retryable=false code=invalid_api_key",
        "together/error-404-model-not-available.json → not_found 404 retryable=false code=model_not_available",
        "openrouter/error-400-invalid-model.json → bad_request 400 retryable=false code=400",
        "openrouter/error-401.json → auth 401 retryable=false code=401",
        "openrouter/error-429-upstream-rate-limited.json → rate_limited 429 retryable=true code=429",
        "openai-compatible-misc/cerebras-error-401.json → auth 401 retryable=false code=invalid_request_error",
        "openai-compatible-misc/hyperbolic-error-401-detail.json → auth 401 retryable=false",
        "openai-compatible-misc/sambanova-error-401-text-plain.txt → auth 401 retryable=false",
        "openai-compatible-misc/xai-error-400-bad-key.json → auth 400 retryable=false code=Client specified an invalid argument",
        "anthropic/error-400-invalid-request-2.json → bad_request 400 retryable=false code=invalid_request_error",
        "anthropic/error-400-invalid-request.json → bad_request 400 retryable=false code=invalid_request_error",
        "anthropic/error-401-authentication-2.json → auth 401 retryable=false code=authentication_error",
        "anthropic/error-401-authentication.json → auth 401 retryable=false code=authentication_error",
        "anthropic/error-404-not-found-model.json → not_found 404 retryable=false code=not_found_error",
        "anthropic/reconstructed/error-429-rate-limit.json → rate_limited 429 retryable=true after=12000ms code=rate_limit_error",
        "anthropic/reconstructed/error-500-api-error.json → upstream 500 retryable=true code=api_error",
        "anthropic/reconstructed/error-529-overloaded.json → overloaded 529 retryable=true code=overloaded_error",
        "mistral/error-400-invalid-model.json → not_found 400 retryable=false code=invalid_model",
        "mistral/error-401.json → auth 401 retryable=false",
        "mistral/reconstructed/error-429-rate-limited-legacy.json → rate_limited 429 retryable=true",
        "mistral/reconstructed/error-429-rate-limited.json → rate_limited 429 retryable=true code=rate_limited",
        "gemini/error-400-api-key-invalid.json → auth 400 retryable=false code=INVALID_ARGUMENT",
        "gemini/error-404-model-not-found.json → not_found 404 retryable=false code=NOT_FOUND",
        "gemini/error-429-resource-exhausted-retry-info.json → rate_limited 429 retryable=true after=34400ms code=RESOURCE_EXHAUSTED",
        "gemini/reconstructed/error-503-unavailable.json → overloaded 503 retryable=true code=UNAVAILABLE",
      ]
    `);
  });

  it('never lets the configured key into an error message, even when the upstream echoes it', () => {
    classifyAll('lr-test-0123456789abcdefghij');
  });

  it('honours x-should-retry over the status', () => {
    const e = adapterFor('anthropic').parseError({
      status: 500,
      headers: { 'x-should-retry': 'false' },
      bodyText: '{"type":"error","error":{"type":"api_error","message":"Internal server error"}}',
      provider: 'anthropic',
    });
    expect([e.kind, e.retryable]).toEqual(['upstream', false]);
  });

  it('recognises context-length errors as their own kind on each protocol', () => {
    const cases = [
      [
        'openai',
        400,
        '{"error":{"message":"This model\'s maximum context length is 8192 tokens.","type":"invalid_request_error","code":"context_length_exceeded"}}',
      ],
      [
        'anthropic',
        400,
        '{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 209000 tokens > 200000 maximum"}}',
      ],
      [
        'mistral',
        400,
        '{"object":"error","message":"Prompt contains 40000 tokens, too large for model with 32768 maximum context length","type":"invalid_request_error"}',
      ],
      [
        'gemini',
        400,
        '{"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}}',
      ],
    ] as const;
    const kinds = cases.map(
      ([p, status, bodyText]) => adapterFor(p).parseError({ status, bodyText, provider: p }).kind,
    );
    expect(kinds).toEqual(['context_length', 'context_length', 'context_length', 'context_length']);
  });

  it('reads retry-after-ms and an HTTP-date retry-after on a 429', () => {
    const parse = (headers: Record<string, string>) =>
      adapterFor('openai').parseError({
        status: 429,
        headers,
        bodyText: '{"error":{"message":"slow down"}}',
        provider: 'azure-openai',
        nowMs: NOW,
      }).retryAfterMs;
    expect([
      parse({ 'retry-after-ms': '250' }),
      parse({ 'retry-after': 'Sun, 05 Apr 2026 14:28:05 GMT' }),
    ]).toEqual([250, 5000]);
  });
});
