/**
 * Guards for a GraphQL API that BI tools point at: introspection only for callers with an API key,
 * and depth, cost and page-size limits with errors that say what to change. Written with graphql's
 * own validation API (ValidationRule, ValidationContext); no dependency.
 *
 * Cost is the number of objects a query may return: every field of object type counts 1, multiplied
 * by the page sizes (`first`, default 50) of the connections above it; leaves are free. So
 * `requests(first: 200) { edges { node { usage { … } eco { energyWh { … } } } } }` costs
 * 1 + 200 × 5. Lists without `first` (catalog lists, usage buckets) count once: they are bounded by
 * the catalog or by usage()'s own bucket limit. Introspection fields are not counted: they are bounded
 * by the schema and only reachable with a key.
 *
 * Why the limits run at execution and introspection at validation: yoga caches validation results
 * per document and per the NAMES of the rules used. The introspection rule is added only for
 * anonymous callers, so its name is part of the cache key and a result cached for a keyed caller is
 * never reused for an anonymous one. The limits depend on variables (`first: $n`), which validation
 * never sees, so they are checked in onExecute (coerced variables at hand), with `validate()`.
 *
 * graphql is imported as 'graphql/index.js' on purpose: the schema (Pothos) and yoga load graphql's
 * CommonJS build, and a bundler-style resolver (vitest) would give a bare 'graphql' the .mjs build,
 * a second copy whose validate() and instanceof checks refuse the schema as "from another realm".
 */
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
  isCompositeType,
  isInterfaceType,
  isObjectType,
  validate,
} from 'graphql/index.js';
import type { Plugin } from 'graphql-yoga';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './cursor';

export interface QueryLimits {
  /** Deepest field nesting (top-level fields are depth 1). */
  maxDepth: number;
  /** Most objects a query may return, see above. */
  maxCost: number;
  maxPageSize: number;
  defaultPageSize: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxCost: 5_000,
  maxPageSize: MAX_PAGE_SIZE,
  defaultPageSize: DEFAULT_PAGE_SIZE,
};

const isIntrospection = (name: string) => name.startsWith('__');

/** The value of a `first` argument: literal, variable, or the default when absent. */
function firstArg(
  field: FieldNode,
  variables: Record<string, unknown>,
  fallback: number,
): { value: number; node: ValueNode | null } | null {
  const arg = field.arguments?.find((a) => a.name.value === 'first');
  if (!arg) return null;
  const v = arg.value;
  if (v.kind === Kind.INT) return { value: Number(v.value), node: v };
  if (v.kind === Kind.VARIABLE) {
    const value = variables[v.name.value];
    return { value: typeof value === 'number' ? value : fallback, node: v };
  }
  return { value: fallback, node: v };
}

/**
 * The limits as a validation rule. `variables` are the request's coerced variables (validation alone
 * never sees them; without them a `first: $n` counts as the default page size).
 */
export function queryLimitsRule(
  limits: QueryLimits = DEFAULT_QUERY_LIMITS,
  variables: Record<string, unknown> = {},
): ValidationRule {
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

        // Walks a selection set; returns its cost. `seen` stops fragment cycles (reported elsewhere).
        const walk = (
          set: SelectionSetNode,
          parent: GraphQLNamedType,
          depth: number,
          seen: ReadonlySet<string>,
        ): number => {
          let cost = 0;
          for (const sel of set.selections) {
            if (sel.kind === Kind.FRAGMENT_SPREAD) {
              const name = sel.name.value;
              const frag = context.getFragment(name);
              if (!frag || seen.has(name)) continue;
              const on = schema.getType(frag.typeCondition.name.value) ?? parent;
              cost += walk(frag.selectionSet, on, depth, new Set([...seen, name]));
              continue;
            }
            if (sel.kind === Kind.INLINE_FRAGMENT) {
              const on = sel.typeCondition
                ? (schema.getType(sel.typeCondition.name.value) ?? parent)
                : parent;
              cost += walk(sel.selectionSet, on, depth, seen);
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
            const first = def.args.some((a) => a.name === 'first')
              ? (firstArg(sel, variables, limits.defaultPageSize) ?? {
                  value: limits.defaultPageSize,
                  node: null,
                })
              : null;
            if (
              first &&
              (!Number.isInteger(first.value) || first.value < 1 || first.value > limits.maxPageSize)
            )
              pageErrors.push(
                new GraphQLError(
                  `${name}(first: ${first.value}): first must be between 1 and ${limits.maxPageSize} (default ${limits.defaultPageSize}); page with \`after\` instead`,
                  { nodes: first.node ?? sel, extensions: { code: 'BAD_USER_INPUT', field: 'first' } },
                ),
              );
            if (isCompositeType(type)) {
              const mult = first ? Math.min(Math.max(first.value, 1), limits.maxPageSize) : 1;
              cost += 1 + (sel.selectionSet ? mult * walk(sel.selectionSet, type, depth + 1, seen) : 0);
            }
          }
          return cost;
        };

        const cost = walk(op.selectionSet, root, 1, new Set());
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
        if (cost > limits.maxCost)
          context.reportError(
            new GraphQLError(
              `the query may return ${cost} objects; at most ${limits.maxCost} are allowed: ask for smaller pages (first) or fewer nested objects, and page with \`after\``,
              { nodes: op, extensions: { code: 'QUERY_TOO_COMPLEX', cost, maxCost: limits.maxCost } },
            ),
          );
      },
    };
  };
}

/** Yoga/envelop plugin enforcing the limits on every operation, with its variables. */
export function useQueryLimits(limits: Partial<QueryLimits> = {}): Plugin {
  const l = { ...DEFAULT_QUERY_LIMITS, ...limits };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = validate(args.schema, args.document, [
        queryLimitsRule(l, (args.variableValues ?? {}) as Record<string, unknown>),
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
