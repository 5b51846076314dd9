/**
 * Guards for a GraphQL API that BI tools and anonymous visitors point at: introspection only for
 * callers with an API key, and depth, cost and page-size limits with errors that say what to change.
 * Written with graphql's own validation API (ValidationRule, ValidationContext); no dependency.
 *
 * Cost is the number of objects a query may return, at most: every field of object type counts the
 * objects it yields, leaves are free. A list yields its parent's count times its bound
 * (graphql/list-bounds.ts): a catalog list by the catalog (a provider has at most
 * `endpointsPerProvider` endpoints, and below distinct parents all of them together at most
 * `endpoints`), `limit` where the field takes one, a connection's `edges`/`nodes` by its page size
 * (`first`, default 50). So `requests(first: 200) { edges { node { usage { … } eco { energyWh { … } } } } }`
 * costs 1 + 200 × 5, and a cycle such as `providers { endpoints { provider { endpoints { … } } } }`
 * multiplies at every turn and is refused before anything runs. Anonymous callers get a far smaller
 * budget than keyed ones. Introspection fields are not counted: they are bounded by the schema and
 * only reachable with a key.
 *
 * Why the limits run at execution and introspection at validation: yoga caches validation results
 * per document and per the NAMES of the rules used. The introspection rule is added only for
 * anonymous callers, so its name is part of the cache key and a result cached for a keyed caller is
 * never reused for an anonymous one. The limits depend on variables (`first: $n`) and on the caller,
 * which validation never sees, so they are checked in onExecute (coerced variables at hand), with
 * `validate()`.
 *
 * graphql is imported as 'graphql/index.js' on purpose: the schema (Pothos) and yoga load graphql's
 * CommonJS build, and a bundler-style resolver (vitest) would give a bare 'graphql' the .mjs build,
 * a second copy whose validate() and instanceof checks refuse the schema as "from another realm".
 */
import { loadCatalog } from '@lowrouter/data';
import {
  type ASTVisitor,
  type FieldNode,
  GraphQLError,
  type GraphQLNamedType,
  Kind,
  type SelectionSetNode,
  type ValidationContext,
  type ValidationRule,
  type ValueNode,
  getNamedType,
  getNullableType,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  validate,
} from 'graphql/index.js';
import type { Plugin } from 'graphql-yoga';
import { type CatalogCounts, LIST_BOUNDS, UNPAGED_LIST_ESTIMATE, countCatalog } from '../graphql/list-bounds';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './cursor';

/** Deepest field nesting (top-level fields are depth 1). */
export const MAX_QUERY_DEPTH = 12;
/** Most objects one query may return for a caller with an API key. */
export const MAX_COST_KEYED = 5_000;
/** Most objects one query may return without an API key: the public catalog fits (about 900 today). */
export const MAX_COST_ANONYMOUS = 2_000;
/**
 * Most selections (fields and fragments) the cost walk visits, fragments expanded. Fragments spread
 * into fragments can expand a small document exponentially; past this the query is refused without
 * walking further.
 */
export const MAX_WALKED_FIELDS = 50_000;
/** Costs at or above this are shown as "more than". */
const COST_CEILING = 1e12;

export interface QueryLimits {
  /** Deepest field nesting (top-level fields are depth 1). */
  maxDepth: number;
  /** Most objects a query may return with an API key, see above. */
  maxCost: number;
  /** Most objects a query may return without an API key. */
  maxCostAnonymous: number;
  maxPageSize: number;
  defaultPageSize: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: MAX_QUERY_DEPTH,
  maxCost: MAX_COST_KEYED,
  maxCostAnonymous: MAX_COST_ANONYMOUS,
  maxPageSize: MAX_PAGE_SIZE,
  defaultPageSize: DEFAULT_PAGE_SIZE,
};

let bundled: CatalogCounts | undefined;
/** The counts of the catalog bundled in data/: the default when no live counts are given. */
export function bundledCatalogCounts(): CatalogCounts {
  bundled ??= countCatalog(loadCatalog());
  return bundled;
}

const isIntrospection = (name: string) => name.startsWith('__');

/** The value of an Int argument: literal, variable, or null when absent or not a number. */
function intArg(field: FieldNode, name: string, variables: Record<string, unknown>) {
  const arg = field.arguments?.find((a) => a.name.value === name);
  if (!arg) return null;
  const v = arg.value;
  if (v.kind === Kind.INT) return { value: Number(v.value), node: v as ValueNode };
  if (v.kind === Kind.VARIABLE) {
    const value = variables[v.name.value];
    return typeof value === 'number' ? { value, node: v as ValueNode } : null;
  }
  return null;
}

export interface QueryLimitsOptions {
  /** True for callers without an API key: `maxCostAnonymous` applies. */
  anonymous?: boolean;
  /** Catalog sizes bounding catalog lists; default: the bundled catalog. */
  counts?: CatalogCounts;
}

/**
 * The limits as a validation rule. `variables` are the request's coerced variables (validation alone
 * never sees them; without them a `first: $n` counts as the default page size and `limit: $n` as no
 * limit).
 */
export function queryLimitsRule(
  limits: QueryLimits = DEFAULT_QUERY_LIMITS,
  variables: Record<string, unknown> = {},
  opts: QueryLimitsOptions = {},
): ValidationRule {
  const counts = opts.counts ?? bundledCatalogCounts();
  const maxCost = opts.anonymous ? limits.maxCostAnonymous : limits.maxCost;
  return function QueryLimits(context: ValidationContext): ASTVisitor {
    const schema = context.getSchema();
    return {
      OperationDefinition(op) {
        const root =
          op.operation === 'query'
            ? schema.getQueryType()
            : op.operation === 'mutation'
              ? schema.getMutationType()
              : schema.getSubscriptionType();
        if (!root) return;
        const pageErrors: GraphQLError[] = [];
        let deepest = 0;
        let deepestNode: FieldNode | null = null;
        let walked = 0;

        /**
         * Walks a selection set whose parent type has `n` objects (`distinct`: no object twice);
         * returns the objects the set yields. `page` is the page size of the nearest connection.
         * `seen` stops fragment cycles (reported elsewhere).
         */
        const walk = (
          set: SelectionSetNode,
          parent: GraphQLNamedType,
          depth: number,
          seen: ReadonlySet<string>,
          n: number,
          distinct: boolean,
          page: number,
        ): number => {
          let cost = 0;
          for (const sel of set.selections) {
            if (++walked > MAX_WALKED_FIELDS) return cost;
            if (sel.kind === Kind.FRAGMENT_SPREAD) {
              const name = sel.name.value;
              const frag = context.getFragment(name);
              if (!frag || seen.has(name)) continue;
              const on = schema.getType(frag.typeCondition.name.value) ?? parent;
              cost += walk(frag.selectionSet, on, depth, new Set([...seen, name]), n, distinct, page);
              continue;
            }
            if (sel.kind === Kind.INLINE_FRAGMENT) {
              const on = sel.typeCondition
                ? (schema.getType(sel.typeCondition.name.value) ?? parent)
                : parent;
              cost += walk(sel.selectionSet, on, depth, seen, n, distinct, page);
              continue;
            }
            const name = sel.name.value;
            if (isIntrospection(name)) continue;
            if (depth > deepest) {
              deepest = depth;
              deepestNode = sel;
            }
            const def =
              isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[name] : undefined;
            if (!def) continue; // unknown field: FieldsOnCorrectTypeRule reports it
            const type = getNamedType(def.type);
            let childPage = page;
            if (def.args.some((a) => a.name === 'first')) {
              const first = intArg(sel, 'first', variables) ?? { value: limits.defaultPageSize, node: null };
              if (!Number.isInteger(first.value) || first.value < 1 || first.value > limits.maxPageSize)
                pageErrors.push(
                  new GraphQLError(
                    `${name}(first: ${first.value}): first must be between 1 and ${limits.maxPageSize} (default ${limits.defaultPageSize}); page with \`after\` instead`,
                    { nodes: first.node ?? sel, extensions: { code: 'BAD_USER_INPUT', field: 'first' } },
                  ),
                );
              childPage = Math.min(Math.max(Math.trunc(first.value) || 1, 1), limits.maxPageSize);
            }
            if (!isCompositeType(type)) continue;
            let childN = n;
            let childDistinct = false;
            if (isListType(getNullableType(def.type))) {
              const bound = LIST_BOUNDS[`${parent.name}.${name}`] ?? { per: UNPAGED_LIST_ESTIMATE };
              if ('page' in bound) childN = n * page;
              else {
                let per = typeof bound.per === 'number' ? bound.per : counts[bound.per];
                const limit = bound.limit ? intArg(sel, 'limit', variables) : null;
                if (limit && Number.isFinite(limit.value)) per = Math.min(per, Math.max(limit.value, 1));
                childN = n * per;
                if (bound.total && distinct) {
                  childN = Math.min(childN, counts[bound.total]);
                  childDistinct = true;
                }
              }
            }
            childN = Math.min(childN, COST_CEILING);
            cost += childN;
            if (sel.selectionSet)
              cost += walk(sel.selectionSet, type, depth + 1, seen, childN, childDistinct, childPage);
            cost = Math.min(cost, COST_CEILING);
          }
          return cost;
        };

        const cost = walk(op.selectionSet, root, 1, new Set(), 1, true, limits.defaultPageSize);
        for (const e of pageErrors) context.reportError(e);
        if (deepest > limits.maxDepth)
          context.reportError(
            new GraphQLError(
              `the query is ${deepest} fields deep; at most ${limits.maxDepth} are allowed: ask for less nesting`,
              {
                nodes: deepestNode ?? op,
                extensions: { code: 'QUERY_TOO_DEEP', depth: deepest, maxDepth: limits.maxDepth },
              },
            ),
          );
        if (walked > MAX_WALKED_FIELDS)
          context.reportError(
            new GraphQLError(
              `the query expands to more than ${MAX_WALKED_FIELDS} selections once its fragments are spread: spread fewer fragments`,
              { nodes: op, extensions: { code: 'QUERY_TOO_COMPLEX', maxFields: MAX_WALKED_FIELDS } },
            ),
          );
        else if (cost > maxCost) {
          const who = opts.anonymous ? ` without an API key (${limits.maxCost} with one)` : '';
          context.reportError(
            new GraphQLError(
              `the query may return ${cost >= COST_CEILING ? `more than ${COST_CEILING}` : cost} objects; at most ${maxCost} are allowed${who}: ask for smaller pages (first) or fewer nested objects, and page with \`after\``,
              { nodes: op, extensions: { code: 'QUERY_TOO_COMPLEX', cost, maxCost } },
            ),
          );
        }
      },
    };
  };
}

export interface UseQueryLimitsOptions {
  limits?: Partial<QueryLimits>;
  /** Live catalog counts (app.ts reads them from the routing tables); default: the bundled catalog. */
  counts?: () => CatalogCounts | Promise<CatalogCounts>;
  /** Whether the caller has an API key; default: a `principal` in the yoga context. */
  isAuthenticated?: (context: Record<string, unknown>) => boolean;
}

/** Yoga/envelop plugin enforcing the limits on every operation, with its variables and caller. */
export function useQueryLimits(options: UseQueryLimitsOptions = {}): Plugin {
  const l = { ...DEFAULT_QUERY_LIMITS, ...options.limits };
  const isAuthenticated = options.isAuthenticated ?? ((c) => c.principal != null);
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const counts = options.counts ? await options.counts() : bundledCatalogCounts();
      const errors = validate(args.schema, args.document, [
        queryLimitsRule(l, (args.variableValues ?? {}) as Record<string, unknown>, {
          anonymous: !isAuthenticated(args.contextValue as unknown as Record<string, unknown>),
          counts,
        }),
      ]);
      if (errors.length) setResultAndStopExecution({ errors });
    },
  };
}

/** Refuses `__schema` and `__type` (`__typename` stays allowed). */
export const NoIntrospectionForAnonymous: ValidationRule = function NoIntrospectionForAnonymous(context) {
  return {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type')
        context.reportError(
          new GraphQLError(
            'introspection needs an API key: send any valid key as `Authorization: Bearer lr_…` (anonymous callers can query the public catalog)',
            { nodes: node, extensions: { code: 'UNAUTHENTICATED' } },
          ),
        );
    },
  };
};

/**
 * Yoga/envelop plugin: introspection only for authenticated callers. `isAuthenticated` reads the
 * yoga context; by default it looks for the `principal` app.ts passes as server context.
 */
export function useIntrospectionForAuthenticated(
  isAuthenticated: (context: Record<string, unknown>) => boolean = (c) => c.principal != null,
): Plugin {
  return {
    onValidate({ context, addValidationRule }) {
      if (!isAuthenticated(context as Record<string, unknown>))
        addValidationRule(NoIntrospectionForAnonymous);
    },
  };
}
