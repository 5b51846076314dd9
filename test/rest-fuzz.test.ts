/**
 * Fuzzed REST bodies to POST /v1/chat/completions through a real gateway with credit: random and mutated
 * JSON, deep nesting, NUL, huge strings, wrong types. Whatever the body: no 5xx except the deliberate
 * 502/503/504, no internals in any body, exactly one request row for each request that passed auth and
 * parsing (those answers carry a request id), the balance equal to the ledger, nothing left reserved.
 * Seeded and bounded (fast-check).
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDrivers } from '@lowrouter/api/db/testing';
import { type GatewayWithFakes, startGatewayWithFakes } from './helpers/gateway-with-fakes';
import { INTERNALS, moneyState } from './helpers/money';

const ORG = 'org_default';
const DELIBERATE = new Set([502, 503, 504]);
const MODELS = [
  'openai/gpt-4o-mini',
  'anthropic/claude-haiku-4-5',
  'mistral/mistral-small-2506',
  'google/gemini-2.5-flash',
  'auto',
];

/** A placeholder the body text replaces with `{"a":` nested n deep (JSON.stringify itself would overflow). */
const DEEP = '__deep__';
const deep = fc.integer({ min: 60, max: 40_000 }).map((n) => `${DEEP}${n}`);
const hostileString = fc.oneof(
  fc.string(),
  fc.constantFrom('\u0000', 'a\u0000b', '', ' ', '\uD800', '💥'.repeat(50)),
  fc.integer({ min: 1_000, max: 300_000 }).map((n) => 'x'.repeat(n)),
);
const hostile: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  deep,
  fc.constantFrom(null, true, false, 0, -1, 1e308, -1e308, 2.5, 2 ** 53 + 1, [], {}),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.jsonValue({ maxDepth: 4 }),
);
const message = fc.oneof(
  fc.record({ role: fc.constant('user'), content: fc.oneof(fc.constant('hi'), hostileString) }),
  fc.record({
    role: fc.oneof(fc.constantFrom('system', 'developer', 'assistant', 'tool', 'robot'), hostile),
    content: hostile,
  }),
  fc.record({
    role: fc.constant('user'),
    content: fc.array(
      fc.record({ type: fc.oneof(fc.constantFrom('text', 'image_url'), hostile), text: hostile }),
      {
        maxLength: 3,
      },
    ),
  }),
  fc.record({
    role: fc.constant('assistant'),
    content: fc.constant(null),
    tool_calls: fc.array(
      fc.record({
        id: hostileString,
        type: fc.constant('function'),
        function: fc.record({ name: hostileString, arguments: hostileString }),
      }),
      { maxLength: 2 },
    ),
  }),
  fc.record({ role: fc.constant('tool'), tool_call_id: hostileString, content: hostileString }),
);
const tool = fc.record({
  type: fc.oneof(fc.constant('function'), hostile),
  function: fc.record(
    {
      name: fc.oneof(fc.constant('get_weather'), hostileString),
      description: hostileString,
      parameters: hostile,
    },
    { requiredKeys: ['name'] },
  ),
});
/** A body close to valid, with any subset of fields present and any of them hostile. */
const nearValid = fc.record(
  {
    model: fc.oneof(fc.constantFrom(...MODELS), hostile),
    messages: fc.oneof(fc.array(message, { minLength: 1, maxLength: 3 }), hostile),
    max_tokens: fc.oneof(fc.integer({ min: 1, max: 64 }), hostile),
    stream: fc.oneof(fc.boolean(), hostile),
    tools: fc.oneof(fc.array(tool, { maxLength: 2 }), hostile),
    tool_choice: fc.oneof(fc.constantFrom('auto', 'none', 'required'), hostile),
    temperature: hostile,
    stop: fc.oneof(fc.array(hostileString, { maxLength: 5 }), hostile),
    user: hostile,
    route: fc.oneof(
      fc.record(
        {
          only: fc.array(hostileString, { maxLength: 2 }),
          regions: fc.array(hostileString, { maxLength: 2 }),
        },
        { requiredKeys: [] },
      ),
      hostile,
    ),
    models: fc.oneof(
      fc.array(fc.oneof(fc.constantFrom(...MODELS), hostileString), { maxLength: 3 }),
      hostile,
    ),
    response_format: hostile,
    [`x-${'k'}`]: hostile,
  },
  { requiredKeys: ['model', 'messages'] },
);
/** A valid body sent upstream (so that accepted requests, rows and charges are exercised too). */
const valid = fc.record({
  model: fc.constantFrom(...MODELS),
  messages: fc.constant([{ role: 'user', content: 'Say hi' }]),
  max_tokens: fc.integer({ min: 1, max: 64 }),
  stream: fc.boolean(),
});
const body = fc.oneof(
  { weight: 6, arbitrary: nearValid.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: valid.map((b) => JSON.stringify(b)) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v) ?? 'null') },
  { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
);
/** The body text, each deep placeholder replaced by real nesting. */
const materialise = (text: string) =>
  text.replace(
    new RegExp(`"${DEEP}(\\d+)"`, 'g'),
    (_m, n: string) => `${'{"a":'.repeat(Number(n))}1${'}'.repeat(Number(n))}`,
  );

describe.each(testDrivers())('fuzzed REST bodies on %s', (driver) => {
  let g: GatewayWithFakes;
  beforeAll(async () => {
    g = await startGatewayWithFakes(driver);
    await g.grant(ORG, 500_000_000);
    g.fakes.anthropic.setScenario({});
    g.fakes.gemini.setScenario({});
  }, 180_000);
  afterAll(() => g.close());

  it('answers every body without an unexpected 5xx or internals, and keeps the money straight', async () => {
    const countRows = async () =>
      Number((await g.gateway.db.exec('select count(*) as n from requests'))[0]!.n);
    const rowsBefore = await countRows();
    const ids: string[] = [];
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        const res = await fetch(`${g.url}/v1/chat/completions`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${g.adminKey}` },
          body: materialise(text),
        });
        const out = await res.text();
        if (res.status >= 500)
          expect(DELIBERATE.has(res.status), `${res.status} ${out.slice(0, 500)}`).toBe(true);
        expect(out).not.toMatch(INTERNALS);
        // Client text is echoed in errors at most ~100 characters at a time.
        expect(out).not.toContain('x'.repeat(120));
        const id = res.headers.get('x-lowrouter-request-id');
        if (id) ids.push(id);
      }),
      {
        seed: 20_261_201,
        numRuns: 400,
        endOnFailure: true,
        // The adversarial review's reproductions, always run first.
        examples: [
          [
            JSON.stringify({
              model: 'openai/gpt-4o-mini',
              messages: [{ role: 'user', content: 'hi' }],
              tools: [{ type: 'function', function: { name: 'f', parameters: `${DEEP}50000` } }],
            }),
          ],
          [JSON.stringify({ model: '\u0000', messages: [{ role: 'user', content: 'hi' }] })],
          [JSON.stringify({ model: 'x'.repeat(1_000_000), messages: [{ role: 'user', content: 'hi' }] })],
          [
            JSON.stringify({
              model: 'openai/gpt-4o-mini',
              messages: [{ role: 'user', content: 'hi' }],
              route: { only: ['\u0000'] },
              models: ['\u0000'],
            }),
          ],
        ],
      },
    );
    // One row per request that passed auth and parsing (those, and only those, carry a request id).
    expect(new Set(ids).size).toBe(ids.length);
    expect((await countRows()) - rowsBefore).toBe(ids.length);
    const found = await g.gateway.db.exec('select count(*) as n from requests where id = any($1)', [ids]);
    expect(Number(found[0]!.n)).toBe(ids.length);
    const m = await moneyState(g, ORG);
    expect(m.balanceMicro).toBe(m.ledgerMicro);
    expect(m.reservedMicro).toBe(0);
    expect(m.openReservations).toBe(0);
  }, 180_000);
});
