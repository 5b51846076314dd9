/**
 * Expected failures are typed values in union results (Pothos errors plugin); unexpected ones are
 * thrown and masked. Each class below is one GraphQL error type implementing `Error { message }`.
 */
import { createGraphQLError } from 'graphql-yoga';
import type { Scope } from '../../auth/keys';
import type { Principal } from '../../auth/key-store';
import { builder } from '../builder';
import type { Context } from '../context';

export class ForbiddenError extends Error {}
export class NotFoundError extends Error {}
export class InvalidInputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description: 'An expected failure, returned as a value in a result union rather than thrown.',
  fields: (t) => ({
    message: t.exposeString('message', {
      description: 'What went wrong and what to do about it, for a person.',
    }),
  }),
});

builder.objectType(ForbiddenError, {
  name: 'Forbidden',
  description: 'The key lacks the scope or the organisation access this needs.',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof ForbiddenError,
});
builder.objectType(NotFoundError, {
  name: 'NotFound',
  description: 'The thing named by an argument does not exist (or is not visible to this key).',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof NotFoundError,
});
builder.objectType(InvalidInputError, {
  name: 'InvalidInput',
  description: 'An argument is wrong: `field` names it and `message` says what to fix.',
  interfaces: [ErrorInterface],
  isTypeOf: (v) => v instanceof InvalidInputError,
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The argument at fault, as a path (`input.amountUsd`).' }),
  }),
});

/** For mutations: the caller with `scope`, or a typed Forbidden. */
export function requireScope(ctx: Context, scope: Scope): Principal {
  const p = ctx.principal;
  if (!p) throw new ForbiddenError('this needs an API key: send it as `Authorization: Bearer lr_…`');
  if (!p.scopes.includes(scope))
    throw new ForbiddenError(`this needs the ${scope} scope; the key has ${p.scopes.join(', ')}`);
  return p;
}

/** For queries: the caller with `scope`, or a GraphQL error (queries have no union results). */
export function requireQueryScope(ctx: Context, scope: Scope): Principal {
  const p = ctx.principal;
  if (!p) {
    throw createGraphQLError('this needs an API key: send it as `Authorization: Bearer lr_…`', {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
  if (!p.scopes.includes(scope) && !p.scopes.includes('admin')) {
    throw createGraphQLError(`this needs the ${scope} scope; the key has ${p.scopes.join(', ')}`, {
      extensions: { code: 'FORBIDDEN' },
    });
  }
  return p;
}

/**
 * The organisation a caller acts on: its own, unless it names another, which only the instance
 * admin may do.
 */
export function targetOrg(p: Principal, orgId: string | null | undefined): string {
  if (!orgId || orgId === p.orgId) return p.orgId;
  if (!p.instanceAdmin) throw new ForbiddenError('only the instance admin can act on another organisation');
  return orgId;
}
