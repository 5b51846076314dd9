/**
 * Authentication of one request, shared by every authenticated surface (/v1, /graphql, /export):
 * the source address is checked against the failed-authentication limiter BEFORE the key store
 * (and so before any database work), and a failure is counted against the address.
 */
import type { FailedAuthLimiter } from './failed-auth-limiter';
import type { KeyStore, Principal } from './key-store';

export type AuthOutcome =
  /** No credentials were sent (the surface decides whether that is allowed). */
  | { kind: 'anonymous' }
  | { kind: 'ok'; principal: Principal }
  | { kind: 'invalid' }
  /** Too many failures from this address: answer 429 with `retry-after`. */
  | { kind: 'throttled'; retryAfterMs: number };

/** What the server knows about the connection a request came on. */
export interface ClientInfo {
  remoteAddress?: string;
}

/**
 * The address failures are counted under: the socket's peer, or with `trustProxy` the last
 * `X-Forwarded-For` entry (the one the trusted proxy appended; earlier entries are the client's own
 * claims). 'unknown' when neither is there, so such requests share one budget.
 */
export function clientAddress(
  forwardedFor: string | string[] | null | undefined,
  client: ClientInfo | undefined,
  trustProxy: boolean,
): string {
  if (trustProxy) {
    const hops = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
      .split(',')
      .map((h) => h.trim())
      .filter(Boolean);
    const last = hops[hops.length - 1];
    if (last && last.length <= 64) return last;
  }
  return client?.remoteAddress || 'unknown';
}

export function createAuthGuard(keys: KeyStore, limiter: FailedAuthLimiter, now: () => number = Date.now) {
  return async (token: string | null, address: string): Promise<AuthOutcome> => {
    if (token == null) return { kind: 'anonymous' };
    const wait = limiter.check(address, now());
    if (wait > 0) return { kind: 'throttled', retryAfterMs: wait };
    const principal = await keys.authenticate(token);
    if (principal) return { kind: 'ok', principal };
    limiter.fail(address, now());
    return { kind: 'invalid' };
  };
}

export type AuthGuard = ReturnType<typeof createAuthGuard>;
