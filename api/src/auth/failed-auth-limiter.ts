/**
 * Failed authentications per source address: after `maxFailures` failures within `windowMs` from one
 * address, `check` says how long to wait (ms) and the caller answers 429 before any database work.
 * Pure and clock-free (the caller passes `now`, in ms), so a node:http handler and the fetch app
 * share it.
 *
 * Memory is bounded: at most `maxAddresses` addresses are tracked; the least recently failing one is
 * forgotten first. An attacker rotating addresses can therefore evict entries, but cannot grow the
 * map; IPv6 addresses count per /64, the block one client usually holds.
 */

export interface FailedAuthLimiter {
  /** 0 when `address` may try to authenticate; otherwise the ms until it may try again. */
  check(address: string, now: number): number;
  /** Records one failed authentication from `address`. */
  fail(address: string, now: number): void;
  /** Addresses tracked (for tests and metrics). */
  size(): number;
}

export interface FailedAuthLimits {
  /** Failures allowed per window; 0 disables the limiter. Default 20. */
  maxFailures?: number;
  /** Window length in ms. Default 60 000. */
  windowMs?: number;
  /** Most addresses tracked at once. Default 10 000. */
  maxAddresses?: number;
}

/** The key an address is counted under: IPv4 as is (also when IPv4-mapped), IPv6 by its /64. */
export function addressKey(address: string): string {
  const a = address.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (mapped) return mapped[1]!;
  if (!a.includes(':')) return a;
  const [head = '', tail = ''] = a.split('%')[0]!.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = a.includes('::')
    ? [...left, ...Array(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right]
    : left;
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

export function createFailedAuthLimiter(limits: FailedAuthLimits = {}): FailedAuthLimiter {
  const max = limits.maxFailures ?? 20;
  const windowMs = limits.windowMs ?? 60_000;
  const maxAddresses = limits.maxAddresses ?? 10_000;
  // Insertion order is recency order: a failure re-inserts its address at the end.
  const windows = new Map<string, { start: number; count: number }>();

  return {
    check(address, now) {
      if (max <= 0) return 0;
      const w = windows.get(addressKey(address));
      if (!w || now - w.start >= windowMs || w.count < max) return 0;
      return Math.max(1, w.start + windowMs - now);
    },
    fail(address, now) {
      if (max <= 0) return;
      const key = addressKey(address);
      const w = windows.get(key);
      windows.delete(key);
      windows.set(
        key,
        w && now - w.start < windowMs ? { start: w.start, count: w.count + 1 } : { start: now, count: 1 },
      );
      while (windows.size > maxAddresses) windows.delete(windows.keys().next().value!);
    },
    size: () => windows.size,
  };
}
