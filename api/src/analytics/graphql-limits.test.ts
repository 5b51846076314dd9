import { parse, validate } from 'graphql/index.js';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../auth/key-store';
import { schema } from '../graphql/index';
import {
  DEFAULT_QUERY_LIMITS,
  queryLimitsRule,
  useIntrospectionForAuthenticated,
  useQueryLimits,
} from './graphql-limits';

const principal: Principal = {
  keyId: 'key_1',
  orgId: 'org_1',
  orgName: 'One',
  scopes: ['read'],
  instanceAdmin: false,
  policyId: null,
  requestsPerMinute: null,
  tokensPerMinute: null,
  cacheTtlSeconds: null,
};

// The schema and plugins as app.ts wires them; resolvers only see the server context here.
const yoga = createYoga<{ principal: Principal | null }>({
  schema,
  logging: false,
  plugins: [useIntrospectionForAuthenticated(), useQueryLimits()],
});

async function run(query: string, who: Principal | null, variables?: Record<string, unknown>) {
  const res = await yoga.fetch(
    new Request('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query, variables }),
    }),
    { principal: who },
  );
  return (await res.json()) as { data?: any; errors?: any[] };
}

const INTROSPECT = '{ __schema { queryType { name } } }';

const check = (query: string, limits = DEFAULT_QUERY_LIMITS, variables = {}) =>
  validate(schema, parse(query), [queryLimitsRule(limits, variables)]).map((e) => ({
    message: e.message,
    code: e.extensions.code,
  }));

describe('introspection', () => {
  it('is refused to anonymous callers with a message saying what to send, even after a keyed caller ran the same document', async () => {
    const keyed = await run(INTROSPECT, principal);
    expect(keyed.data.__schema.queryType.name).toBe('Query');
    const anon = await run(INTROSPECT, null);
    expect(anon.data).toBeUndefined();
    expect(anon.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^introspection needs an API key/),
      extensions: { code: 'UNAUTHENTICATED' },
    });
    const typeQuery = await run('{ __type(name: "Query") { name } }', null);
    expect(typeQuery.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    // And the other way round: an anonymous refusal is not served to a keyed caller.
    const again = await run(INTROSPECT, principal);
    expect(again.errors).toBeUndefined();
  });

  it('leaves __typename and public queries to anonymous callers', async () => {
    const res = await run('{ __typename viewer { apiKey { id } } }', null);
    expect(res).toEqual({ data: { __typename: 'Query', viewer: null } });
  });
});

describe('query limits', () => {
  it('refuses a query nested deeper than the limit, saying how deep it is', () => {
    let q = 'id';
    for (let i = 0; i < 6; i++) q = `endpoints { model { ${q} } }`;
    expect(check(`{ models { ${q} } }`)).toEqual([
      {
        message: 'the query is 14 fields deep; at most 12 are allowed: ask for less nesting',
        code: 'QUERY_TOO_DEEP',
      },
      // The model ↔ endpoints cycle also multiplies at every turn (by the most endpoints one model has).
      {
        message: expect.stringMatching(/^the query may return \d+ objects; at most 5000 are allowed/),
        code: 'QUERY_TOO_COMPLEX',
      },
    ]);
    expect(check('{ models { endpoints { model { id } } } }')).toEqual([]);
  });

  it('counts objects times page sizes, through variables, fragments and aliases', () => {
    const page = `fragment P on RequestConnection { edges { node { usage { inputTokens } eco { energyWh { min } } } } }`;
    // 1 + 200 × (edges + node + usage + eco + energyWh) = 1001 per alias.
    const five = `query($n: Int) { ${[1, 2, 3, 4, 5].map((i) => `a${i}: requests(first: $n) { ...P }`).join(' ')} } ${page}`;
    expect(check(five, DEFAULT_QUERY_LIMITS, { n: 100 })).toEqual([]);
    expect(check(five, DEFAULT_QUERY_LIMITS, { n: 200 })).toEqual([
      {
        message:
          'the query may return 5005 objects; at most 5000 are allowed: ask for smaller pages (first) or fewer nested objects, and page with `after`',
        code: 'QUERY_TOO_COMPLEX',
      },
    ]);
    // Without `first` a connection counts its default page of 50.
    expect(check(`{ requests { ...P } } ${page}`, { ...DEFAULT_QUERY_LIMITS, maxCost: 251 })).toEqual([]);
    expect(check(`{ requests { ...P } } ${page}`, { ...DEFAULT_QUERY_LIMITS, maxCost: 250 })[0]?.code).toBe(
      'QUERY_TOO_COMPLEX',
    );
  });

  it('refuses page sizes over the limit, literal or variable, before anything runs', async () => {
    expect(check('{ auditLog(first: 1000) { edges { cursor } } }')).toEqual([
      {
        message:
          'auditLog(first: 1000): first must be between 1 and 200 (default 50); page with `after` instead',
        code: 'BAD_USER_INPUT',
      },
    ]);
    const res = await run('query($n: Int) { requests(first: $n) { edges { cursor } } }', principal, {
      n: 500,
    });
    expect(res.errors?.map((e) => e.message)).toEqual([
      'requests(first: 500): first must be between 1 and 200 (default 50); page with `after` instead',
    ]);
  });
});

describe('cost by list bounds', () => {
  const counts = {
    providers: 10,
    regions: 40,
    models: 20,
    endpoints: 100,
    regionsPerProvider: 8,
    endpointsPerProvider: 30,
    endpointsPerModel: 6,
  };
  const cost = (query: string, anonymous = false, variables = {}) =>
    validate(schema, parse(query), [
      queryLimitsRule({ ...DEFAULT_QUERY_LIMITS, maxCost: 0, maxCostAnonymous: 0 }, variables, {
        anonymous,
        counts,
      }),
    ]).find((e) => e.extensions.code === 'QUERY_TOO_COMPLEX')?.extensions.cost;

  it('counts a catalog list by the catalog: per parent, and never more than the table below distinct parents', () => {
    // 10 providers, their endpoints at most 100 in all (not 10 × 30), one provider each.
    expect(cost('{ providers { endpoints { provider { id } } } }')).toBe(10 + 100 + 100);
    // Below repeated parents the per-parent bound multiplies: 100 providers × 30 endpoints.
    expect(cost('{ providers { endpoints { provider { endpoints { id } } } } }')).toBe(10 + 100 + 100 + 3000);
    expect(cost('{ models { endpoints { region { gridIntensity { year } } } } }')).toBe(20 + 100 * 3);
  });

  it('lowers a catalog list to its limit argument, literal or variable', () => {
    expect(cost('{ models(limit: 5) { endpoints { id } } }')).toBe(5 + 30);
    expect(cost('query($n: Int) { endpoints(limit: $n) { model { id } } }', false, { n: 7 })).toBe(14);
  });

  it('gives anonymous callers the smaller budget and says both in the error', () => {
    const q = '{ providers { endpoints { provider { endpoints { id } } } } }'; // 3210 with these counts
    const refuse = (anonymous: boolean) =>
      validate(schema, parse(q), [queryLimitsRule(DEFAULT_QUERY_LIMITS, {}, { anonymous, counts })]).map(
        (e) => e.message,
      );
    expect(refuse(false)).toEqual([]);
    expect(refuse(true)).toEqual([
      'the query may return 3210 objects; at most 2000 are allowed without an API key (5000 with one): ask for smaller pages (first) or fewer nested objects, and page with `after`',
    ]);
  });

  it('refuses fragments that spread into fragments exponentially without walking them all', () => {
    const levels = 30;
    const frags = Array.from(
      { length: levels },
      (_, i) => `fragment F${i} on Query { ...F${i + 1} ... on Query { ...F${i + 1} } }`,
    ).join(' ');
    const doc = `{ ...F0 } ${frags} fragment F${levels} on Query { instance { demo } }`;
    expect(check(doc).map((e) => e.message)).toEqual([
      'the query expands to more than 50000 selections once its fragments are spread: spread fewer fragments',
    ]);
  });
});
