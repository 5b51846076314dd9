/**
 * Hostile upstream token counts through a real gateway: the fake upstreams (one per wire protocol) serve
 * their usual answers with usage fields overwritten (scenario `usage`), streamed and not. Whatever the
 * numbers, the client gets no unexpected 5xx, no charge is negative or above its reservation, the
 * balance stays equal to the ledger and nothing stays reserved. Seeded and bounded (fast-check).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers } from '@lowrouter/api/db/testing';
import type { FakeProtocol } from './fake-upstream/server';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';
import { INTERNALS, moneyState, reservationFor } from './helpers/money';

const ORG = 'org_default';
const MODELS: Record<FakeProtocol, { model: string; fields: string[] }> = {
  openai: {
    model: 'openai/gpt-4o-mini',
    fields: [
      'prompt_tokens',
      'completion_tokens',
      'total_tokens',
      'prompt_tokens_details.cached_tokens',
      'completion_tokens_details.reasoning_tokens',
    ],
  },
  mistral: {
    model: 'mistral/mistral-small-2506',
    fields: ['prompt_tokens', 'completion_tokens', 'total_tokens'],
  },
  anthropic: {
    model: 'anthropic/claude-haiku-4-5',
    fields: ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'],
  },
  gemini: {
    model: 'google/gemini-2.5-flash',
    fields: [
      'promptTokenCount',
      'candidatesTokenCount',
      'thoughtsTokenCount',
      'cachedContentTokenCount',
      'toolUsePromptTokenCount',
    ],
  },
};
const PROTOCOLS = Object.keys(MODELS) as FakeProtocol[];
/** Every kind of wrong a number can be, and a few right ones. */
const HOSTILE = fc.oneof(
  fc.constantFrom<unknown>(
    -1,
    -10_000_000,
    1e15,
    1.5e308,
    2.5,
    0,
    50_000_000,
    2 ** 53 + 2,
    'NaN',
    '12',
    '$missing',
    null,
    true,
    {},
    [],
  ),
  fc.integer({ min: -1_000_000, max: 100_000_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
);

interface Outcome {
  status: number;
  requestId: string | null;
  text: string;
}

describe.each(testDrivers())('hostile upstream usage numbers on %s', (driver) => {
  let g: GatewayWithFakes;
  beforeAll(async () => {
    g = await startGatewayWithFakes(driver);
    await g.grant(ORG, 500_000_000);
    // Anthropic and Gemini answer from their recorded fixtures (synthetic mode speaks OpenAI wire only).
    g.fakes.anthropic.setScenario({});
    g.fakes.gemini.setScenario({});
  }, 180_000);
  afterAll(() => g.close());

  const send = async (protocol: FakeProtocol, stream: boolean, usage: Record<string, unknown>) => {
    const body = {
      model: MODELS[protocol].model,
      messages: [{ role: 'user', content: 'Say hi' }],
      max_tokens: 64,
      stream,
    };
    g.fakes[protocol].enqueue({ usage });
    const res = await fetch(`${g.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${g.adminKey}` },
      body: JSON.stringify(body),
    });
    const out: Outcome = {
      status: res.status,
      requestId: res.headers.get('x-lowrouter-request-id'),
      text: await res.text(),
    };
    return { body, out };
  };

  /** What one answer may carry: no unexpected 5xx, no internals. */
  const answered = (out: Outcome) => {
    expect(out.status, out.text).toBeLessThan(500);
    expect(out.text).not.toMatch(INTERNALS);
    expect(out.requestId).toBeTruthy();
  };

  const reservations = new Map<string, number>();
  /** The invariants of answered requests, from their rows: one each, charged within [0, reservation]. */
  const check = async (sent: { body: unknown; out: Outcome }[]) => {
    const ids = sent.map((s) => s.out.requestId);
    const rows = await g.gateway.db.exec(
      'select id, charge_micro, endpoint_id, input_tokens, output_tokens, tokens_estimated from requests where id = any($1)',
      [ids],
    );
    expect(rows).toHaveLength(sent.length);
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    for (const { body, out } of sent) {
      const row = byId.get(out.requestId!)!;
      const charge = Number(row.charge_micro);
      const key = `${row.endpoint_id}`;
      // Every request here has the same prompt and max_tokens: one reservation per endpoint.
      if (!reservations.has(key)) reservations.set(key, await reservationFor(g, body, key));
      expect(charge).toBeGreaterThanOrEqual(0);
      expect(charge).toBeLessThanOrEqual(reservations.get(key)!);
      for (const k of ['input_tokens', 'output_tokens']) expect(Number(row[k])).toBeGreaterThanOrEqual(0);
    }
    return rows;
  };

  const balanced = async () => {
    const m = await moneyState(g, ORG);
    expect(m.balanceMicro).toBe(m.ledgerMicro);
    expect(m.reservedMicro).toBe(0);
    expect(m.openReservations).toBe(0);
  };

  it('refuses prompt_tokens -10000000: counted instead, charged ≥ 0, and the balance never rises', async () => {
    const before = await moneyState(g, ORG);
    const { body, out } = await send('openai', false, { prompt_tokens: -10_000_000 });
    expect(out.status).toBe(200);
    const res = JSON.parse(out.text);
    expect(res.usage.estimated).toBe(true);
    expect(res.usage.prompt_tokens).toBeGreaterThan(0);
    expect(res.warnings).toContainEqual(
      expect.objectContaining({ code: 'usage_untrusted', message: expect.stringContaining('-10000000') }),
    );
    answered(out);
    const [row] = await check([{ body, out }]);
    expect(row!.tokens_estimated).toBe(true);
    // The row says why its counts are not the upstream's.
    const [stored] = await g.gateway.db.exec('select route from requests where id = $1', [out.requestId]);
    const route = (typeof stored!.route === 'string' ? JSON.parse(stored!.route) : stored!.route) as {
      billing?: { refused: string[] };
    };
    expect(route.billing?.refused.join(' ')).toContain('-10000000');
    const after = await moneyState(g, ORG);
    expect(after.balanceMicro).toBeLessThanOrEqual(before.balanceMicro);
    await balanced();
  });

  it.each([
    ['openai', false, { completion_tokens: 50_000_000 }],
    ['openai', true, { completion_tokens: 50_000_000 }],
    ['anthropic', false, { input_tokens: 1e15 }],
    ['anthropic', true, { output_tokens: 1.5e308 }],
    ['gemini', true, { promptTokenCount: -5 }],
    ['mistral', true, { prompt_tokens: 'NaN' }],
  ] as const)(
    '%s (stream %s) with %o answers, records one row and charges within the reservation',
    async (protocol, stream, usage) => {
      const { body, out } = await send(protocol, stream, usage);
      expect(out.status, out.text).toBe(200);
      expect(out.text).toContain('usage_untrusted');
      answered(out);
      const [row] = await check([{ body, out }]);
      expect(row!.tokens_estimated).toBe(true);
      await balanced();
    },
  );

  it('keeps every invariant whatever number fields the upstream sends (property, every protocol, stream and not)', async () => {
    const sent: { body: unknown; out: Outcome }[] = [];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PROTOCOLS),
        fc.boolean(),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.array(HOSTILE, { minLength: 5, maxLength: 5 }),
        async (protocol, stream, pick, values) => {
          const fields = MODELS[protocol].fields;
          const usage: Record<string, unknown> = {};
          fields.forEach((f, i) => {
            if ((pick >> i) & 1) usage[f] = values[i];
          });
          const one = await send(protocol, stream, usage);
          answered(one.out);
          sent.push(one);
        },
      ),
      { seed: 20_261_201, numRuns: 160, endOnFailure: true },
    );
    await check(sent);
    await balanced();
  }, 180_000);
});
