import { Kind, print } from 'graphql';
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

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `value` when it is a real calendar day written YYYY-MM-DD (2026-02-30 is not), else null. */
export function calendarDay(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const m = DAY.exec(value);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const t = new Date(0);
  t.setUTCFullYear(y, mo - 1, d); // not Date.UTC: it reads years 0 to 99 as 1900 to 1999
  return y >= 1 && t.getUTCFullYear() === y && t.getUTCMonth() === mo - 1 && t.getUTCDate() === d
    ? value
    : null;
}

const badDay = (v: unknown) =>
  createGraphQLError(
    `Date must be a calendar day written YYYY-MM-DD (UTC), e.g. 2026-11-21; got ${JSON.stringify(v)?.slice(0, 40)}`,
    { extensions: { code: 'BAD_USER_INPUT' } },
  );

/** A UTC calendar day: rollup days, ISO week starts, month starts. */
builder.scalarType('Date', {
  description: 'A UTC calendar day, YYYY-MM-DD (e.g. 2026-11-21). Refused on input unless it is a real day.',
  serialize: (v) => {
    const day =
      (v as unknown) instanceof Date ? (v as unknown as Date).toISOString().slice(0, 10) : calendarDay(v);
    if (!day) throw new TypeError(`not a calendar day: ${String(v).slice(0, 40)}`);
    return day;
  },
  parseValue: (v) =>
    calendarDay(v) ??
    (() => {
      throw badDay(v);
    })(),
  parseLiteral: (node) => {
    const v = node.kind === Kind.STRING ? node.value : print(node);
    return (
      calendarDay(v) ??
      (() => {
        throw badDay(v);
      })()
    );
  },
});

/**
 * A whole count that may pass 2^31 − 1 (GraphQL's Int), e.g. tokens summed over a month: an integer up
 * to 2^53 − 1, sent as a JSON number.
 */
builder.scalarType('SafeInt', {
  description:
    'A whole number from -(2^53 - 1) to 2^53 - 1, sent as a JSON number: counts that can outgrow Int (32 bits), such as tokens summed over a range.',
  serialize: (v) => {
    const n = typeof v === 'bigint' ? Number(v) : v;
    if (typeof n !== 'number' || !Number.isSafeInteger(n))
      throw new TypeError(`not a safe integer: ${String(v).slice(0, 40)}`);
    return n;
  },
  parseValue: (v) => {
    if (typeof v !== 'number' || !Number.isSafeInteger(v))
      throw createGraphQLError(
        `SafeInt must be a whole number within ±(2^53 - 1); got ${JSON.stringify(v)?.slice(0, 40)}`,
        {
          extensions: { code: 'BAD_USER_INPUT' },
        },
      );
    return v;
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
