import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeyStore } from '../auth/key-store';
import { ensureKeySecret } from '../auth/bootstrap';
import { apiKeys, auditLog } from '../db/schema';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { type TestApp, createTestApp } from '../test-helpers';

const CREATE_KEY = `mutation($orgId: ID, $name: String!, $scopes: [ApiKeyScope!]!) {
  createApiKey(orgId: $orgId, name: $name, scopes: $scopes) {
    __typename
    ... on CreateApiKeySuccess { key apiKey { id prefix scopes } }
    ... on Error { message }
  }
}`;

describe.each(testDrivers())('organisations and API keys on %s', (driver) => {
  let t: TestDb;
  let a: TestApp;
  beforeAll(async () => {
    t = await openTestDb(driver);
    a = await createTestApp(t);
  });
  afterAll(() => t.cleanup());

  it('viewer tells the bootstrap key who it is', async () => {
    const res = await a.gql('{ viewer { organization { id name } apiKey { id scopes instanceAdmin } } }');
    expect(res.data.viewer.organization.id).toBe('org_default');
    expect(res.data.viewer.apiKey.scopes).toEqual(['INFERENCE', 'READ', 'ADMIN']);
    expect(res.data.viewer.apiKey.instanceAdmin).toBe(true);
  });

  it('viewer is null without a key, and a wrong key gets 401 with a message saying what to send', async () => {
    expect((await a.gql('{ viewer { apiKey { id } } }', {}, null)).data.viewer).toBeNull();
    const bad = await a.gql('{ viewer { apiKey { id } } }', {}, `lr_${'x'.repeat(43)}`);
    expect(bad.status).toBe(401);
    expect(bad.errors?.[0]?.message).toMatch(/invalid or revoked API key/);
  });

  it('the instance admin creates an organisation and a key for it; the key is shown once and stored hashed', async () => {
    const org = await a.gql(
      'mutation { createOrganization(name: "Acme") { __typename ... on CreateOrganizationSuccess { organization { id } } } }',
    );
    expect(org.data.createOrganization.__typename).toBe('CreateOrganizationSuccess');
    const orgId = org.data.createOrganization.organization.id;

    const res = await a.gql(CREATE_KEY, { orgId, name: 'acme admin', scopes: ['ADMIN', 'READ'] });
    expect(res.data.createApiKey.__typename).toBe('CreateApiKeySuccess');
    const { key, apiKey } = res.data.createApiKey;
    expect(key).toMatch(/^lr_[0-9A-Za-z]{43}$/);
    expect(apiKey.scopes).toEqual(['ADMIN', 'READ']);

    const who = await a.gql('{ viewer { organization { id name } } }', {}, key);
    expect(who.data.viewer.organization).toEqual({ id: orgId, name: 'Acme' });

    const rows = await t.handle.db.execute(sql`select * from api_keys`);
    expect(JSON.stringify(rows)).not.toContain(key);
    const audits = await t.handle.db.select().from(auditLog).where(eq(auditLog.targetId, apiKey.id));
    expect(audits.map((x) => x.action)).toEqual(['apiKey.create']);

    // An organisation admin cannot create organisations nor act on another organisation.
    const denied = await a.gql(
      'mutation { createOrganization(name: "Evil") { __typename ... on Error { message } } }',
      {},
      key,
    );
    expect(denied.data.createOrganization).toEqual({
      __typename: 'Forbidden',
      message: 'only the instance admin can create organisations',
    });
    const cross = await a.gql(CREATE_KEY, { orgId: 'org_default', name: 'sneaky', scopes: ['ADMIN'] }, key);
    expect(cross.data.createApiKey.__typename).toBe('Forbidden');
  });

  it('a key without the admin scope gets a typed Forbidden, and bad input a typed InvalidInput', async () => {
    const created = await a.gql(CREATE_KEY, { name: 'inference only', scopes: ['INFERENCE'] });
    const key = created.data.createApiKey.key;
    const res = await a.gql(CREATE_KEY, { name: 'x', scopes: ['READ'] }, key);
    expect(res.data.createApiKey).toEqual({
      __typename: 'Forbidden',
      message: 'this needs the admin scope; the key has inference',
    });
    const empty = await a.gql(
      `mutation { createApiKey(name: "  ", scopes: [READ]) { __typename ... on InvalidInput { field message } } }`,
    );
    expect(empty.data.createApiKey).toMatchObject({ __typename: 'InvalidInput', field: 'name' });
  });

  it('revocation takes effect at once on the node that revoked', async () => {
    const created = await a.gql(CREATE_KEY, { name: 'to revoke', scopes: ['READ'] });
    const { key, apiKey } = created.data.createApiKey;
    expect((await a.gql('{ viewer { apiKey { id } } }', {}, key)).data.viewer.apiKey.id).toBe(apiKey.id);
    const rev = await a.gql(
      `mutation { revokeApiKey(id: "${apiKey.id}") { __typename ... on RevokeApiKeySuccess { apiKey { revokedAt } } } }`,
    );
    expect(rev.data.revokeApiKey.apiKey.revokedAt).toBeTruthy();
    expect((await a.gql('{ viewer { apiKey { id } } }', {}, key)).status).toBe(401);
  });

  it('revocation reaches another node within its 1 s cache', async () => {
    const created = await a.gql(CREATE_KEY, { name: 'two nodes', scopes: ['READ'] });
    const { key, apiKey } = created.data.createApiKey;
    let clock = 0;
    const secret = await ensureKeySecret(t.handle.db, a.config);
    const other = createKeyStore(t.handle.db, secret, { ttlMs: 1_000, now: () => clock });
    expect(await other.authenticate(key)).not.toBeNull();
    await t.handle.db.update(apiKeys).set({ revokedAt: new Date() }).where(eq(apiKeys.id, apiKey.id));
    clock = 999;
    expect(await other.authenticate(key)).not.toBeNull();
    clock = 1_000;
    expect(await other.authenticate(key)).toBeNull();
    await other.close();
  });

  it('records last_used_at in one batched write, not per request', async () => {
    const created = await a.gql(CREATE_KEY, { name: 'usage', scopes: ['READ'] });
    const { key, apiKey } = created.data.createApiKey;
    const secret = await ensureKeySecret(t.handle.db, a.config);
    const store = createKeyStore(t.handle.db, secret, {
      ttlMs: 60_000,
      now: () => Date.parse('2026-11-21T10:00:00Z'),
    });
    for (let i = 0; i < 5; i++) await store.authenticate(key);
    const [before] = await t.handle.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(before!.lastUsedAt).toBeNull();
    await store.flushLastUsed();
    const [after] = await t.handle.db.select().from(apiKeys).where(eq(apiKeys.id, apiKey.id));
    expect(after!.lastUsedAt?.toISOString()).toBe('2026-11-21T10:00:00.000Z');
    await store.close();
  });
});
