import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { type TestApp, createTestApp } from '../test-helpers';
import { type TestOrg, createOrgWithKeys, randomRequests, recordAll } from './test-helpers';

const REPORT = `query($period: FootprintPeriod!, $from: String!, $to: String!, $groupBy: [FootprintGroupBy!]) {
  footprintReport(period: $period, from: $from, to: $to, groupBy: $groupBy) {
    rows { period periodStart organizationId organizationName apiKeyId apiKeyName model
      requests tokensEstimatedShare energyWh { min max } gco2e { min max }
      methodologyVersions gridSources gridYears catalogVersions }
    totals { requests tokensEstimatedShare energyWh { min max } gco2e { min max }
      methodologyVersions gridSources gridYears catalogVersions }
    citation limits
  }
}`;

function expectClose(actual: number, expected: number) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

const SUMS = `count(*)::int as requests, count(*) filter (where tokens_estimated)::int as estimated,
  coalesce(sum(energy_wh_min), 0)::float8 as energy_min, coalesce(sum(energy_wh_max), 0)::float8 as energy_max,
  coalesce(sum(gco2e_min), 0)::float8 as gco2e_min, coalesce(sum(gco2e_max), 0)::float8 as gco2e_max`;

describe.each(testDrivers())('footprint reports on %s', (driver) => {
  let t: TestDb;
  let a: TestApp;
  let A: TestOrg;
  const sql = async <T>(text: string, params: unknown[] = []) => (await t.handle.exec(text, params)) as T[];
  const get = (path: string, key: string | null) =>
    a.app.fetch(
      new Request(`http://test${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} }),
    );

  beforeAll(async () => {
    t = await openTestDb(driver);
    a = await createTestApp(t);
    A = await createOrgWithKeys(a, 'Acme Sustainability');
    const rows = randomRequests({
      orgId: A.orgId,
      apiKeyIds: [A.readKeyId, A.adminKeyId],
      count: 120,
      start: new Date('2026-02-10T00:00:00Z'),
      days: 80,
      seed: 21,
    }).map((r, i) => ({
      ...r,
      tokensEstimated: r.modelId !== null && i % 5 === 0,
      gridSource: r.gridSource ? (i % 2 ? 'Ember (2024)' : 'EEA (2023)') : null,
      gridYear: r.gridSource ? (i % 2 ? 2024 : 2023) : null,
      catalogVersion: r.modelId ? (i < 60 ? 'aaaaaaaaaaaa' : 'aaaaaaaaaaaa+grid-1') : null,
    }));
    await recordAll(t.handle.db, rows);
  }, 120_000);
  afterAll(() => t.cleanup());

  it('totals and each month equal SQL over the request rows, with names and provenance', async () => {
    const res = await a.gql(
      REPORT,
      { period: 'MONTH', from: '2026-02-01', to: '2026-05-01', groupBy: ['API_KEY'] },
      A.readKey,
    );
    expect(res.errors).toBeUndefined();
    const r = res.data.footprintReport;
    const [tot] = await sql<Record<string, number>>(
      `select ${SUMS} from requests where org_id = $1 and created_at >= '2026-02-01' and created_at < '2026-05-01'`,
      [A.orgId],
    );
    expect(r.totals.requests).toBe(tot!.requests);
    expectClose(r.totals.energyWh.min, tot!.energy_min);
    expectClose(r.totals.energyWh.max, tot!.energy_max);
    expectClose(r.totals.gco2e.min, tot!.gco2e_min);
    expectClose(r.totals.gco2e.max, tot!.gco2e_max);
    expectClose(r.totals.tokensEstimatedShare, tot!.estimated / tot!.requests);
    expect(r.totals.gridSources).toEqual(['EEA (2023)', 'Ember (2024)']);
    expect(r.totals.gridYears).toEqual([2023, 2024]);
    expect(r.totals.methodologyVersions).toEqual(['ecologits-0.9']);
    expect(r.totals.catalogVersions).toEqual(['aaaaaaaaaaaa', 'aaaaaaaaaaaa+grid-1']);
    expect(r.citation).toMatch(
      /^Estimated with LowRouter methodology ecologits-0\.9, grid factors EEA \(2023\); Ember \(2024\), \d{4}-\d\d-\d\d$/,
    );
    expect(r.limits.length).toBeGreaterThan(2);

    const ref = await sql<Record<string, number | string>>(
      `select to_char(date_trunc('month', created_at at time zone 'UTC'), 'YYYY-MM') as period, api_key_id, ${SUMS}
         from requests where org_id = $1 and created_at >= '2026-02-01' and created_at < '2026-05-01'
         group by 1, 2 order by 1, 2`,
      [A.orgId],
    );
    expect(r.rows.map((x: any) => [x.period, x.apiKeyId, x.requests])).toEqual(
      ref.map((x) => [x.period, x.api_key_id, x.requests]),
    );
    for (const [i, x] of r.rows.entries()) {
      expectClose(x.gco2e.max, Number(ref[i]!.gco2e_max));
      expectClose(x.energyWh.min, Number(ref[i]!.energy_min));
      expect(x.organizationName).toBe('Acme Sustainability');
      expect(x.apiKeyName).toBe(x.apiKeyId === A.readKeyId ? 'READ' : 'ADMIN+READ');
    }
  });

  it('quarters and years are labelled as such; bad input is refused saying what to fix', async () => {
    const q = await a.gql(REPORT, { period: 'QUARTER', from: '2026-01-01', to: '2027-01-01' }, A.readKey);
    expect(q.data.footprintReport.rows.map((x: any) => x.period)).toEqual(['2026-Q1', '2026-Q2']);
    const y = await a.gql(REPORT, { period: 'YEAR', from: '2026-01-01', to: '2027-01-01' }, A.readKey);
    expect(y.data.footprintReport.rows.map((x: any) => x.period)).toEqual(['2026']);
    const bad = await a.gql(REPORT, { period: 'MONTH', from: '2026-02-30', to: '2026-05-01' }, A.readKey);
    expect(bad.errors?.[0]?.message).toBe('from must be a date YYYY-MM-DD, got "2026-02-30"');
    const long = await a.gql(REPORT, { period: 'YEAR', from: '2000-01-01', to: '2027-01-01' }, A.readKey);
    expect(long.errors?.[0]?.message).toMatch(/at most 10 years/);
    const anon = await a.gql(REPORT, { period: 'YEAR', from: '2026-01-01', to: '2027-01-01' }, null);
    expect(anon.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('footprint.csv has the same totals, names and provenance, and the citation line last', async () => {
    const res = await get(
      '/export/footprint.csv?from=2026-02-01&to=2026-05-01&period=month&groupBy=model,apiKey',
      A.readKey,
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'period,period_start,organization_id,organization_name,api_key_id,api_key_name,model,provider,region,country,requests,tokens_estimated_share,energy_wh_min,energy_wh_max,energy_wh_mid,gco2e_min,gco2e_max,gco2e_mid,methodology_versions,grid_sources,grid_years,catalog_versions',
    );
    expect(lines.at(-1)).toMatch(
      /^citation,"Estimated with LowRouter methodology ecologits-0\.9, grid factors/,
    );
    const total = lines.at(-2)!.split(',');
    const [tot] = await sql<Record<string, number>>(
      `select ${SUMS} from requests where org_id = $1 and created_at >= '2026-02-01' and created_at < '2026-05-01'`,
      [A.orgId],
    );
    expect(total[0]).toBe('total');
    expect(Number(total[10])).toBe(tot!.requests);
    expectClose(Number(total[16]), tot!.gco2e_max);
    expect(total[19]).toBe('EEA (2023); Ember (2024)');
    expect(lines.slice(1, -2).every((l) => l.includes('Acme Sustainability'))).toBe(true);

    for (const [path, key, status, message] of [
      ['/export/footprint.csv?from=2026-02-01&to=2026-05-01', null, 401, /needs an API key/],
      ['/export/footprint.csv?to=2026-05-01', A.readKey, 400, /from is required/],
      [
        '/export/footprint.csv?from=2026-02-01&to=2026-05-01&period=week',
        A.readKey,
        400,
        /period is month, quarter, year/,
      ],
      [
        '/export/footprint.csv?from=2026-02-01&to=2026-05-01&groupBy=planet',
        A.readKey,
        400,
        /cannot group by planet/,
      ],
      ['/export/footprint.csv?from=2026-02-01&to=2026-05-01&x=1', A.readKey, 400, /unknown parameter x/],
    ] as const) {
      const r = await get(path, key);
      expect(r.status, path).toBe(status);
      expect((await r.json()).error.message, path).toMatch(message);
    }
  });

  it('the report page takes the key in a POST body and prints totals, citation and limits', async () => {
    const form = await a.app.fetch(new Request('http://test/reports/footprint'));
    expect(form.status).toBe(200);
    expect(await form.text()).toContain('<form method="post" action="/reports/footprint"');
    const post = (body: Record<string, string>) =>
      a.app.fetch(
        new Request('http://test/reports/footprint', {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams(body).toString(),
        }),
      );
    const res = await post({ key: A.readKey, period: 'month', start: '2026-03' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const page = await res.text();
    expect(page).not.toContain(A.readKey);
    const [tot] = await sql<Record<string, number>>(
      `select ${SUMS} from requests where org_id = $1 and created_at >= '2026-03-01' and created_at < '2026-04-01'`,
      [A.orgId],
    );
    expect(page).toContain('Footprint report: 2026-03 · Acme Sustainability');
    expect(page).toContain(`<dd>${tot!.requests}</dd>`);
    expect(page).toMatch(
      /<p class="citation">Estimated with LowRouter methodology ecologits-0\.9, grid factors/,
    );
    expect(page).toContain('Inference only: training and fine-tuning are not included');
    const wrong = await post({ key: 'lr_not_a_key', period: 'month', start: '2026-03' });
    expect(wrong.status).toBe(401);
    expect(await wrong.text()).toContain('That API key is not valid');
    const badStart = await post({ key: A.readKey, period: 'month', start: 'March' });
    expect(badStart.status).toBe(400);
  });

  it('audit.csv and audit.jsonl export the trail for admins, filtered by action and actor', async () => {
    const csv = await get('/export/audit.csv?action=apiKey.*', A.adminKey);
    expect(csv.status).toBe(200);
    const lines = (await csv.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'id,created_at,organization_id,actor_key_id,action,target_type,target_id,details,prev_hash,hash',
    );
    expect(lines.slice(1)).toHaveLength(3);
    expect(lines.slice(1).every((l) => l.includes(',apiKey.create,apiKey,'))).toBe(true);
    const jsonl = await get(`/export/audit.jsonl?actor=nobody`, A.adminKey);
    expect(await jsonl.text()).toBe('');
    const all = await get('/export/audit.jsonl', A.adminKey);
    expect(all.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
    const entries = (await all.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(entries.map((e) => e.action)).toEqual(expect.arrayContaining(['apiKey.create', 'credits.grant']));
    expect(entries.every((e) => /^[0-9a-f]{64}$/.test(e.hash))).toBe(true);
    const read = await get('/export/audit.csv', A.readKey);
    expect(read.status).toBe(403);
    expect((await read.json()).error.message).toMatch(/needs the admin scope/);
    const bad = await get('/export/audit.csv?action=drop%20table', A.adminKey);
    expect(bad.status).toBe(400);
  });
});
