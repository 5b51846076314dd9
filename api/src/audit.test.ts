import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENESIS_HASH, audit, auditConfigChange, canonicalJson, verifyAuditChain } from './audit';
import { grantCredit } from './billing/ledger';
import { type TestDb, openTestDb, testDrivers } from './db/testing';

const root = fileURLToPath(new URL('../../', import.meta.url));

function cli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const { DATABASE_URL: _, ...base } = process.env;
    const child = spawn(`${root}node_modules/.bin/tsx`, ['api/src/cli.ts', 'audit', ...args], {
      cwd: root,
      env: { ...base, LOWROUTER_LOG_LEVEL: 'silent', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * What a superuser can do behind the triggers' back: one session with replication role `replica`,
 * in which ordinary triggers do not fire.
 */
function withTriggersDisabled(t: TestDb, statement: string) {
  return t.handle.withDedicatedConnection(async (db) => {
    await db.execute(sql`set session_replication_role = replica`);
    try {
      await db.execute(sql.raw(statement));
    } finally {
      await db.execute(sql`set session_replication_role = origin`);
    }
  });
}

const entry = (i: number) => ({
  orgId: 'org_a',
  actorKeyId: 'key_admin',
  action: 'apiKey.create',
  targetType: 'apiKey',
  targetId: `key_${i}`,
  details: { name: `key ${i}`, scopes: ['read'], nested: { z: 1, a: [true, null] } },
});

describe('canonical JSON', () => {
  it('sorts keys at every depth and drops undefined, so equal values hash equally', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, { y: 2, x: 1 }], c: undefined } })).toBe(
      '{"a":{"d":[1,{"x":1,"y":2}]},"b":1}',
    );
  });
});

describe.each(testDrivers())('audit hash chain on %s', (driver) => {
  let t: TestDb;
  beforeAll(async () => {
    t = await openTestDb(driver, { maxConnections: 8 });
    await t.handle.exec(`insert into organizations (id, name) values ('org_a', 'A')`);
  });
  afterAll(() => t.cleanup());

  it('every entry links to the one before it and the chain verifies', async () => {
    for (let i = 0; i < 3; i++) await audit(t.handle.db, entry(i));
    await grantCredit(t.handle.db, {
      orgId: 'org_a',
      amountMicro: 5_000_000,
      kind: 'grant',
      note: 'welcome',
      actorKeyId: 'key_admin',
    });
    const rows = (await t.handle.exec('select id, prev_hash, hash, action from audit_log order by id')) as {
      id: number;
      prev_hash: string;
      hash: string;
      action: string;
    }[];
    expect(rows.map((r) => r.action)).toEqual([
      'apiKey.create',
      'apiKey.create',
      'apiKey.create',
      'credits.grant',
    ]);
    expect(rows[0]!.prev_hash).toBe(GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    const r = await verifyAuditChain(t.handle.db);
    expect(r).toMatchObject({ ok: true, checked: 4, unchained: 0, head: rows[3]!.hash, firstBroken: null });
  });

  it('the database refuses UPDATE, DELETE and TRUNCATE on the audit table', async () => {
    await expect(t.handle.exec(`update audit_log set action = 'nothing.happened'`)).rejects.toThrow(
      /audit_log is append-only/,
    );
    await expect(t.handle.exec('delete from audit_log')).rejects.toThrow(/audit_log is append-only/);
    await expect(t.handle.exec('truncate audit_log')).rejects.toThrow(/audit_log is append-only/);
    expect((await verifyAuditChain(t.handle.db)).ok).toBe(true);
  });

  it('configuration that affects billing or routing is audited once per change', async () => {
    expect(await auditConfigChange(t.handle.db, { feePercent: 5 })).toBe(true);
    expect(await auditConfigChange(t.handle.db, { feePercent: 5 })).toBe(false);
    expect(await auditConfigChange(t.handle.db, { feePercent: 7 })).toBe(true);
    const [last] = (await t.handle.exec(
      `select details from audit_log where action = 'config.change' order by id desc limit 1`,
    )) as { details: unknown }[];
    expect(last!.details).toEqual({ from: { feePercent: 5 }, to: { feePercent: 7 } });
  });

  it('concurrent appends from many connections keep one linear chain', async () => {
    const before = await verifyAuditChain(t.handle.db);
    await Promise.all(Array.from({ length: 40 }, (_, i) => audit(t.handle.db, entry(100 + i))));
    const r = await verifyAuditChain(t.handle.db);
    expect(r).toMatchObject({ ok: true, checked: before.checked + 40 });
    const [forks] = (await t.handle.exec(
      'select count(*)::int as n, count(distinct prev_hash)::int as distinct_prev from audit_log',
    )) as { n: number; distinct_prev: number }[];
    expect(forks!.distinct_prev).toBe(forks!.n);
  });

  it('a change made with the triggers disabled is found, at the entry changed', async () => {
    const [target] = (await t.handle.exec(`select id from audit_log where target_id = 'key_1'`)) as {
      id: number;
    }[];
    await withTriggersDisabled(
      t,
      `update audit_log set details = '{"name":"renamed"}' where id = ${Number(target!.id)}`,
    );
    const r = await verifyAuditChain(t.handle.db);
    expect(r.ok).toBe(false);
    expect(r.firstBroken).toMatchObject({ id: Number(target!.id) });
    expect(r.firstBroken!.problem).toMatch(/content does not match its hash.*changed after it was written/);
  });
});

describe('lowrouter audit verify', () => {
  const dir = mkdtempSync(join(tmpdir(), 'lowrouter-audit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('--help exits 0 without touching a database; unknown options exit 2', async () => {
    const help = await cli(['verify', '--help'], { LOWROUTER_DATA_DIR: join(dir, 'never') });
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/usage: lowrouter audit verify/);
    const bad = await cli(['verify', '--fix'], { LOWROUTER_DATA_DIR: join(dir, 'never') });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown option --fix/);
  });

  it('reports the entry after a deleted one (triggers disabled) and exits 1', async () => {
    const dataDir = join(dir, 'db');
    let t = await openTestDb('pglite', { dataDir });
    for (let i = 0; i < 5; i++) await audit(t.handle.db, entry(i));
    await t.cleanup();

    const intact = await cli(['verify'], { LOWROUTER_DATA_DIR: dataDir });
    expect(intact.code).toBe(0);
    expect(intact.stdout).toMatch(/audit chain intact: 5 entries verified\nhead [0-9a-f]{64}/);

    t = await openTestDb('pglite', { dataDir });
    const rows = (await t.handle.exec('select id from audit_log order by id')) as { id: number }[];
    const [deleted, next] = [Number(rows[2]!.id), Number(rows[3]!.id)];
    await expect(t.handle.exec('delete from audit_log where id = $1', [deleted])).rejects.toThrow(
      /append-only/,
    );
    await withTriggersDisabled(t, `delete from audit_log where id = ${deleted}`);
    await t.cleanup();

    const broken = await cli(['verify'], { LOWROUTER_DATA_DIR: dataDir });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(
      new RegExp(
        `audit chain BROKEN at entry ${next} \\(\\d{4}-\\d\\d-\\d\\dT[^)]+\\): prev_hash is [0-9a-f]{12}… but entry ${deleted - 1} hashes to [0-9a-f]{12}…: an entry between them was removed`,
      ),
    );
    const json = await cli(['verify', '--json'], { LOWROUTER_DATA_DIR: dataDir });
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, checked: 2, firstBroken: { id: next } });
  }, 120_000);
});
