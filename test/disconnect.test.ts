/** A client that goes away mid-stream: charged for what was generated, recorded as such, nothing leaked. */
import { testDrivers } from '@lowrouter/api/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';

describe.each(testDrivers())('a client that disconnects mid-stream on %s', (driver) => {
  let g: GatewayWithFakes;
  beforeAll(async () => {
    g = await startGatewayWithFakes(driver);
    await g.grant('org_default', 10_000_000);
  });
  afterAll(() => g.close());

  it('is charged for what was generated and its row says so; the reservation is released', async () => {
    // A long, slow answer: 200 words in 40 chunks, 50 ms apart.
    g.fakes.openai.setScenario({ synthetic: true, words: 200, chunks: 40, chunkDelayMs: 50 });
    const abort = new AbortController();
    const res = await fetch(`${g.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${g.adminKey}` },
      body: JSON.stringify({
        model: 'openai/gpt-4o-mini',
        messages: [{ role: 'user', content: 'Tell me a long story' }],
        stream: true,
      }),
      signal: abort.signal,
    });
    const id = res.headers.get('x-lowrouter-request-id')!;
    const reader = res.body!.getReader();
    let text = '';
    while ((text.match(/"content":"[^"]+"/g) ?? []).length < 4)
      text += new TextDecoder().decode((await reader.read()).value);
    abort.abort();

    let row: Record<string, unknown> | undefined;
    for (let i = 0; i < 100 && !row; i++) {
      [row] = await g.gateway.db.exec(
        'select status, error_kind, output_tokens, charge_micro, tokens_estimated from requests where id = $1',
        [id],
      );
      if (!row) await new Promise((r) => setTimeout(r, 50));
    }
    expect(row).toMatchObject({ status: 'client_disconnected', error_kind: 'client_disconnected' });
    expect(Number(row!.output_tokens)).toBeGreaterThan(0);
    expect(Number(row!.output_tokens)).toBeLessThan(200);
    expect(Number(row!.charge_micro)).toBeGreaterThan(0);
    const debit = await g.gateway.db.exec(
      "select amount_micro from credit_ledger where request_id = $1 and kind = 'usage'",
      [id],
    );
    expect(debit.map((d) => -Number(d.amount_micro))).toEqual([Number(row!.charge_micro)]);
    expect(await g.gateway.db.exec('select * from credit_reservations where request_id = $1', [id])).toEqual(
      [],
    );
    // The upstream request was cancelled too, not left generating.
    await new Promise((r) => setTimeout(r, 200));
    expect(g.fakes.openai.requests.at(-1)!.aborted).toBe(true);
  });
});
