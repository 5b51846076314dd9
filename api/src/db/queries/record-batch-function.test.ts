import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RECORD_BATCH_FUNCTION } from './credit';

const DRIZZLE = join(import.meta.dirname, '../../../drizzle');

describe('the record_batch function', () => {
  it('is defined by the latest migration that touches it exactly as credit.ts builds it', () => {
    // The hot path runs the function; credit.ts keeps the statement's text beside the other queries.
    // A change to either without a new migration would record batches with a statement nobody reads.
    const defining = readdirSync(DRIZZLE)
      .filter((f) => f.endsWith('.sql'))
      .sort()
      .filter((f) => readFileSync(join(DRIZZLE, f), 'utf8').includes('FUNCTION "record_batch"'));
    expect(defining.length).toBeGreaterThan(0);
    const latest = readFileSync(join(DRIZZLE, defining.at(-1)!), 'utf8');
    expect(latest).toContain(RECORD_BATCH_FUNCTION);
  });
});
