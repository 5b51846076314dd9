/**
 * Every type, field, argument, input field and enum value of the schema has a description: the
 * GraphQL reference at /docs/api/graphql is generated from them, and BI tools show them.
 */
import {
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isSpecifiedScalarType,
} from 'graphql/index.js';
import { describe, expect, it } from 'vitest';
import { schema } from './index';

/** Every schema element that lacks a description, as `Type`, `Type.field`, `Type.field(arg)` or `Enum.VALUE`. */
export function undescribed(): string[] {
  const missing: string[] = [];
  const has = (d: string | null | undefined) => !!d?.trim();
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || isSpecifiedScalarType(type)) continue;
    if (!has(type.description)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const f of Object.values(type.getFields())) {
        if (!has(f.description)) missing.push(`${type.name}.${f.name}`);
        for (const a of 'args' in f ? f.args : [])
          if (!has(a.description)) missing.push(`${type.name}.${f.name}(${a.name})`);
      }
    }
    if (isEnumType(type))
      for (const v of type.getValues()) if (!has(v.description)) missing.push(`${type.name}.${v.name}`);
  }
  return missing;
}

describe('schema descriptions', () => {
  it('every type, field, argument, input field and enum value has one', () => {
    expect(undescribed()).toEqual([]);
  });
});
