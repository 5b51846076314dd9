import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit } from '../../audit';
import { type TestOrg, createOrgWithKeys } from '../../analytics/test-helpers';
import { type TestDb, openTestDb, testDrivers } from '../../db/testing';
import { type TestApp, createTestApp } from '../../test-helpers';

const AUDIT = `query($orgId: ID, $first: Int, $after: String, $instanceWide: Boolean) {
  auditLog(orgId: $orgId, first: $first, after: $after, instanceWide: $instanceWide) {
    edges { node { id organizationId actorKeyId action targetType targetId details createdAt } }
    pageInfo { hasNextPage endCursor }
  }
}`;

describe.each(testDrivers())('audit log on %s', (driver) => {
  let t: TestDb;
  const FILTERED = `query($action: String, $actor: ID, $from: DateTime, $to: DateTime) {
    auditLog(first: 50, action: $action, actor: $actor, from: $from, to: $to) { edges { node { action hash prevHash } } } }`;
  let a: TestApp;
  let A: TestOrg;
  let B: TestOrg;

  beforeAll(async () => {
    t = await openTestDb(driver);
    a = await createTestApp(t);
    A = await createOrgWithKeys(a, 'Org A');
    B = await createOrgWithKeys(a, 'Org B');
    await audit(t.handle.db, {
      orgId: null,
      actorKeyId: null,
      action: 'grid.import',
      targetType: 'grid',
      targetId: null,
    });
  });
  afterAll(() => t.cleanup());

  it("an organisation admin reads its organisation's admin actions, newest first, page by page", async () => {
    const first = await a.gql(AUDIT, { first: 3 }, A.adminKey);
    expect(first.errors).toBeUndefined();
    const nodes = first.data.auditLog.edges.map((e: any) => e.node);
    expect(nodes.map((n: any) => n.action)).toEqual(['apiKey.create', 'apiKey.create', 'apiKey.create']);
    expect(nodes[0].targetId).not.toBe(nodes[1].targetId);
    expect(nodes[0].details).toEqual({ name: 'INFERENCE', scopes: ['inference'] });
    const rest = await a.gql(AUDIT, { first: 3, after: first.data.auditLog.pageInfo.endCursor }, A.adminKey);
    expect(rest.data.auditLog.edges.map((e: any) => e.node.action)).toEqual(['organization.create']);
    expect(rest.data.auditLog.pageInfo.hasNextPage).toBe(false);
  });

  it('needs the admin scope; instance-wide actions need the instance admin', async () => {
    const read = await a.gql(AUDIT, {}, A.readKey);
    expect(read.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(read.errors?.[0]?.message).toMatch(/needs the admin scope/);
    const wide = await a.gql(AUDIT, { instanceWide: true }, A.adminKey);
    expect(wide.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'instanceWide' });
    const ok = await a.gql(AUDIT, { instanceWide: true });
    // Newest first: the grid import, then the catalog import audited at start.
    expect(ok.data.auditLog.edges.map((e: any) => e.node.action)).toEqual(['grid.import', 'catalog.import']);
  });

  it('filters by action (name or prefix.*), actor and date', async () => {
    const byAction = await a.gql(FILTERED, { action: 'organization.*' }, A.adminKey);
    expect(byAction.data.auditLog.edges.map((e: any) => e.node.action)).toEqual(['organization.create']);
    const none = await a.gql(FILTERED, { actor: 'key_nobody' }, A.adminKey);
    expect(none.data.auditLog.edges).toEqual([]);
    const future = await a.gql(FILTERED, { from: '2999-01-01T00:00:00Z' }, A.adminKey);
    expect(future.data.auditLog.edges).toEqual([]);
    const all = await a.gql(FILTERED, { to: '2999-01-01T00:00:00Z' }, A.adminKey);
    expect(all.data.auditLog.edges.every((e: any) => /^[0-9a-f]{64}$/.test(e.node.hash))).toBe(true);
  });

  it("isolation: a key of organisation B sees nothing of A's audit trail, and cannot name A", async () => {
    const mine = await a.gql(AUDIT, { first: 200 }, B.adminKey);
    const orgIds = new Set(mine.data.auditLog.edges.map((e: any) => e.node.organizationId));
    expect([...orgIds]).toEqual([B.orgId]);
    const cross = await a.gql(AUDIT, { orgId: A.orgId }, B.adminKey);
    expect(cross.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const admin = await a.gql(AUDIT, { orgId: A.orgId, first: 200 });
    expect(admin.data.auditLog.edges).toHaveLength(4);
  });
});
