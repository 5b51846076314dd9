/** The Pothos builder. It defines no types: each type lives in its own file under types/. */
import SchemaBuilder from '@pothos/core';
import ErrorsPlugin from '@pothos/plugin-errors';
import type { Context } from './context';

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  Scalars: {
    DateTime: { Input: Date; Output: Date | string };
    JSON: { Input: unknown; Output: unknown };
    Date: { Input: string; Output: string };
    SafeInt: { Input: number; Output: number };
    ID: { Input: string; Output: string };
  };
}>({
  plugins: [ErrorsPlugin],
  defaultFieldNullability: false,
  errors: { defaultTypes: [] },
});

builder.queryType({
  description:
    'Reads: the public catalog and methodology, and (with a key) usage, requests, credits, policies and accounts.',
});
builder.mutationType({
  description:
    'Writes: inference (`complete`), routing policies, API keys, organisations and credit grants; each needs a key with the right scope.',
});
