/**
 * The gateway's GraphQL schema as its introspection answers it (a keyed caller may introspect), in a
 * shape easy to walk: for tests that generate documents from the real schema without importing graphql.
 */

export interface TypeRef {
  kind: 'SCALAR' | 'OBJECT' | 'INTERFACE' | 'UNION' | 'ENUM' | 'INPUT_OBJECT' | 'LIST' | 'NON_NULL';
  name: string | null;
  ofType: TypeRef | null;
}
export interface InputValue {
  name: string;
  type: TypeRef;
  defaultValue: string | null;
}
export interface Field {
  name: string;
  args: InputValue[];
  type: TypeRef;
}
export interface NamedType {
  kind: TypeRef['kind'];
  name: string;
  fields: Field[] | null;
  inputFields: InputValue[] | null;
  enumValues: { name: string }[] | null;
  possibleTypes: { name: string }[] | null;
}
export type SchemaTypes = Map<string, NamedType>;

const REF = 'kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } }';
const INTROSPECT = `{ __schema { types {
  kind name
  fields { name type { ${REF} } args { name defaultValue type { ${REF} } } }
  inputFields { name defaultValue type { ${REF} } }
  enumValues { name }
  possibleTypes { name }
} } }`;

export async function introspect(url: string, key: string): Promise<SchemaTypes> {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: INTROSPECT }),
  });
  const body = (await res.json()) as { data: { __schema: { types: NamedType[] } } };
  return new Map(body.data.__schema.types.filter((t) => !t.name.startsWith('__')).map((t) => [t.name, t]));
}

/** The named type under lists and non-nulls. */
export const named = (t: TypeRef): TypeRef => (t.ofType ? named(t.ofType) : t);
export const isList = (t: TypeRef): boolean =>
  t.kind === 'LIST' || (t.kind === 'NON_NULL' && isList(t.ofType!));
export const isRequired = (v: InputValue) => v.type.kind === 'NON_NULL' && v.defaultValue === null;
export const isComposite = (types: SchemaTypes, t: TypeRef) =>
  ['OBJECT', 'INTERFACE', 'UNION'].includes(types.get(named(t).name!)?.kind ?? '');
