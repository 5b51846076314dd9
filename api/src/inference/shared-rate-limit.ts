/**
 * Per-key rate limits that hold across gateway nodes on one PostgreSQL, with no database round trip per
 * request.
 *
 * How. Time is cut in aligned minutes (window = floor(t / 60 000 ms), each node's clock). The table
 * rate_limit_windows holds, per key and minute, what all nodes together have CLAIMED of the key's
 * requests- and tokens-per-minute. A node admits a request against its own unused claim (its "slice")
 * in memory, synchronously. When the slice cannot cover a request, the node claims more in ONE
 * statement (claim_rate_limit_slice, migration rate_limit_claim) that, under the row's lock, grants
 * least(ask, left) and never lets the claimed total pass the limit; concurrent requests of a key share
 * one claim in flight. The node's sliding 60 s log (rate-limit.ts) is checked first, as on one node.
 *
 * Slice size (per dimension, L = the key's limit): ask = max(shortfall, min(max(⌈L/16⌉, demand),
 * ⌈L/4⌉)) where demand is what this node was asked for the key in the last second, claimed only for the
 * dimension that fell short; so a node holds at most ⌈L/4⌉ unused per dimension (a request's own
 * shortfall is used at once). A tiny limit (L ≤ 16) claims one request at a time, which is fine.
 *
 * Give-back. A node gives its unused slice of the current minute back when it has not admitted a
 * request of the key for `idleReturnMs` (2 s) and when it closes. A slice of a minute that is over is
 * simply dropped (nobody can use it any more). A node that dies (kill -9) loses its unused slice:
 * the key gets less that minute, never more.
 *
 * Guarantees (N nodes, L the limit, per key):
 *   1. Across all nodes, the requests (and the estimated tokens) admitted in one aligned minute never
 *      exceed L: a node admits only against what it claimed for that minute (memory is raised only
 *      after a claim has committed, lowered before a give-back is sent), and the claims never pass L.
 *   2. Within one node, any sliding 60 s admits at most L (the local log, exactly as on one node).
 *   3. Across nodes, a 60 s span that straddles a minute boundary can reach up to 2 L (the fixed-window
 *      edge: L at the end of one minute, L at the start of the next, on different nodes).
 *   4. Refusals come early by at most what the other nodes hold unused: ≤ (N − 1) × ⌈L/4⌉, and only
 *      until they give it back (≤ idleReturnMs + 1 s after they stop using the key) or the minute ends.
 * Tokens are the request's estimate (its input bound), as on one node. A request estimated above the
 * tokens-per-minute limit counts as the whole limit: it passes only in a minute nobody has used yet.
 * Clocks: a node counts a request in the minute of its own clock; skew between nodes only moves where
 * each puts the boundary (keep them NTP-synced).
 * Refusal answer: the local log's wait when it refuses; when the shared minute is spent, the time until
 * the next minute. After a claim is refused, requests that need more than was left are refused in
 * memory for 1 s, so a flood of refused requests costs at most one claim per key, node and second.
 *
 * Old rows: at the first claim of each new minute a node deletes rows of windows that started more
 * than 5 minutes before (in the background; at most once per node per minute).
 */
import type { Db } from '../db/client';
import { resultRows } from '../db/client';
import { claimSliceSql, deleteWindowsBeforeSql, returnSliceSql } from '../db/queries/rate-limit';
import type { Logger } from '../log';
import { OK, type RateDecision, type RateLimiter, type RateLimits, createSlidingLog } from './rate-limit';

/** The window length: aligned minutes (ms). */
export const WINDOW_MS = 60_000;

export interface SharedRateLimitPolicy {
  /** The base slice is ⌈limit / sliceDivisor⌉ (at least 1). */
  sliceDivisor: number;
  /** No slice is larger than ⌈limit / maxSliceDivisor⌉ (beyond a request's own shortfall). */
  maxSliceDivisor: number;
  /** Local demand counted for growing slices: what was asked in the last `demandMs` (ms). */
  demandMs: number;
  /** Unused slices of keys not admitted for this long go back to the database (ms). */
  idleReturnMs: number;
  /** After a refused claim, refuse in memory for this long what needs more than was left (ms). */
  recheckMs: number;
  /** Windows that started more than this many minutes ago are deleted. */
  keepMinutes: number;
}

export const DEFAULT_SHARED_RATE_POLICY: SharedRateLimitPolicy = {
  sliceDivisor: 16,
  maxSliceDivisor: 4,
  demandMs: 1_000,
  idleReturnMs: 2_000,
  recheckMs: 1_000,
  keepMinutes: 5,
};

/** The slice to ask for (a pure function of the limit, the request's shortfall and recent demand). */
export function sliceAsk(
  limit: number,
  shortfall: number,
  demand: number,
  p: SharedRateLimitPolicy = DEFAULT_SHARED_RATE_POLICY,
): number {
  const base = Math.max(1, Math.ceil(limit / p.sliceDivisor));
  const cap = Math.max(base, Math.ceil(limit / p.maxSliceDivisor));
  return Math.max(shortfall, Math.min(Math.max(base, demand), cap));
}

interface KeyState {
  keyId: string;
  /** Start of the minute the holdings belong to (ms). */
  window: number;
  /** Claimed for `window` and not used yet; the database holds at least this for this node. */
  heldRequests: number;
  heldTokens: number;
  claiming?: Promise<void>;
  /** When a claim was last refused in `window` (ms), and what was left then (null: not limited). */
  refusedAt: number;
  leftRequests: number | null;
  leftTokens: number | null;
  /** When a request of the key was last admitted (ms). */
  lastUsed: number;
  /** Asked per tenth of `demandMs`: [slot, requests, tokens]. */
  demand: [number, number, number][];
}

export interface SharedRateLimiter extends RateLimiter {
  /** Gives back the unused slices of keys not admitted for `idleMs`; forgets minutes that are over. */
  returnIdle(idleMs?: number): Promise<void>;
  /** Stops the idle timer and gives every unused slice back. Never throws (logs instead). */
  close(): Promise<void>;
  /** For tests: what this node holds unused for a key in the current minute. */
  peek(keyId: string): { requests: number; tokens: number } | undefined;
}

export function createSharedRateLimiter(opts: {
  db: Db;
  log: Logger;
  now?: () => number;
  policy?: Partial<SharedRateLimitPolicy>;
  /** How often idle slices are looked for (ms); 0 = never by itself (tests call returnIdle). */
  idleCheckMs?: number;
}): SharedRateLimiter {
  const { db, log } = opts;
  const now = opts.now ?? Date.now;
  const policy = { ...DEFAULT_SHARED_RATE_POLICY, ...opts.policy };
  const slotMs = policy.demandMs / 10;
  const local = createSlidingLog(WINDOW_MS);
  const keys = new Map<string, KeyState>();
  let cleanedWindow = Number.NEGATIVE_INFINITY;

  const windowOf = (t: number) => Math.floor(t / WINDOW_MS) * WINDOW_MS;
  const stateOf = (keyId: string, t: number): KeyState => {
    const window = windowOf(t);
    let s = keys.get(keyId);
    if (!s) {
      s = {
        keyId,
        window,
        heldRequests: 0,
        heldTokens: 0,
        refusedAt: Number.NEGATIVE_INFINITY,
        leftRequests: null,
        leftTokens: null,
        lastUsed: t,
        demand: [],
      };
      keys.set(keyId, s);
    } else if (s.window < window) {
      // A new minute: what was held for the last one is of no use to anyone now.
      s.window = window;
      s.heldRequests = 0;
      s.heldTokens = 0;
      s.refusedAt = Number.NEGATIVE_INFINITY;
    }
    return s;
  };
  const noteDemand = (s: KeyState, t: number, requests: number, tokens: number) => {
    const slot = Math.floor(t / slotMs);
    const last = s.demand.at(-1);
    if (last && last[0] === slot) {
      last[1] += requests;
      last[2] += tokens;
    } else s.demand.push([slot, requests, tokens]);
    while (s.demand.length && s.demand[0]![0] <= slot - 10) s.demand.shift();
  };

  type Need = { requests: number; tokens: number };
  const needOf = (limits: RateLimits, tokens: number): Need => ({
    requests: limits.rpm != null ? 1 : 0,
    tokens: limits.tpm != null ? Math.min(Math.max(0, tokens), limits.tpm) : 0,
  });

  /** Admits from memory, refuses from memory, or returns the shortfall a claim must cover. */
  const tryAdmit = (keyId: string, limits: RateLimits, tokens: number, need: Need): RateDecision | Need => {
    const t = now();
    const refused = local.check(keyId, limits, tokens, t);
    if (refused) return refused;
    const s = stateOf(keyId, t);
    if (s.heldRequests >= need.requests && s.heldTokens >= need.tokens) {
      s.heldRequests -= need.requests;
      s.heldTokens -= need.tokens;
      s.lastUsed = t;
      local.record(keyId, tokens, t);
      return OK;
    }
    const short = {
      requests: Math.max(0, need.requests - s.heldRequests),
      tokens: Math.max(0, need.tokens - s.heldTokens),
    };
    if (t - s.refusedAt < policy.recheckMs) {
      const which =
        s.leftRequests != null && short.requests > s.leftRequests
          ? 'requests'
          : s.leftTokens != null && short.tokens > s.leftTokens
            ? 'tokens'
            : null;
      if (which) return { ok: false, retryAfterMs: Math.max(1, s.window + WINDOW_MS - t), which };
    }
    return short;
  };

  /** One claim in flight per key; callers wait for it and look again. */
  const claim = (s: KeyState, limits: RateLimits, short: Need): Promise<void> => {
    s.claiming ??= (async () => {
      const window = s.window;
      const t = now();
      const demand = s.demand.reduce(
        (d, [slot, r, k]) => (slot > Math.floor(t / slotMs) - 10 ? { r: d.r + r, k: d.k + k } : d),
        { r: 0, k: 0 },
      );
      const res = await db.execute(
        claimSliceSql({
          keyId: s.keyId,
          windowStart: new Date(window),
          requestsMin: short.requests,
          // Only the dimension that fell short is claimed, so neither piles up unused.
          requestsAsk:
            limits.rpm != null && short.requests > 0
              ? sliceAsk(limits.rpm, short.requests, demand.r, policy)
              : 0,
          requestsLimit: limits.rpm,
          tokensMin: short.tokens,
          tokensAsk:
            limits.tpm != null && short.tokens > 0 ? sliceAsk(limits.tpm, short.tokens, demand.k, policy) : 0,
          tokensLimit: limits.tpm,
        }),
      );
      if (window > cleanedWindow) {
        cleanedWindow = window;
        db.execute(deleteWindowsBeforeSql(new Date(window - policy.keepMinutes * WINDOW_MS))).catch((err) =>
          log.warn('deleting old rate limit windows failed', { error: String(err) }),
        );
      }
      const row = resultRows<Record<string, string | number | null>>(res)[0]!;
      const grantedRequests = Number(row.granted_requests ?? 0);
      const grantedTokens = Number(row.granted_tokens ?? 0);
      // The minute ended while the claim was out: its grant is of no use to anyone now.
      if (s.window !== window) return;
      s.heldRequests += grantedRequests;
      s.heldTokens += grantedTokens;
      if (grantedRequests === 0 && grantedTokens === 0 && (short.requests > 0 || short.tokens > 0)) {
        s.refusedAt = now();
        s.leftRequests = row.left_requests == null ? null : Number(row.left_requests);
        s.leftTokens = row.left_tokens == null ? null : Number(row.left_tokens);
      } else s.refusedAt = Number.NEGATIVE_INFINITY;
    })().finally(() => {
      s.claiming = undefined;
    });
    return s.claiming;
  };

  const slowAdmit = async (keyId: string, limits: RateLimits, tokens: number, need: Need) => {
    // Each round admits, refuses, or waits for a claim that either granted something (bounded by the
    // limit per minute) or was refused (the next round refuses in memory).
    for (let round = 0; round < 100; round++) {
      const r = tryAdmit(keyId, limits, tokens, need);
      if ('ok' in r) return r;
      const s = keys.get(keyId)!;
      if (s.claiming) await s.claiming.catch(() => {});
      else await claim(s, limits, r);
    }
    return { ok: false, retryAfterMs: 1_000, which: 'requests' } as RateDecision;
  };

  const giveBack = async (s: KeyState) => {
    const requests = s.heldRequests;
    const tokens = s.heldTokens;
    if (requests <= 0 && tokens <= 0) return;
    // Memory first: the node never admits against what it is giving back.
    s.heldRequests = 0;
    s.heldTokens = 0;
    try {
      await db.execute(returnSliceSql(s.keyId, new Date(s.window), requests, tokens));
    } catch (err) {
      // Lost, not over-admitted: the key gets less this minute.
      log.warn('giving back a rate limit slice failed', { keyId: s.keyId, error: String(err) });
    }
  };

  const returnIdle = async (idleMs = policy.idleReturnMs) => {
    const t = now();
    const current = windowOf(t);
    const work: Promise<void>[] = [];
    for (const s of keys.values()) {
      if (s.window < current) {
        if (!s.claiming) keys.delete(s.keyId);
      } else if (t - s.lastUsed >= idleMs) work.push(giveBack(s));
    }
    await Promise.all(work);
  };

  const timer = opts.idleCheckMs
    ? setInterval(() => {
        returnIdle().catch(() => {});
      }, opts.idleCheckMs)
    : undefined;
  timer?.unref();

  return {
    admit(keyId, limits, tokens) {
      if (limits.rpm == null && limits.tpm == null) return OK;
      const need = needOf(limits, tokens);
      const r = tryAdmit(keyId, limits, tokens, need);
      // What this node is asked for the key sizes its next slice.
      const s = keys.get(keyId);
      if (s) noteDemand(s, now(), need.requests, need.tokens);
      if ('ok' in r) return r;
      return slowAdmit(keyId, limits, tokens, need);
    },
    returnIdle,
    async close() {
      if (timer) clearInterval(timer);
      try {
        await Promise.all([...keys.values()].map((s) => s.claiming?.catch(() => {})));
        await returnIdle(0);
      } catch (err) {
        log.warn('giving back rate limit slices at shutdown failed', { error: String(err) });
      }
    },
    peek(keyId) {
      const s = keys.get(keyId);
      if (!s || s.window < windowOf(now())) return undefined;
      return { requests: s.heldRequests, tokens: s.heldTokens };
    },
  };
}
