/**
 * The public pages the server renders — the model browser (`/`, `/models/<id>`) and `/footprint` — in
 * Chromium with JavaScript OFF: each arrives complete. The footprint page, after real traffic from two
 * organisations through the `openai` SDK, shows the traffic and no organisation, key or prompt. GraphiQL
 * loads from this gateway alone (no request leaves localhost) and runs a query with the key typed in
 * its page. And LOWROUTER_PUBLIC_FOOTPRINT=false answers /footprint with 404.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '@lowrouter/api/http/static';
import { loadConfig } from '@lowrouter/api/config';
import { generateApiKey } from '@lowrouter/api/auth/keys';
import { createLogger } from '@lowrouter/api/log';
import { startGateway } from '@lowrouter/api/main';
import { REFERENCE_OUTPUT_TOKENS } from '@lowrouter/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HAVE_CHROMIUM, type Harness, startHarness } from './harness';
import { ask, sdk } from './traffic';

let h: Harness;
const orgs: { name: string; orgId: string; keyName: string; key: string; prompt: string }[] = [];

async function orgWithKey(name: string, keyName: string) {
  const created = await h.gql(
    'mutation($n: String!) { createOrganization(name: $n) { __typename ... on CreateOrganizationSuccess { organization { id } } } }',
    { n: name },
    h.adminKey,
  );
  const orgId: string = created.createOrganization.organization.id;
  await h.gql(
    'mutation($o: ID!) { grantCredits(orgId: $o, amountUsd: 5, note: "public pages test") { __typename } }',
    { o: orgId },
    h.adminKey,
  );
  const k = await h.gql(
    'mutation($o: ID!, $n: String!) { createApiKey(orgId: $o, name: $n, scopes: [INFERENCE, READ]) { __typename ... on CreateApiKeySuccess { key } } }',
    { o: orgId, n: keyName },
    h.adminKey,
  );
  return { orgId, key: k.createApiKey.key as string };
}

describe.skipIf(!HAVE_CHROMIUM)('public pages, JavaScript off', () => {
  beforeAll(async () => {
    h = await startHarness({ fakes: true });
    for (const [name, keyName, prompt] of [
      ['Acme Secret Bakery', 'acme-prod-key', 'PROMPT-ALPHA recipe for croissants'],
      ['Globex Hidden Labs', 'globex-batch-key', 'PROMPT-BETA list three rivers'],
    ] as const) {
      const o = await orgWithKey(name, keyName);
      orgs.push({ name, keyName, prompt, ...o });
      const sent = await ask(sdk(h, o.key), name, {
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: prompt }],
      });
      expect(sent.status, JSON.stringify(sent)).toBeUndefined();
    }
  }, 120_000);
  afterAll(() => h?.close());

  it('the model browser arrives as complete HTML: one row per model, usable ones first, a chart', async () => {
    const { page, problems } = await h.open({ javaScriptEnabled: false });
    const res = (await page.goto('/'))!;
    expect(res.status()).toBe(200);
    expect(res.headers()['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    const models = page.locator('#models tbody.model');
    const { models: all } = await h.gql('{ models(limit: 500) { id } }');
    expect(await models.count()).toBe(all.length);
    // The fake upstreams give openai, anthropic, mistral and google credentials: those come first.
    const usable = await models.evaluateAll((bs) => bs.map((b) => Number((b as HTMLElement).dataset.usable)));
    const firstUnusable = usable.indexOf(0);
    expect(firstUnusable).toBeGreaterThan(0);
    expect(usable.slice(firstUnusable).every((u) => u === 0)).toBe(true);
    // A model's endpoints are behind its row; usable ones first, marked.
    const mini = page.locator('tbody.model[data-model="openai/gpt-4o-mini"]');
    await mini.locator('summary').click();
    const marks = await mini.locator('table.endpoints tbody tr .usable').allTextContents();
    expect(marks[0]).toBe('Usable here');
    expect(marks.at(-1)).toBe('Not usable here');
    expect(await page.locator('#chart svg.scatter a.pt').count()).toBeGreaterThan(20);
    expect(await page.locator('#models > caption').textContent()).toContain(
      `gCO2e per 1,000 output tokens, reference request of ${REFERENCE_OUTPUT_TOKENS} tokens`,
    );
    // Filtering without a script: the form is a GET the server applies.
    await page.selectOption('select[name=provider]', 'mistral');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.waitForURL(/provider=mistral/);
    const providers = await page
      .locator('#models tbody.model')
      .evaluateAll((bs) => bs.map((b) => (b as HTMLElement).dataset.providers));
    expect(providers.length).toBeGreaterThan(0);
    expect(providers.every((p) => p?.split(' ').includes('mistral'))).toBe(true);
    // And the calculator.
    await page.selectOption('#calc-endpoint', { index: 2 });
    await page.fill('#calc-tokens', '2500');
    await page.getByRole('button', { name: 'Estimate' }).click();
    await page.locator('#calc-gco2e').waitFor();
    expect(await page.locator('#calc-wh').textContent()).toMatch(/Wh$/);
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('a model page lists its endpoints, prices, footprint per region and parameters with their source', async () => {
    const { page, problems } = await h.open({ javaScriptEnabled: false });
    await page.goto('/');
    await page.locator('tbody.model[data-model="openai/gpt-4o-mini"] tr.summary a').click();
    expect(new URL(page.url()).pathname).toBe('/models/openai/gpt-4o-mini');
    expect(await page.locator('h1').textContent()).toContain('gpt-4o-mini');
    expect(await page.locator('#endpoints + .table-wrap tbody tr').count()).toBeGreaterThan(1);
    expect(await page.locator('h2#footprint ~ figure svg.bars g.bar-row').count()).toBeGreaterThan(1);
    const params = await page.locator('h2#parameters + p + dl').textContent();
    expect(params).toContain('Active parameters');
    expect(params).toContain('Source');
    expect(problems).toEqual([]);
    const missing = await page.goto('/models/no/such-model');
    expect(missing!.status()).toBe(404);
    await page.context().close();
  });

  it('the footprint page sums every organisation and shows none of them, no key and no prompt', async () => {
    const { page, problems } = await h.open({ javaScriptEnabled: false });
    const res = (await page.goto('/footprint'))!;
    expect(res.status()).toBe(200);
    const text = await res.text();
    expect(await page.locator('h1').textContent()).toBe('The footprint of this instance');
    const requests = await page.locator('#totals dl.figures').first().locator('dd').first().textContent();
    expect(Number(requests)).toBe(2);
    for (const id of ['by-day', 'by-provider', 'by-region', 'by-model']) {
      expect(await page.locator(`#${id} svg.chart`).count(), id).toBe(1);
      expect(await page.locator(`#${id} aside.limits`).count(), id).toBe(1);
    }
    expect(await page.locator('#by-model tbody').textContent()).toContain('gpt-4o-mini');
    for (const o of orgs) {
      for (const secret of [
        o.name,
        o.orgId,
        o.keyName,
        o.key,
        o.key.slice(0, 10),
        o.prompt,
        o.prompt.slice(0, 12),
      ])
        expect(text).not.toContain(secret);
    }
    expect(problems).toEqual([]);
    await page.context().close();
  });

  it('GraphiQL loads from this gateway alone and runs a query with the key typed in its page', async () => {
    const { page, problems } = await h.open({ viewport: { width: 1280, height: 800 } });
    const foreign: string[] = [];
    const authorizations: string[] = [];
    page.on('request', (r) => {
      const u = new URL(r.url());
      if (u.protocol !== 'data:' && u.protocol !== 'blob:' && u.hostname !== '127.0.0.1')
        foreign.push(r.url());
      if (u.pathname === '/graphql' && r.method() === 'POST')
        authorizations.push(r.headers().authorization ?? '');
    });
    await page.goto('/graphql');
    await page.fill('#api-key', h.adminKey);
    await page.getByRole('button', { name: 'Use key' }).click();
    await page.waitForLoadState('load');
    await expect.poll(() => page.locator('#key-status').textContent()).toContain('Key set for this tab');
    // Without a key the explorer's introspection was refused (400, logged by Chromium); with it, nothing.
    problems.length = 0;
    await page.locator('.graphiql-execute-button').waitFor({ timeout: 30_000 });
    await page.locator('.graphiql-execute-button').click();
    await expect
      .poll(() => page.locator('.graphiql-response').textContent(), { timeout: 30_000 })
      .toContain('"models"');
    expect(await page.locator('.graphiql-response').textContent()).toContain('"data"');
    expect(authorizations).toContain(`Bearer ${h.adminKey}`);
    expect(foreign).toEqual([]);
    expect(problems).toEqual([]);
    await page.context().close();
  }, 120_000);
});

describe('LOWROUTER_PUBLIC_FOOTPRINT=false', () => {
  it('answers /footprint with 404 and keeps the other pages', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'lowrouter-footprint-off-'));
    try {
      const g = await startGateway(
        loadConfig({
          PORT: '0',
          HOST: '127.0.0.1',
          LOWROUTER_DATA_DIR: dir,
          LOWROUTER_ADMIN_KEY: generateApiKey(),
          LOWROUTER_LOG_LEVEL: 'silent',
          LOWROUTER_PUBLIC_FOOTPRINT: 'false',
        }),
        { log: createLogger('silent') },
      );
      try {
        const off = await fetch(`${g.url}/footprint`);
        expect(off.status).toBe(404);
        expect(await off.text()).toContain('Page not found');
        expect((await fetch(`${g.url}/methodology`)).status).toBe(200);
      } finally {
        await g.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
