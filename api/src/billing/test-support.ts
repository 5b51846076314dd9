/**
 * Test-only builders for the billing suites: a request row with just what recording needs, and an
 * organisation funded through the ledger (the only way a balance can move). Never imported by
 * production code.
 */
import type { Db } from '../db/client';
import { organizations } from '../db/schema';
import { grantCredit } from './ledger';
import type { RequestInsert } from './record';

/** A finished request of `orgId` charged `chargeMicro` µUSD; `extra` adds or overrides fields. */
export function testRow(
  id: string,
  orgId: string,
  chargeMicro: number,
  extra: Partial<RequestInsert> = {},
): RequestInsert {
  return {
    id,
    createdAt: new Date('2026-11-21T10:00:00Z'),
    orgId,
    apiKeyId: 'key_x',
    surface: 'rest',
    stream: false,
    status: 'ok',
    requestedModel: 'm',
    latencyMs: 1,
    chargeMicro,
    route: {},
    ...extra,
  };
}

/** Creates organisation `id` and grants it `grantMicro` µUSD through the ledger. */
export async function fundedOrg(db: Db, id: string, grantMicro: number): Promise<void> {
  await db.insert(organizations).values({ id, name: id });
  await grantCredit(db, { orgId: id, amountMicro: grantMicro, kind: 'grant', note: null, actorKeyId: null });
}
