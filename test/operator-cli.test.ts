/**
 * The operator CLI run as a user runs it: on the embedded database directly when no process owns it,
 * and through the running gateway's API (with the admin key) when one does. Every change goes through
 * the same GraphQL resolvers as the API, so it is validated, on the ledger and audited alike.
 */
import { rmSync } from 'node:fs';
import { recordRequest } from '@lowrouter/api/billing/record';
import { testRow } from '@lowrouter/api/billing/test-support';
import { apiKeys, auditLog, creditLedger } from '@lowrouter/api/db/schema';
import { asc, eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { prepareDb } from './helpers/prepare-db';
import { runCli } from './helpers/run-cli';
import { type SpawnedGateway, spawnGateway } from './helpers/spawn-gateway';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const gql = async (url: string, query: string, key: string) => {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query }),
  });
  return (await res.json()) as any;
};

describe('lowrouter orgs/keys/credits/usage on the database directly', () => {
  it('creates an organisation, credits it in dollars, makes and revokes a key, and tabulates usage, all audited', async () => {
    const prepared = await prepareDb('pglite', 5_000_000);
    const dir = prepared.env.LOWROUTER_DATA_DIR!;
    const env = { LOWROUTER_DATA_DIR: dir };
    try {
      // Two days of traffic on org_default, recorded as the gateway records it.
      const db = await prepared.open();
      try {
        const eco = (wh: number) => ({
          energyWhMin: wh,
          energyWhMax: wh * 2,
          gco2eMin: wh / 10,
          gco2eMax: wh / 5,
        });
        const day1 = new Date('2026-11-20T09:00:00Z');
        const day2 = new Date('2026-11-21T18:00:00Z');
        const base = { apiKeyId: 'key_x', providerId: 'openai', regionId: 'openai-us' };
        await recordRequest(db.db, {
          reservedMicro: 0,
          row: testRow('req_1', 'org_default', 120_000, {
            ...base,
            createdAt: day1,
            modelId: 'gpt-4o-mini',
            inputTokens: 1000,
            outputTokens: 200,
            ...eco(0.5),
          }),
        });
        await recordRequest(db.db, {
          reservedMicro: 0,
          row: testRow('req_2', 'org_default', 30_000, {
            ...base,
            createdAt: day1,
            modelId: 'claude-haiku',
            inputTokens: 500,
            outputTokens: 100,
            ...eco(0.25),
          }),
        });
        await recordRequest(db.db, {
          reservedMicro: 0,
          row: testRow('req_3', 'org_default', 50_000, {
            ...base,
            createdAt: day2,
            modelId: 'gpt-4o-mini',
            inputTokens: 300,
            outputTokens: 50,
            ...eco(1),
          }),
        });
      } finally {
        await db.close();
      }

      const balance = await runCli(['credits', 'balance'], env);
      expect(balance.stdout).toBe(
        'org_default: balance 4.80 USD, held by requests in flight 0.00 USD, available 4.80 USD\n',
      );

      const org = await runCli(['orgs', 'create', '--name', 'Acme'], env);
      expect(org.code).toBe(0);
      const orgId = /^created organisation (org_\w+) \(Acme\)\n/.exec(org.stdout)?.[1];
      expect(orgId).toBeDefined();
      expect(org.stdout).toContain(`pnpm lowrouter credits grant --org ${orgId} --usd 10`);

      const grant = await runCli(
        ['credits', 'grant', '--org', orgId!, '--usd', '0.25', '--note', 'first grant'],
        env,
      );
      expect(grant.stderr).toBe('');
      expect(grant.stdout).toMatch(
        new RegExp(`^granted 0.25 USD to ${orgId} \\(ledger entry \\d+\\); balance now 0.25 USD\\n$`),
      );
      const tooFine = await runCli(['credits', 'grant', '--org', orgId!, '--usd', '1.1234567'], env);
      expect(tooFine.code).toBe(2);
      expect(tooFine.stderr).toContain('--usd takes an amount in dollars with at most 6 decimals');
      const nobody = await runCli(['credits', 'grant', '--org', 'org_nope', '--usd', '1'], env);
      expect(nobody.code).toBe(1);
      expect(nobody.stderr).toBe('lowrouter credits grant: no organisation org_nope\n');

      const created = await runCli(
        ['keys', 'create', '--org', orgId!, '--name', 'ci', '--scopes', 'read,inference'],
        env,
      );
      expect(created.code).toBe(0);
      const key = /\n {2}(lr_[0-9A-Za-z]{43})\n/.exec(created.stdout)?.[1];
      const keyId = /^created key (key_\w+) \(ci\) for /.exec(created.stdout)?.[1];
      expect(key && keyId).toBeTruthy();
      expect(created.stdout).toContain('Shown once');
      const revoked = await runCli(['keys', 'revoke', keyId!], env);
      expect(revoked.stdout).toMatch(new RegExp(`^revoked key ${keyId} `));
      // Listed with its prefix, never the key; revoked keys only with --all.
      const listed = await runCli(['keys', 'list', '--org', orgId!, '--all'], env);
      expect(listed.stdout).toMatch(new RegExp(`^${keyId} +${key!.slice(0, 7)}… +ci +read,inference `, 'm'));
      expect(listed.stdout).not.toContain(key);

      const byDay = await runCli(['usage', '--from', '2026-11-20', '--to', '2026-11-21'], env);
      expect(byDay.stderr).toBe('');
      expect(byDay.stdout).toMatchInlineSnapshot(`
        "Usage of org_default, 2026-11-20 to 2026-11-21 (UTC, inclusive), by day:
        DAY         REQUESTS  ERRORS  INPUT TOKENS  OUTPUT TOKENS  COST USD  ENERGY Wh       gCO2e
        2026-11-20         2       0          1500            300      0.15   0.75-1.5  0.075-0.15
        2026-11-21         1       0           300             50      0.05        1-2     0.1-0.2
        TOTAL              3       0          1800            350      0.20   1.75-3.5  0.175-0.35
        Energy and gCO2e (usage phase) are estimates, shown min-max.
        "
      `);
      const byModel = await runCli(
        ['usage', '--from', '2026-11-20', '--to', '2026-11-20', '--by', 'model'],
        env,
      );
      expect(byModel.stdout).toMatchInlineSnapshot(`
        "Usage of org_default, 2026-11-20 to 2026-11-20 (UTC, inclusive), by model:
        MODEL         REQUESTS  ERRORS  INPUT TOKENS  OUTPUT TOKENS  COST USD  ENERGY Wh       gCO2e
        gpt-4o-mini          1       0          1000            200      0.12      0.5-1    0.05-0.1
        claude-haiku         1       0           500            100      0.03   0.25-0.5  0.025-0.05
        TOTAL                2       0          1500            300      0.15   0.75-1.5  0.075-0.15
        Energy and gCO2e (usage phase) are estimates, shown min-max.
        "
      `);

      // Stored hashed, on the ledger, and audited with the CLI as the actor.
      const check = await prepared.open();
      try {
        const [row] = await check.db.select().from(apiKeys).where(eq(apiKeys.id, keyId!));
        expect(row!.keyHash).not.toContain(key!.slice(3));
        expect(row!.revokedAt).not.toBeNull();
        const ledger = await check.db.select().from(creditLedger).where(eq(creditLedger.orgId, orgId!));
        expect(ledger.map((e) => [e.kind, e.amountMicro, e.actorKeyId, e.note])).toEqual([
          ['grant', 250_000, 'cli', 'first grant'],
        ]);
        const trail = await check.db
          .select()
          .from(auditLog)
          .where(eq(auditLog.actorKeyId, 'cli'))
          .orderBy(asc(auditLog.id));
        expect(trail.map((a) => [a.action, a.orgId])).toEqual([
          ['organization.create', orgId],
          ['credits.grant', orgId],
          ['apiKey.create', orgId],
          ['apiKey.revoke', orgId],
        ]);
      } finally {
        await check.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 600_000);
});

describe('lowrouter against a running gateway', () => {
  it('ends the start banner with the grant command, which works through the gateway; without the key it refuses naming the process', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'lowrouter-opcli-'));
    let gateway: SpawnedGateway | undefined;
    try {
      const dir = join(tmp, 'data');
      gateway = await spawnGateway({ LOWROUTER_DATA_DIR: dir }, 240_000);
      const adminKey = /\n {2}(lr_[0-9A-Za-z]{43})\n/.exec(gateway.stdout())![1]!;
      const last = gateway.stdout().trimEnd().split('\n').at(-1)!;
      expect(last).toBe(
        `  LOWROUTER_ADMIN_KEY=${adminKey} pnpm lowrouter credits grant --org org_default --usd 10`,
      );

      const refused = await runCli(['credits', 'balance'], { LOWROUTER_DATA_DIR: dir });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toContain(
        `in use by process ${gateway.child.pid} (lowrouter start, serving ${gateway.url})`,
      );
      expect(refused.stderr).toContain('set LOWROUTER_ADMIN_KEY');

      // The banner's command, as printed.
      const [, keyVar, words] = /^ {2}LOWROUTER_ADMIN_KEY=(\S+) pnpm lowrouter (.+)$/.exec(last)!;
      const env = { LOWROUTER_DATA_DIR: dir, LOWROUTER_ADMIN_KEY: keyVar };
      const grant = await runCli(words!.split(' '), env);
      expect(grant.stderr).toBe('');
      expect(grant.stdout).toMatch(
        /^granted 10.00 USD to org_default \(ledger entry \d+\); balance now 10.00 USD\n$/,
      );
      const credits = await gql(
        gateway.url,
        '{ credits { availableUsd } auditLog(first: 5) { edges { node { action actorKeyId } } } }',
        adminKey,
      );
      expect(credits.data.credits.availableUsd).toBe(10);
      expect(credits.data.auditLog.edges[0].node.action).toBe('credits.grant');

      const created = await runCli(
        ['keys', 'create', '--org', 'org_default', '--name', 'reader', '--scopes', 'read'],
        env,
      );
      const key = /\n {2}(lr_[0-9A-Za-z]{43})\n/.exec(created.stdout)![1]!;
      const keyId = /^created key (key_\w+) /.exec(created.stdout)![1]!;
      expect((await gql(gateway.url, '{ credits { balanceUsd } }', key)).data.credits.balanceUsd).toBe(10);
      expect((await runCli(['keys', 'revoke', keyId], env)).code).toBe(0);
      expect((await gql(gateway.url, '{ credits { balanceUsd } }', key)).errors).toBeDefined();

      const orgs = await runCli(['orgs', 'list'], env);
      expect(orgs.stdout).toMatch(/^org_default +Default organization +\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/m);

      const usage = await runCli(['usage'], env);
      expect(usage.code).toBe(0);
      expect(usage.stdout).toMatch(/^TOTAL +0 +0 +0 +0 +0.00 +0 +0$/m);
    } finally {
      if (gateway) {
        gateway.child.kill('SIGTERM');
        await gateway.exited;
      }
      rmSync(tmp, { recursive: true, force: true });
    }
  }, 600_000);
});
