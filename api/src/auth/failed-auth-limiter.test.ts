import { describe, expect, it } from 'vitest';
import { addressKey, createFailedAuthLimiter } from './failed-auth-limiter';

describe('failed-authentication limiter', () => {
  it('lets an address fail N times in a window, then asks it to wait until the window ends', () => {
    const l = createFailedAuthLimiter({ maxFailures: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) {
      expect(l.check('10.0.0.1', 1_000 + i)).toBe(0);
      l.fail('10.0.0.1', 1_000 + i);
    }
    expect(l.check('10.0.0.1', 11_000)).toBe(50_000);
    expect(l.check('10.0.0.2', 11_000)).toBe(0);
    expect(l.check('10.0.0.1', 61_000)).toBe(0);
  });

  it('starts a new window once the old one is over', () => {
    const l = createFailedAuthLimiter({ maxFailures: 2, windowMs: 1_000 });
    l.fail('a', 0);
    l.fail('a', 999);
    expect(l.check('a', 999)).toBe(1);
    l.fail('a', 1_000);
    expect(l.check('a', 1_000)).toBe(0);
  });

  it('tracks at most maxAddresses addresses, forgetting the least recently failing', () => {
    const l = createFailedAuthLimiter({ maxFailures: 1, maxAddresses: 100 });
    l.fail('keep', 0);
    for (let i = 0; i < 10_000; i++) {
      l.fail(`10.1.${i >> 8}.${i & 255}`, 1);
      if (i % 50 === 0) l.fail('keep', 1);
    }
    expect(l.size()).toBe(100);
    expect(l.check('keep', 2)).toBeGreaterThan(0);
    expect(l.check('10.1.0.0', 2)).toBe(0);
  });

  it('is off with maxFailures 0', () => {
    const l = createFailedAuthLimiter({ maxFailures: 0 });
    for (let i = 0; i < 100; i++) l.fail('a', i);
    expect(l.check('a', 100)).toBe(0);
    expect(l.size()).toBe(0);
  });

  it('counts IPv6 per /64 and IPv4-mapped addresses as IPv4', () => {
    expect(addressKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(addressKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(addressKey('::1')).toBe('0:0:0:0::/64');
    expect(addressKey('::ffff:192.0.2.7')).toBe('192.0.2.7');
    expect(addressKey('192.0.2.7')).toBe('192.0.2.7');
    const l = createFailedAuthLimiter({ maxFailures: 2 });
    l.fail('2001:db8:1:2::1', 0);
    l.fail('2001:db8:1:2::2', 0);
    expect(l.check('2001:db8:1:2::3', 0)).toBeGreaterThan(0);
    expect(l.check('2001:db8:1:3::1', 0)).toBe(0);
  });
});
