import { describe, expect, it } from 'vitest';
import { causeMessage, transportError } from './call-errors';

const T = { connectMs: 1_000, firstByteMs: 2_000, idleMs: 3_000, totalMs: 4_000 };

/** What undici throws: `TypeError('fetch failed')` with the system error as its cause. */
const fetchFailed = (message: string, code: string) =>
  new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });

describe('transport errors', () => {
  it('tell the client what failed without the upstream host, address or port', () => {
    const cases: [string, string, string][] = [
      [
        'connect ECONNREFUSED 10.20.30.40:8443',
        'ECONNREFUSED',
        'could not connect to the provider (connection refused)',
      ],
      [
        'getaddrinfo ENOTFOUND llm.internal.corp',
        'ENOTFOUND',
        'could not connect to the provider (host name not found)',
      ],
      [
        'getaddrinfo EAI_AGAIN llm.internal.corp',
        'EAI_AGAIN',
        'could not connect to the provider (host name lookup failed)',
      ],
      [
        'connect EHOSTUNREACH fd00::7:443',
        'EHOSTUNREACH',
        'could not connect to the provider (host unreachable)',
      ],
      [
        'connect ETIMEDOUT 10.20.30.40:8443',
        'ETIMEDOUT',
        'could not connect to the provider (connection timed out)',
      ],
      [
        'read ECONNRESET 10.20.30.40:8443',
        'ECONNRESET',
        'the connection to the provider failed (connection reset)',
      ],
      [
        "Hostname/IP does not match certificate's altnames: llm.internal.corp",
        'ERR_TLS_CERT_ALTNAME_INVALID',
        'could not connect to the provider (TLS handshake failed)',
      ],
      [
        'other side closed 10.20.30.40:8443',
        'UND_ERR_SOCKET',
        'the connection to the provider failed (connection closed)',
      ],
      ['weird 10.20.30.40:8443', 'EWHATEVER', 'the connection to the provider failed'],
    ];
    for (const [message, code, expected] of cases) {
      const err = fetchFailed(message, code);
      const e = transportError(undefined, err, 'openai', T, []);
      expect(e).toMatchObject({ kind: 'network', retryable: true, message: expected });
      expect(e.message).not.toMatch(/10\.20|8443|internal\.corp|fd00/);
      // The detail stays available for the log.
      expect(causeMessage(err)).toContain(message);
    }
  });

  it('word undici timeouts without echoing its message', () => {
    const err = fetchFailed('Headers Timeout Error 10.20.30.40:8443', 'UND_ERR_HEADERS_TIMEOUT');
    expect(transportError(undefined, err, 'openai', T, []).message).toBe(
      'the provider did not send its headers in time',
    );
  });
});
