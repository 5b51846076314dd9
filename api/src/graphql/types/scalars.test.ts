/**
 * The Date and SafeInt scalars as BI tools meet them: Date is a real UTC calendar day written
 * YYYY-MM-DD (refused otherwise with a message saying the format), SafeInt carries counts past 2^31.
 */
import { type GraphQLScalarType, Kind } from 'graphql';
import { describe, expect, it } from 'vitest';
import { schema } from '../index';

const scalar = (name: string) => schema.getType(name) as GraphQLScalarType;

describe('Date', () => {
  const date = scalar('Date');

  it('accepts real calendar days, as variables and as literals', () => {
    for (const day of ['2026-11-21', '2024-02-29', '0001-01-01', '9999-12-31']) {
      expect(date.parseValue(day)).toBe(day);
      expect(date.parseLiteral({ kind: Kind.STRING, value: day })).toBe(day);
      expect(date.serialize(day)).toBe(day);
    }
    expect(date.serialize(new Date('2026-11-21T23:59:59Z'))).toBe('2026-11-21');
  });

  it('refuses anything else with a message that shows the format', () => {
    for (const bad of [
      '2026-02-30',
      '2025-02-29',
      '2026-13-01',
      '2026-1-1',
      '2026-11-21T00:00:00Z',
      '',
      20261121,
      null,
    ])
      expect(() => date.parseValue(bad)).toThrow(
        /Date must be a calendar day written YYYY-MM-DD \(UTC\), e\.g\. 2026-11-21/,
      );
    expect(() => date.parseLiteral({ kind: Kind.INT, value: '20261121' })).toThrow(/got "20261121"/);
  });
});

describe('SafeInt', () => {
  const safeInt = scalar('SafeInt');

  it('serialises counts past Int (2^31 - 1) exactly, and refuses what is not a safe integer', () => {
    expect(safeInt.serialize(3_000_000_000)).toBe(3_000_000_000);
    expect(safeInt.serialize(2 ** 53 - 1)).toBe(2 ** 53 - 1);
    expect(() => safeInt.serialize(1.5)).toThrow(/not a safe integer/);
    expect(() => safeInt.serialize(2 ** 53)).toThrow(/not a safe integer/);
    expect(() => safeInt.parseValue('12')).toThrow(/SafeInt must be a whole number/);
  });
});
