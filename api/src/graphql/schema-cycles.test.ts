/**
 * Every cycle of the schema through a list (Provider.endpoints ↔ Endpoint.provider, Model ↔ Endpoint,
 * Provider.regions ↔ Region.provider, Endpoint → Region → Provider → endpoints, …) is found by walking
 * the schema, and a selection going round it as deep as the depth limit allows must be refused by
 * cost before anything runs, for anonymous and keyed callers alike.
 */
import {
  type GraphQLField,
  type GraphQLObjectType,
  getNamedType,
  getNullableType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql/index.js';
import { createYoga } from 'graphql-yoga';
import { describe, expect, it } from 'vitest';
import { DEFAULT_QUERY_LIMITS, useQueryLimits } from '../analytics/graphql-limits';
import type { Principal } from '../auth/key-store';
import { schema } from './index';
import { LIST_BOUNDS } from './list-bounds';

const keyed: Principal = {
  keyId: 'key_1',
  orgId: 'org_1',
  orgName: 'One',
  scopes: ['read', 'admin', 'inference'],
  instanceAdmin: true,
  policyId: null,
  requestsPerMinute: null,
  tokensPerMinute: null,
  cacheTtlSeconds: null,
};

// No database: a refused query never reaches a resolver, and one that did would fail loudly.
const yoga = createYoga<{ principal: Principal | null }>({
  schema,
  logging: false,
  plugins: [useQueryLimits()],
});

async function run(query: string, who: Principal | null) {
  const res = await yoga.fetch(
    new Request('http://test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query }),
    }),
    { principal: who },
  );
  return (await res.json()) as { data?: unknown; errors?: { message: string; extensions?: any }[] };
}

interface Edge {
  from: GraphQLObjectType;
  field: GraphQLField<unknown, unknown>;
  to: GraphQLObjectType;
  list: boolean;
}

/** Object-to-object fields, by source type. */
function edges(): Map<string, Edge[]> {
  const out = new Map<string, Edge[]>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const field of Object.values(type.getFields())) {
      const to = getNamedType(field.type);
      if (!isObjectType(to)) continue;
      const list = isListType(getNullableType(field.type));
      out.set(type.name, [...(out.get(type.name) ?? []), { from: type, field, to, list }]);
    }
  }
  return out;
}

/** Elementary cycles of up to `maxLen` fields with at least one list, each once (canonical rotation). */
function listCycles(graph: Map<string, Edge[]>, maxLen = 4): Edge[][] {
  const found = new Map<string, Edge[]>();
  const visit = (start: string, path: Edge[]) => {
    const at = path.length ? path[path.length - 1]!.to.name : start;
    for (const e of graph.get(at) ?? []) {
      if (e.to.name === start) {
        const cycle = [...path, e];
        if (!cycle.some((c) => c.list)) continue;
        const names = cycle.map((c) => `${c.from.name}.${c.field.name}`);
        const i = names.indexOf([...names].sort()[0]!);
        const key = [...names.slice(i), ...names.slice(0, i)].join(' → ');
        if (!found.has(key)) found.set(key, [...cycle.slice(i), ...cycle.slice(0, i)]);
      } else if (path.length + 1 < maxLen && !path.some((p) => p.from.name === e.to.name)) {
        visit(start, [...path, e]);
      }
    }
  };
  for (const name of graph.keys()) visit(name, []);
  return [...found.values()];
}

/** A literal for a required argument (ids and strings only occur here). */
const argsOf = (field: GraphQLField<unknown, unknown>) => {
  const required = field.args.filter((a) => isNonNullType(a.type) && a.defaultValue === undefined);
  return required.length ? `(${required.map((a) => `${a.name}: "x"`).join(', ')})` : '';
};

/** Shortest chain of fields from Query to `target` (list roots first, as an attacker would pick). */
function entry(graph: Map<string, Edge[]>, target: string): Edge[] {
  const queue: { at: string; path: Edge[] }[] = [{ at: 'Query', path: [] }];
  const seen = new Set(['Query']);
  while (queue.length) {
    const { at, path } = queue.shift()!;
    if (at === target) return path;
    const next = [...(graph.get(at) ?? [])].sort((a, b) => Number(b.list) - Number(a.list));
    for (const e of next) {
      if (seen.has(e.to.name)) continue;
      seen.add(e.to.name);
      queue.push({ at: e.to.name, path: [...path, e] });
    }
  }
  throw new Error(`${target} is not reachable from Query`);
}

/** Query → the cycle, then round and round it until the selection is exactly maxDepth fields deep. */
function nestedSelection(graph: Map<string, Edge[]>, cycle: Edge[]): string {
  const chain = [...entry(graph, cycle[0]!.from.name)];
  for (let i = 0; chain.length < DEFAULT_QUERY_LIMITS.maxDepth; i++) chain.push(cycle[i % cycle.length]!);
  return chain.reduceRight((inner, e) => `${e.field.name}${argsOf(e.field)} { ${inner} }`, '__typename');
}

describe('cycles of the schema', () => {
  const graph = edges();
  const cycles = listCycles(graph);

  it('are found by walking the schema, the known ones among them', () => {
    const names = cycles.map((c) => c.map((e) => `${e.from.name}.${e.field.name}`).join(' → '));
    expect(names).toEqual(
      expect.arrayContaining([
        'Endpoint.provider → Provider.endpoints',
        'Endpoint.model → Model.endpoints',
        'Provider.regions → Region.provider',
        'Endpoint.region → Region.provider → Provider.endpoints',
      ]),
    );
  });

  it('every one, gone round as deep as the depth limit allows, is refused by cost, anonymous and keyed', async () => {
    for (const cycle of cycles) {
      const query = `{ ${nestedSelection(graph, cycle)} }`;
      for (const who of [null, keyed]) {
        const res = await run(query, who);
        expect(res.data, query).toBeUndefined();
        expect(
          res.errors?.map((e) => e.extensions?.code),
          query,
        ).toEqual(['QUERY_TOO_COMPLEX']);
        expect(res.errors?.[0]?.extensions?.maxCost).toBe(
          who ? DEFAULT_QUERY_LIMITS.maxCost : DEFAULT_QUERY_LIMITS.maxCostAnonymous,
        );
      }
    }
  });
});

describe('list bounds', () => {
  it('declares a bound for every list of objects in the schema, so none is counted as one object', () => {
    const lists: string[] = [];
    for (const [from, list] of edges())
      for (const e of list) if (e.list) lists.push(`${from}.${e.field.name}`);
    expect(lists.filter((name) => !(name in LIST_BOUNDS))).toEqual([]);
  });
});
