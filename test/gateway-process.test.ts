import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, onTestFinished } from 'vitest';
import { spawnGateway } from './helpers/spawn-gateway';

/** A data directory removed when the test ends, passed or not. */
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 200 }));
  return dir;
}

const gql = async (url: string, query: string, key?: string) => {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as any;
};

describe('the gateway process on the embedded database', () => {
  it('starts on an empty data dir, prints the generated admin key once, and stops cleanly on SIGTERM', async () => {
    const dir = tempDir('lowrouter-proc-');
    const first = await spawnGateway({ LOWROUTER_DATA_DIR: dir });
    const key = /\n {2}(lr_[0-9A-Za-z]{43})\n/.exec(first.stdout())?.[1];
    expect(key).toBeDefined();
    expect((await fetch(`${first.url}/readyz`)).status).toBe(200);
    const who = await gql(first.url, '{ viewer { organization { id } } }', key);
    expect(who.data.viewer.organization.id).toBe('org_default');
    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);

    // A warm restart reuses the data dir and never prints the key again.
    const second = await spawnGateway({ LOWROUTER_DATA_DIR: dir });
    expect(second.stdout()).not.toContain('lr_');
    expect(
      (await gql(second.url, '{ viewer { organization { id } } }', key)).data.viewer.organization.id,
    ).toBe('org_default');
    second.child.kill('SIGINT');
    expect(await second.exited).toBe(0);
  });

  it('recovers after kill -9 without losing committed rows', async () => {
    const dir = tempDir('lowrouter-crash-');
    const first = await spawnGateway({ LOWROUTER_DATA_DIR: dir });
    const key = /\n {2}(lr_[0-9A-Za-z]{43})\n/.exec(first.stdout())![1]!;
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await gql(
        first.url,
        `mutation { createOrganization(name: "org ${i}") { ... on CreateOrganizationSuccess { organization { id } } } }`,
        key,
      );
      ids.push(res.data.createOrganization.organization.id);
    }
    first.child.kill('SIGKILL');
    expect(await first.exited).toBe('SIGKILL');

    const second = await spawnGateway({ LOWROUTER_DATA_DIR: dir });
    const orgs = await gql(second.url, '{ organizations { id } }', key);
    expect(orgs.data.organizations.map((o: any) => o.id)).toEqual(expect.arrayContaining(ids));
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
