import { createGraphQLError } from 'graphql-yoga';
import { builder } from '../builder';

/** ISO 8601 date-time, always serialised in UTC. */
builder.scalarType('DateTime', {
  description: 'An ISO 8601 date-time, e.g. 2026-11-21T00:00:00Z. Serialised in UTC.',
  serialize: (v) => (v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString()),
  // Years 1 to 9999 only: JavaScript dates reach year 275760, PostgreSQL refuses them as out of range.
  // The refusal quotes at most 40 characters of what was sent.
  parseValue: (v) => {
    const d = typeof v === 'string' ? new Date(v) : null;
    const year = d?.getUTCFullYear() ?? Number.NaN;
    if (!d || Number.isNaN(d.getTime()) || year < 1 || year > 9999)
      throw createGraphQLError(
        `DateTime must be an ISO 8601 string between years 1 and 9999, got ${JSON.stringify(v)?.slice(0, 40)}`,
        { extensions: { code: 'BAD_USER_INPUT' } },
      );
    return d;
  },
});

builder.scalarType('JSON', {
  description: 'Arbitrary JSON.',
  serialize: (v) => v,
  parseValue: (v) => v,
});

/** A range of an estimate: EcoLogits' low and high runs, and their midpoint. */
export const RangeRef = builder.objectRef<{ min: number; max: number; mid?: number }>('Range').implement({
  description: 'A ranged estimate: min (low run), max (high run) and their midpoint.',
  fields: (t) => ({
    min: t.exposeFloat('min', { description: 'Low run: the smaller parameter counts and PUE.' }),
    max: t.exposeFloat('max', { description: 'High run: the larger parameter counts and PUE.' }),
    mid: t.float({
      description: 'Midpoint of min and max, the central value.',
      resolve: (r) => r.mid ?? (r.min + r.max) / 2,
    }),
  }),
});

/** An interval of catalog inputs (parameters in billions, PUE). */
export const MinMaxRef = builder.objectRef<{ min: number; max: number }>('MinMax').implement({
  description:
    'An interval of a catalog input (parameters in billions, PUE); min equals max when the figure is exact.',
  fields: (t) => ({
    min: t.exposeFloat('min', { description: 'Lower bound.' }),
    max: t.exposeFloat('max', { description: 'Upper bound.' }),
  }),
});
