import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DbHandle, openDb } from '../db/client';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { createLogger } from '../log';
import type { RateDecision, RateLimits } from './rate-limit';
import { type SharedRateLimiter, WINDOW_MS, createSharedRateLimiter, sliceAsk } from './shared-rate-limit';

const log = createLogger('silent');

describe('slice sizing', () => {
  it('asks ~1/16 of the limit, at least 1, more with local demand up to 1/4, and never less than the shortfall', () => {
    expect(sliceAsk(20, 1, 0)).toBe(2);
    expect(sliceAsk(1, 1, 0)).toBe(1);
    expect(sliceAsk(10, 1, 50)).toBe(3);
    expect(sliceAsk(1_600, 1, 0)).toBe(100);
    expect(sliceAsk(1_600, 1, 250)).toBe(250);
    expect(sliceAsk(1_600, 1, 10_000)).toBe(400);
    expect(sliceAsk(10_000, 7_000, 0)).toBe(7_000);
  });
});

describe.each(testDrivers())('rate limits shared by three nodes on %s', (driver) => {
  let test: TestDb;
  const extra: DbHandle[] = [];
  let statements: string[] = [];
  /** Three "nodes": on PostgreSQL each with a connection pool of its own, on PGlite one handle. */
  let handles: DbHandle[];
  let t = 0;
  const clock = () => t;
  beforeAll(async () => {
    const onQuery = (q: string) => statements.push(q);
    test = await openTestDb(driver, { onQuery });
    handles = [test.handle];
    for (let i = 0; i < 2; i++) {
      if (test.url) extra.push(await openDb({ databaseUrl: test.url, onQuery, maxConnections: 4 }));
      handles.push(extra.at(-1) ?? test.handle);
    }
  }, 60_000);
  afterAll(async () => {
    for (const h of extra) await h.close();
    await test.cleanup();
  });

  const nodes = (): SharedRateLimiter[] =>
    handles.map((h) => createSharedRateLimiter({ db: h.db, log, now: clock }));
  const claims = () => statements.filter((q) => q.includes('claim_rate_limit_slice')).length;
  /** Sends `n` concurrent requests spread round-robin over `over`; the decisions in order. */
  const burst = (over: SharedRateLimiter[], key: string, limits: RateLimits, n: number, tokens = 10) =>
    Promise.all(Array.from({ length: n }, (_, i) => over[i % over.length]!.admit(key, limits, tokens)));
  const oks = (rs: RateDecision[]) => rs.filter((r) => r.ok).length;
  const windowRows = async (key: string) =>
    (await test.handle.exec(
      'select extract(epoch from window_start) * 1000 as w, requests, tokens from rate_limit_windows where key_id = $1 order by 1',
      [key],
    )) as { w: string; requests: number; tokens: string }[];

  it('bursts spread over the nodes never admit more than the limit per aligned minute', async () => {
    const [a, b, c] = nodes();
    const limits = { rpm: 20, tpm: null };
    const w0 = 1_000 * WINDOW_MS;
    let admitted0 = 0;
    let admitted1 = 0;
    // Four bursts near the end of one minute, four at the start of the next.
    for (const at of [50_000, 52_000, 55_000, 59_999]) {
      t = w0 + at;
      const rs = await burst([a!, b!, c!], 'k_burst', limits, 30);
      admitted0 += oks(rs);
      for (const r of rs) if (!r.ok) expect(r.retryAfterMs).toBeGreaterThan(0);
    }
    for (const at of [0, 1_500, 3_000, 30_000]) {
      t = w0 + WINDOW_MS + at;
      admitted1 += oks(await burst([a!, b!, c!], 'k_burst', limits, 30));
    }
    expect(admitted0).toBeGreaterThan(0);
    expect(admitted0).toBeLessThanOrEqual(20);
    expect(admitted1).toBeGreaterThan(0);
    expect(admitted1).toBeLessThanOrEqual(20);
    // What the database says all nodes claimed never passed the limit either.
    for (const row of await windowRows('k_burst')) expect(row.requests).toBeLessThanOrEqual(20);
  });

  it('a refused node tells the client to come back at the next minute once the shared budget is spent', async () => {
    const [a, b] = nodes();
    const limits = { rpm: 4, tpm: null };
    const w0 = 2_000 * WINDOW_MS;
    t = w0 + 10_000;
    expect(oks(await burst([a!], 'k_retry', limits, 4))).toBe(4);
    // b's own 60 s log is empty: it is the shared minute that refuses, until it ends.
    expect(await b!.admit('k_retry', limits, 1)).toEqual({
      ok: false,
      retryAfterMs: 50_000,
      which: 'requests',
    });
    t = w0 + WINDOW_MS;
    expect((await b!.admit('k_retry', limits, 1)).ok).toBe(true);
  });

  it('a flood of refused requests costs at most one claim per key, node and second', async () => {
    const [a, b] = nodes();
    const limits = { rpm: 3, tpm: null };
    t = 2_500 * WINDOW_MS + 1_000;
    expect(oks(await burst([a!], 'k_flood', limits, 3))).toBe(3);
    statements = [];
    for (let i = 0; i < 200; i++) expect((await b!.admit('k_flood', limits, 1)).ok).toBe(false);
    expect(claims()).toBe(1);
    t += 1_001;
    for (let i = 0; i < 200; i++) expect((await b!.admit('k_flood', limits, 1)).ok).toBe(false);
    expect(claims()).toBe(2);
  });

  it('a slice that comes back after its minute ended is not spent in the next one', async () => {
    const [a] = nodes();
    const limits = { rpm: 10, tpm: null };
    const w0 = 7_000 * WINDOW_MS;
    t = w0 + WINDOW_MS - 1;
    const pending = a!.admit('k_edge', limits, 1);
    expect(pending).toBeInstanceOf(Promise);
    t = w0 + WINDOW_MS + 10;
    expect((await pending).ok).toBe(true);
    // The first claim was for the minute that ended: dropped (less, never more); the request was
    // admitted on a claim of its own minute.
    const rows = await windowRows('k_edge');
    expect(rows.map((r) => [Number(r.w) - w0, r.requests])).toEqual([
      [0, 1],
      [WINDOW_MS, 1],
    ]);
    expect(a!.peek('k_edge')).toEqual({ requests: 0, tokens: 0 });
  });

  it('deletes the windows of more than 5 minutes ago at the first claim of a new minute', async () => {
    const w0 = 8_000 * WINDOW_MS;
    t = w0;
    expect((await nodes()[0]!.admit('k_old', { rpm: 5, tpm: null }, 1)).ok).toBe(true);
    t = w0 + 5 * WINDOW_MS;
    expect((await nodes()[1]!.admit('k_new', { rpm: 5, tpm: null }, 1)).ok).toBe(true);
    expect(await windowRows('k_old')).toHaveLength(1);
    t = w0 + 6 * WINDOW_MS;
    expect((await nodes()[2]!.admit('k_new', { rpm: 5, tpm: null }, 1)).ok).toBe(true);
    // The clean-up runs beside the claim, not on the request's path.
    for (let i = 0; i < 100 && (await windowRows('k_old')).length; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect(await windowRows('k_old')).toHaveLength(0);
    expect(await windowRows('k_new')).toHaveLength(2);
  });

  it('slices given back by idle or closing nodes let another node use them', async () => {
    const [a, b, c] = nodes();
    const limits = { rpm: 20, tpm: null };
    const w0 = 3_000 * WINDOW_MS;
    t = w0 + 1_000;
    // a takes a slice and uses one request of it.
    expect((await a!.admit('k_back', limits, 1)).ok).toBe(true);
    expect(a!.peek('k_back')!.requests).toBeGreaterThan(0);
    const heldByA = a!.peek('k_back')!.requests;
    // b and c take everything else.
    const first = oks(await burst([b!, c!], 'k_back', limits, 40));
    expect(1 + first + heldByA).toBeLessThanOrEqual(20);
    // a goes idle: its unused slice goes back; c closes: its too.
    t += 5_000;
    await a!.returnIdle();
    expect(a!.peek('k_back')!.requests).toBe(0);
    await c!.close();
    const second = oks(await burst([b!], 'k_back', limits, 40));
    expect(second).toBeGreaterThanOrEqual(heldByA);
    const held = [a!, b!, c!].reduce((n, x) => n + (x.peek('k_back')?.requests ?? 0), 0);
    // Everything admitted plus what is still held is exactly what was claimed: the whole limit.
    expect(1 + first + second + held).toBe(20);
    expect((await windowRows('k_back'))[0]!.requests).toBe(20);
  });

  it('a node that dies with a slice makes the key get less that minute, never more', async () => {
    const [a, b, dead] = nodes();
    const limits = { rpm: 30, tpm: null };
    const w0 = 4_000 * WINDOW_MS;
    t = w0 + 5_000;
    // The node to die admits a few requests at once (its slice grows with the demand), then is gone
    // without closing (kill -9): what it held is lost.
    const byDead = oks(await burst([dead!], 'k_dead', limits, 6));
    const lost = dead!.peek('k_dead')!.requests;
    expect(lost).toBeGreaterThan(0);
    const others = oks(await burst([a!, b!], 'k_dead', limits, 90));
    t += 5_000;
    await Promise.all([a!.returnIdle(), b!.returnIdle()]);
    const later = oks(await burst([a!, b!], 'k_dead', limits, 90));
    const held = a!.peek('k_dead')!.requests + b!.peek('k_dead')!.requests;
    expect(byDead + others + later + held).toBe(30 - lost);
    expect((await windowRows('k_dead'))[0]!.requests).toBe(30);
  });

  it('tokens per minute hold across the nodes too, and a request above the limit only fits a fresh minute', async () => {
    const [a, b, c] = nodes();
    const limits = { rpm: null, tpm: 10_000 };
    const w0 = 5_000 * WINDOW_MS;
    t = w0 + 1_000;
    const rs = await burst([a!, b!, c!], 'k_tok', limits, 60, 700);
    expect(oks(rs) * 700).toBeLessThanOrEqual(10_000);
    expect(rs.find((r) => !r.ok)).toMatchObject({ ok: false, which: 'tokens' });
    t += 5_000;
    await Promise.all([a!, b!, c!].map((x) => x.returnIdle()));
    const more = await burst([a!, b!, c!], 'k_tok', limits, 60, 700);
    // After the give-back the nodes together reach the limit: what they admitted plus what they still
    // hold is what was claimed, and what is left cannot take one more request.
    const total = (oks(rs) + oks(more)) * 700;
    const held = [a!, b!, c!].reduce((n, x) => n + (x.peek('k_tok')?.tokens ?? 0), 0);
    const claimed = Number((await windowRows('k_tok'))[0]!.tokens);
    expect(total + held).toBe(claimed);
    expect(claimed).toBeLessThanOrEqual(10_000);
    expect(claimed).toBeGreaterThan(10_000 - 700);

    // 50 000 estimated tokens against 10 000 per minute: alone in a fresh minute it passes (as on one
    // node) and counts as the whole limit, so nothing else passes that minute on any node.
    t = w0 + WINDOW_MS;
    expect((await a!.admit('k_big', limits, 50_000)).ok).toBe(true);
    expect(await b!.admit('k_big', limits, 10)).toMatchObject({ ok: false, which: 'tokens' });
    expect(await c!.admit('k_big', limits, 50_000)).toMatchObject({ ok: false, which: 'tokens' });
  });

  it('admits from the slice synchronously, with a claim every few requests at most', async () => {
    const [a, b, c] = nodes();
    const limits = { rpm: 6_000, tpm: 6_000_000 };
    const w0 = 6_000 * WINDOW_MS;
    t = w0;
    statements = [];
    let sync = 0;
    let admitted = 0;
    for (let i = 0; i < 3_000; i++) {
      if (i % 100 === 0) t += 500;
      const r = [a!, b!, c!][i % 3]!.admit('k_sync', limits, 500);
      if (!(r instanceof Promise)) sync++;
      if ((await r).ok) admitted++;
    }
    expect(admitted).toBe(3_000);
    const perRequest = claims() / admitted;
    // Printed for the report: claim statements per request.
    console.log(`[shared-rate-limit ${driver}] ${claims()} claims for ${admitted} requests (${perRequest})`);
    expect(perRequest).toBeLessThan(0.02);
    expect(sync).toBe(admitted - claims());
  });
});

describe.each(testDrivers())('one node with the shared limiter on %s', (driver) => {
  let test: TestDb;
  let t = 0;
  beforeAll(async () => {
    test = await openTestDb(driver);
  }, 60_000);
  afterAll(() => test.cleanup());
  const node = () => createSharedRateLimiter({ db: test.handle.db, log, now: () => t });

  it('behaves as the in-memory limiter: a sliding 60 s, then a wait', async () => {
    t = 0;
    const rl = node();
    const limits = { rpm: 2, tpm: null };
    expect((await rl.admit('k1', limits, 10)).ok).toBe(true);
    t = 10_000;
    expect((await rl.admit('k1', limits, 10)).ok).toBe(true);
    expect(await rl.admit('k1', limits, 10)).toEqual({ ok: false, retryAfterMs: 50_000, which: 'requests' });
    t = 60_000;
    expect((await rl.admit('k1', limits, 10)).ok).toBe(true);
  });

  it('behaves as the in-memory limiter for tokens', async () => {
    t = 0;
    const rl = node();
    const limits = { rpm: null, tpm: 1_000 };
    expect((await rl.admit('k2', limits, 700)).ok).toBe(true);
    expect(await rl.admit('k2', limits, 400)).toMatchObject({ ok: false, which: 'tokens' });
    expect((await rl.admit('k2', limits, 300)).ok).toBe(true);
    t = 60_001;
    expect((await rl.admit('k2', limits, 900)).ok).toBe(true);
  });

  it('keeps keys apart and lets unlimited keys through without a claim', async () => {
    t = 0;
    const rl = node();
    expect((await rl.admit('a3', { rpm: 1, tpm: null }, 1)).ok).toBe(true);
    expect((await rl.admit('a3', { rpm: 1, tpm: null }, 1)).ok).toBe(false);
    expect((await rl.admit('b3', { rpm: 1, tpm: null }, 1)).ok).toBe(true);
    for (let i = 0; i < 100; i++)
      expect(rl.admit('c3', { rpm: null, tpm: null }, 1_000_000)).toEqual({ ok: true });
  });
});
