import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/key-store';
import { type TestDb, openTestDb, testDrivers } from '../db/testing';
import { type TestApp, createTestApp } from '../test-helpers';
import { csvRow } from './csv';
import { handleExport } from './export';
import { type TestOrg, createOrgWithKeys, randomRequests, recordAll } from './test-helpers';

/** A strict RFC 4180 reader: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch !== '"') field += ch;
      else if (text[i + 1] === '"') {
        field += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      row.push(field);
      field = '';
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else if (ch === '\n' || ch === '\r') throw new Error(`bare line break at ${i}`);
    else field += ch;
  }
  if (field || row.length) throw new Error('last record does not end with CRLF');
  return rows;
}

describe('csv', () => {
  it('quotes fields with commas, quotes and line breaks, and ends records with CRLF', () => {
    expect(csvRow(['plain', 'a,b', 'say "hi"', 'two\nlines', null, 3, true])).toBe(
      'plain,"a,b","say ""hi""","two\nlines",,3,true\r\n',
    );
  });
});

describe.each(testDrivers())('CSV export on %s', (driver) => {
  let t: TestDb;
  let a: TestApp;
  let A: TestOrg;
  let B: TestOrg;
  let pa: Principal;
  let pb: Principal;

  const get = (path: string, principal: Principal | null, chunkSize?: number) =>
    handleExport(new Request(`http://test${path}`), { db: t.handle.db, principal, chunkSize });

  beforeAll(async () => {
    t = await openTestDb(driver);
    a = await createTestApp(t);
    A = await createOrgWithKeys(a, 'Org A');
    B = await createOrgWithKeys(a, 'Org B');
    pa = (await a.keys.authenticate(A.readKey))!;
    pb = (await a.keys.authenticate(B.adminKey))!;
    const start = new Date('2026-04-01T00:00:00Z');
    const rows = randomRequests({
      orgId: A.orgId,
      apiKeyIds: [A.readKeyId],
      count: 60,
      start,
      days: 10,
      seed: 11,
    });
    rows[0]!.requestedModel = 'evil, "quoted"\r\nmodel';
    await recordAll(t.handle.db, [
      ...rows,
      ...randomRequests({ orgId: B.orgId, apiKeyIds: [B.readKeyId], count: 9, start, days: 10, seed: 12 }),
    ]);
  });
  afterAll(() => t.cleanup());

  it('requests.csv streams every row in keyset chunks, newest first, with a header and exact money', async () => {
    const res = await get('/export/requests.csv', pa, 7);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="requests.csv"');
    const reader = res.body!.getReader();
    let chunks = 0;
    let text = '';
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks++;
      text += new TextDecoder().decode(value);
    }
    expect(chunks).toBeGreaterThanOrEqual(10); // header + 60 rows in pages of 7
    const [header, ...rows] = parseCsv(text);
    expect(header!.slice(0, 6)).toEqual([
      'id',
      'created_at',
      'status',
      'error_kind',
      'finish_reason',
      'requested_model',
    ]);
    const expected = await t.handle.exec(
      `select id, charge_micro::text as charge, requested_model from requests where org_id = $1 order by created_at desc, id desc`,
      [A.orgId],
    );
    expect(rows.map((r) => r[0])).toEqual(expected.map((r) => r.id));
    const col = (name: string) => header!.indexOf(name);
    // How the serving region's location is known travels with the row; embodied carbon does not
    // (no defensible per-token figure: it stays in the stored inputs only).
    expect(header!.slice(col('country'), col('country') + 2)).toEqual(['country', 'location_basis']);
    expect(header!.filter((h) => /embodied/.test(h))).toEqual([]);
    rows.forEach((r, i) => {
      expect(Math.round(Number(r[col('cost_usd')]) * 1e6)).toBe(Number(expected[i]!.charge));
      expect(r[col('requested_model')]).toBe(expected[i]!.requested_model);
      expect(r[col('created_at')]).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/);
    });
    expect(rows.some((r) => r[col('requested_model')] === 'evil, "quoted"\r\nmodel')).toBe(true);
  });

  it('requests.csv takes the same filters as the requests query', async () => {
    const res = await get(
      '/export/requests.csv?status=error&from=2026-04-03T00:00:00Z&to=2026-04-08T12:00:00Z&models=gpt-4o-mini,llama-70b&models=claude-haiku',
      pa,
    );
    const [, ...rows] = parseCsv(await res.text());
    const expected = await t.handle.exec(
      `select id from requests where org_id = $1 and status <> 'ok' and created_at >= '2026-04-03T00:00:00Z'
         and created_at < '2026-04-08T12:00:00Z' and model_id in ('gpt-4o-mini', 'llama-70b', 'claude-haiku')
       order by created_at desc, id desc`,
      [A.orgId],
    );
    expect(rows.map((r) => r[0])).toEqual(expected.map((r) => r.id));
  });

  it('usage.csv groups like the usage query and agrees with it', async () => {
    const res = await get('/export/usage.csv?groupBy=day,model&from=2026-04-02T06:00:00Z', pa);
    const [header, ...rows] = parseCsv(await res.text());
    expect(header).toEqual([
      'day',
      'model',
      'requests',
      'errors',
      'input_tokens',
      'output_tokens',
      'cached_input_tokens',
      'reasoning_tokens',
      'cost_usd',
      'upstream_cost_usd',
      'energy_wh_min',
      'energy_wh_max',
      'energy_wh_mid',
      'gco2e_min',
      'gco2e_max',
      'gco2e_mid',
      'avg_latency_ms',
    ]);
    const gql = await a.gql(
      `{ usage(filter: { from: "2026-04-02T06:00:00Z" }, groupBy: [DAY, MODEL]) { day model requests errors inputTokens costUsd } }`,
      {},
      A.readKey,
    );
    expect(
      rows.map((r) => [r[0], r[1] || null, Number(r[2]), Number(r[3]), Number(r[4]), Number(r[8])]),
    ).toEqual(
      gql.data.usage.map((b: any) => [b.day, b.model, b.requests, b.errors, b.inputTokens, b.costUsd]),
    );
    const byStatus = await get('/export/usage.csv?groupBy=API_KEY&status=error', pa);
    expect(parseCsv(await byStatus.text())[0]).toEqual(['api_key', 'requests', 'errors']);
  });

  it('refuses without a key, without read scope, with unknown or bad parameters, saying why', async () => {
    const cases: [string, Principal | null, number, string | RegExp][] = [
      ['/export/usage.csv', null, 401, /needs an API key/],
      ['/export/usage.csv?bogus=1', pa, 400, /unknown parameter bogus; usage.csv takes from, to/],
      ['/export/requests.csv?groupBy=day', pa, 400, /unknown parameter groupBy/],
      ['/export/usage.csv?from=yesterday', pa, 400, 'from must be an ISO 8601 date-time, got "yesterday"'],
      ['/export/usage.csv?groupBy=hour', pa, 400, /cannot group by hour/],
      ['/export/usage.csv?timezone=Asia/Kolkata', pa, 400, /Asia\/Kolkata is \+05:30 from UTC/],
      ['/export/requests.csv?status=failed', pa, 400, 'status is ok or error, got "failed"'],
      [
        '/export/nope.csv',
        pa,
        404,
        /use \/export\/usage.csv, \/export\/requests.csv, \/export\/footprint.csv/,
      ],
    ];
    for (const [path, who, status, message] of cases) {
      const res = await get(path, who);
      expect(res.status, path).toBe(status);
      expect(((await res.json()) as any).error.message).toMatch(message);
    }
    const inference = (await a.keys.authenticate(A.inferenceKey))!;
    expect((await get('/export/requests.csv', inference)).status).toBe(403);
  });

  it('refuses parameters the database cannot take with a 400 naming the parameter, never a 500', async () => {
    const long = 'm'.repeat(5_000);
    const cases: [string, string, RegExp][] = [
      ['/export/usage.csv?from=0000-01-01T00:00:00Z&groupBy=day', 'from', /between 1970-01-01 and 9999/],
      ['/export/requests.csv?to=0000-01-01', 'to', /between 1970-01-01 and 9999/],
      ['/export/usage.csv?from=%2B275760-09-13T00:00:00Z', 'from', /ISO 8601/],
      ['/export/usage.csv?from=1', 'from', /ISO 8601/],
      ['/export/usage.csv?models=%00', 'models', /control characters/],
      ['/export/requests.csv?regions=a%00b', 'regions', /control characters/],
      ['/export/usage.csv?orgId=%00', 'orgId', /control characters/],
      ['/export/usage.csv?groupBy=constructor', 'groupBy', /cannot group by constructor/],
      ['/export/usage.csv?groupBy=__proto__', 'groupBy', /cannot group by __proto__/],
      ['/export/usage.csv?from=2026-01-01&from=2026-02-01', 'from', /given 2 times/],
      ['/export/requests.csv?status=ok&status=error', 'status', /given 2 times/],
      [`/export/usage.csv?models=${long}`, 'models', /longer than 4096/],
      [`/export/usage.csv?models=${'m'.repeat(300)}`, 'models', /at most 200 characters/],
      [`/export/usage.csv?models=${'a,'.repeat(9_000)}`, 'query', /query string is longer/],
      [`/export/usage.csv?${'x'.repeat(100)}=1`, 'query', /unknown parameter/],
    ];
    for (const [path, field, message] of cases) {
      const res = await get(path, pa);
      const body = (await res.json()) as any;
      expect(res.status, path.slice(0, 80)).toBe(400);
      expect(body.error.field, path.slice(0, 80)).toBe(field);
      expect(body.error.message).toMatch(message);
      expect(body.error.message.length).toBeLessThan(400);
    }
  });

  it("isolation: a key of organisation B exports nothing of A's, and cannot name A", async () => {
    const res = await get('/export/requests.csv', pb);
    const [, ...rows] = parseCsv(await res.text());
    expect(rows).toHaveLength(9);
    const ids = new Set(
      (await t.handle.exec('select id from requests where org_id = $1', [B.orgId])).map((r) => r.id),
    );
    for (const r of rows) expect(ids.has(r[0]!)).toBe(true);
    const usage = parseCsv(await (await get(`/export/usage.csv?apiKeys=${A.readKeyId}`, pb)).text());
    expect(usage[1]![0]).toBe('0');
    const cross = await get(`/export/usage.csv?orgId=${A.orgId}`, pb);
    expect(cross.status).toBe(403);
    const admin = (await a.keys.authenticate(a.adminKey))!;
    const all = parseCsv(await (await get(`/export/requests.csv?orgId=${A.orgId}`, admin)).text());
    expect(all).toHaveLength(61);
  });
});
