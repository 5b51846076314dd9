/**
 * Refuses NUL characters (U+0000) anywhere in an operation's arguments (literals and variables,
 * inside input objects, lists and JSON values, keys included) before any resolver runs: PostgreSQL
 * cannot store them in text and rejects the query, which would surface as an internal error. One
 * rule covers every resolver taking ids or strings, present and future.
 */
import { GraphQLError, type ValidationRule, validate, valueFromAST } from 'graphql/index.js';
import type { Plugin } from 'graphql-yoga';

/** True when `value` holds a string (or object key) containing U+0000, at any depth. */
export function containsNul(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (depth > 100 || value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some((v) => containsNul(v, depth + 1));
  return Object.entries(value).some(([k, v]) => k.includes('\u0000') || containsNul(v, depth + 1));
}

/** The check as a validation rule, given the request's coerced variables. */
export function noNulInArgumentsRule(variables: Record<string, unknown> = {}): ValidationRule {
  return function NoNulInArguments(context) {
    return {
      Argument(node) {
        const def = context.getArgument();
        if (!def) return; // unknown argument: KnownArgumentNamesRule reports it
        const value = valueFromAST(node.value, def.type, variables);
        if (!containsNul(value)) return;
        const field = context.getFieldDef()?.name ?? context.getDirective()?.name ?? 'the field';
        context.reportError(
          new GraphQLError(
            `argument ${def.name} of ${field} contains a NUL character (\\u0000), which no id, name or text may hold: remove it`,
            { nodes: node, extensions: { code: 'BAD_USER_INPUT', field: def.name } },
          ),
        );
      },
    };
  };
}

/** Yoga/envelop plugin running the rule on every operation, with its variables. */
export function useArgumentGuard(): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const errors = validate(args.schema, args.document, [
        noNulInArgumentsRule((args.variableValues ?? {}) as Record<string, unknown>),
      ]);
      if (errors.length) setResultAndStopExecution({ errors });
    },
  };
}
