import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { dropExpiredPartitions, ensurePartitions, listPartitions, maintainPartitions } from './partitions';
import { randomRequests, recordAll } from './test-helpers';
import { queryUsage } from './usage-query';

const NOW = new Date('2026-06-15T10:00:00Z');

describe.each(testDrivers())('request partitions on %s', (driver) => {
  let t: TestDb;
  const where = async (id: string) =>
    (await t.handle.exec('select tableoid::regclass::text as p from requests where id = $1', [id]))[0]?.p;
  const rollupTotals = () =>
    t.handle.exec(
      `select sum(requests)::float8 as requests, sum(input_tokens)::float8 as input, sum(charge_micro)::float8 as charge
         from usage_daily`,
    );

  beforeAll(async () => {
    t = await openTestDb(driver);
    await t.handle.exec(`insert into organizations (id, name) values ('org_p', 'P')`);
  });
  afterAll(() => t.cleanup());

  it('the migration leaves requests partitioned by range with only a default partition', async () => {
    const [parent] = await t.handle.exec(
      `select pg_get_partkeydef('requests'::regclass) as key, (select count(*)::int from pg_inherits where inhparent = 'requests'::regclass) as parts`,
    );
    expect(parent).toEqual({ key: 'RANGE (created_at)', parts: 1 });
    expect(await listPartitions(t.handle)).toEqual([]);
  });

  it('rows written before their month had a partition are moved into it, with the indexes', async () => {
    const [march] = randomRequests({
      orgId: 'org_p',
      apiKeyIds: ['key_p'],
      count: 1,
      start: new Date('2026-03-05T00:00:00Z'),
      days: 1,
      seed: 3,
    });
    await recordAll(t.handle.db, [march!]);
    expect(await where(march!.id)).toBe('requests_default');

    const created = await ensurePartitions(t.handle, NOW, 2);
    // The month with stray rows, the current one and two ahead: not every month in between.
    expect(created).toEqual(['requests_p202603', 'requests_p202606', 'requests_p202607', 'requests_p202608']);
    expect(await where(march!.id)).toBe('requests_p202603');
    const indexes = await t.handle.exec(
      `select indexdef from pg_indexes where tablename = 'requests_p202603' order by indexdef`,
    );
    expect(indexes).toHaveLength(4);
    expect(indexes.some((i) => String(i.indexdef).includes("WHERE (status <> 'ok'::text)"))).toBe(true);
    expect(await ensurePartitions(t.handle, NOW, 2)).toEqual([]);
  });

  it('new rows land in the partition of their UTC month (or the default one until it exists)', async () => {
    const rows = randomRequests({
      orgId: 'org_p',
      apiKeyIds: ['key_p'],
      count: 120,
      start: new Date('2026-03-01T00:00:00Z'),
      days: 150,
      seed: 4,
    });
    await recordAll(t.handle.db, rows);
    const aprilRow = rows.find((r) => r.createdAt.toISOString().startsWith('2026-04'))!;
    expect(await where(aprilRow.id)).toBe('requests_default');
    expect(await ensurePartitions(t.handle, NOW, 2)).toEqual(['requests_p202604', 'requests_p202605']);
    expect(await where(aprilRow.id)).toBe('requests_p202604');
    const placed = await t.handle.exec(
      `select tableoid::regclass::text as p, to_char(created_at at time zone 'UTC', 'YYYYMM') as m, count(*)::int as n
         from requests group by 1, 2 order by 2`,
    );
    for (const r of placed) {
      if (String(r.m) <= '202608') expect(r.p).toBe(`requests_p${r.m}`);
      else expect(r.p).toBe('requests_default');
    }
    expect(placed.reduce((s, r) => s + Number(r.n), 0)).toBe(121);
  });

  it('retention drops whole old months and leaves usage_daily, and so day-level usage, intact', async () => {
    const before = await rollupTotals();
    const usageBefore = await queryUsage(t.handle.db, { orgId: 'org_p', filter: {}, groupBy: ['month'] });
    expect(await dropExpiredPartitions(t.handle, NOW, 0)).toEqual([]);

    const { created, dropped } = await maintainPartitions(t.handle, { now: NOW, retentionMonths: 2 });
    expect(created).toEqual([]);
    // June is current; April and May are the two full months kept; March goes.
    expect(dropped).toEqual(['requests_p202603']);
    expect((await listPartitions(t.handle)).map((p) => p.name)).toEqual([
      'requests_p202604',
      'requests_p202605',
      'requests_p202606',
      'requests_p202607',
      'requests_p202608',
    ]);
    const [{ n }] = (await t.handle.exec(
      `select count(*)::int as n from requests where created_at < '2026-04-01T00:00:00Z'`,
    )) as [{ n: number }];
    expect(n).toBe(0);

    expect(await rollupTotals()).toEqual(before);
    const usageAfter = await queryUsage(t.handle.db, { orgId: 'org_p', filter: {}, groupBy: ['month'] });
    expect(usageAfter).toEqual(usageBefore);
    expect(usageAfter[0]).toMatchObject({ month: '2026-03-01' });
  });
});
