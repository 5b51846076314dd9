import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { type TestApp, createTestApp } from '../test-helpers';
import { ensureKeySecret } from './bootstrap';
import { createKeyStore } from './key-store';
import { generateApiKey } from './keys';

describe.each(testDrivers())('key store on %s', (driver) => {
  let t: TestDb;
  let a: TestApp;
  let secret: string;
  const keyLookups: string[] = [];

  beforeAll(async () => {
    t = await openTestDb(driver, {
      onQuery: (q) => {
        if (/from "api_keys"/.test(q) && q.includes('"key_hash"')) keyLookups.push(q);
      },
    });
    a = await createTestApp(t);
    secret = await ensureKeySecret(t.handle.db, a.config);
  });
  afterAll(async () => {
    await a.inference.close();
    await t.cleanup();
  });

  it('keeps at most maxEntries keys, however many random keys arrive', async () => {
    const store = createKeyStore(t.handle.db, secret, { maxEntries: 50 });
    for (let i = 0; i < 300; i++) expect(await store.authenticate(generateApiKey())).toBeNull();
    expect(store.size()).toBe(50);
    expect(await store.authenticate(a.adminKey)).not.toBeNull();
    expect(store.size()).toBe(50);
    await store.close();
  });

  it('remembers an unknown key for negativeTtlMs, a known one for ttlMs (the revocation bound)', async () => {
    let clock = 0;
    const store = createKeyStore(t.handle.db, secret, { negativeTtlMs: 5_000, now: () => clock });
    keyLookups.length = 0;
    await store.authenticate(a.adminKey);
    clock = 999;
    await store.authenticate(a.adminKey);
    expect(keyLookups).toHaveLength(1);
    clock = 1_000;
    await store.authenticate(a.adminKey);
    expect(keyLookups).toHaveLength(2);
    clock = 0;
    const bogus = generateApiKey();
    keyLookups.length = 0;
    await store.authenticate(bogus);
    clock = 4_999;
    await store.authenticate(bogus);
    expect(keyLookups).toHaveLength(1);
    clock = 5_000;
    await store.authenticate(bogus);
    expect(keyLookups).toHaveLength(2);
    await store.close();
  });

  it('asks the database once for concurrent lookups of the same key', async () => {
    const store = createKeyStore(t.handle.db, secret);
    const bogus = generateApiKey();
    keyLookups.length = 0;
    const results = await Promise.all([
      ...Array.from({ length: 20 }, () => store.authenticate(bogus)),
      ...Array.from({ length: 20 }, () => store.authenticate(a.adminKey)),
    ]);
    expect(keyLookups).toHaveLength(2);
    expect(results.slice(0, 20).every((p) => p === null)).toBe(true);
    expect(results.slice(20).every((p) => p?.instanceAdmin)).toBe(true);
    await store.close();
  });

  it('does not cache an answer that was in flight when the key was invalidated', async () => {
    const store = createKeyStore(t.handle.db, secret, { ttlMs: 60_000 });
    const principal = (await store.authenticate(a.adminKey))!;
    store.invalidate(principal.keyId);
    const pending = store.authenticate(a.adminKey);
    store.invalidate(principal.keyId);
    await pending;
    keyLookups.length = 0;
    await store.authenticate(a.adminKey);
    expect(keyLookups).toHaveLength(1);
    await store.close();
  });

  it('trusts a key as long as the TTL function says at each lookup (the bus: 60 s up, 1 s down)', async () => {
    let clock = 0;
    let ttl = 60_000;
    const store = createKeyStore(t.handle.db, secret, { ttlMs: () => ttl, now: () => clock });
    keyLookups.length = 0;
    await store.authenticate(a.adminKey);
    clock = 30_000;
    await store.authenticate(a.adminKey);
    expect(keyLookups).toHaveLength(1);
    ttl = 1_000; // the bus went down: what is older than 1 s is asked again
    await store.authenticate(a.adminKey);
    expect(keyLookups).toHaveLength(2);
    await store.close();
  });

  it('forgets every key on reset, and does not cache a lookup that was in flight', async () => {
    const store = createKeyStore(t.handle.db, secret, { ttlMs: 60_000 });
    await store.authenticate(a.adminKey);
    const pending = store.authenticate(generateApiKey());
    store.reset();
    await pending;
    expect(store.size()).toBe(0);
    keyLookups.length = 0;
    await store.authenticate(a.adminKey);
    expect(keyLookups).toHaveLength(1);
    await store.close();
  });
});
