/**
 * Money invariants an end-to-end test checks after hostile traffic, read straight from the database:
 * the balance equals the sum of the ledger, nothing stays reserved, and the most a request could have
 * been charged (its reservation), recomputed from the catalog with the gateway's own pure functions.
 */
import { maxChargeMicro } from '@lowrouter/api/billing/price';
import { inputTokenUpperBound } from '@lowrouter/api/inference/bounds';
import { parseCanonicalRequest, requestedMaxTokens } from '@lowrouter/api/providers/canonical';
import type { GatewayWithFakes } from './gateway-with-fakes';

/** The default platform fee (config LOWROUTER_FEE_PERCENT), percent. */
const FEE_PERCENT = 5;

export async function moneyState(g: GatewayWithFakes, orgId: string) {
  // The node's credit lease holds credit for requests to come; give its spare back so `reserved` is
  // what requests still hold (none, once all have settled).
  await g.gateway.returnIdleCredit();
  const [org] = await g.gateway.db.exec(
    'select balance_micro, reserved_micro from organizations where id = $1',
    [orgId],
  );
  const [ledger] = await g.gateway.db.exec(
    'select coalesce(sum(amount_micro), 0) as total from credit_ledger where org_id = $1',
    [orgId],
  );
  const [held] = await g.gateway.db.exec(
    'select count(*) as n from credit_reservations where org_id = $1 and amount_micro > 0',
    [orgId],
  );
  return {
    balanceMicro: Number(org!.balance_micro),
    reservedMicro: Number(org!.reserved_micro),
    ledgerMicro: Number(ledger!.total),
    openReservations: Number(held!.n),
  };
}

/** What the gateway reserves for `body` on `endpointId`: the most that request may be charged, µUSD. */
export async function reservationFor(
  g: GatewayWithFakes,
  body: unknown,
  endpointId: string,
): Promise<number> {
  const parsed = parseCanonicalRequest(body);
  if (!parsed.ok) throw new Error('reservationFor needs a valid request');
  const [row] = await g.gateway.db.exec(
    `select e.input_micro_per_mtok, e.output_micro_per_mtok, e.cached_input_micro_per_mtok,
            e.cache_write_micro_per_mtok, m.max_output_tokens
       from endpoints e join models m on m.id = e.model_id where e.id = $1`,
    [endpointId],
  );
  const n = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  const maxOut = Math.min(requestedMaxTokens(parsed.request) ?? Infinity, Number(row!.max_output_tokens));
  return maxChargeMicro(
    inputTokenUpperBound(parsed.request),
    maxOut,
    {
      inputMicroPerMTok: Number(row!.input_micro_per_mtok),
      outputMicroPerMTok: Number(row!.output_micro_per_mtok),
      cachedInputMicroPerMTok: n(row!.cached_input_micro_per_mtok),
      cacheWriteMicroPerMTok: n(row!.cache_write_micro_per_mtok),
    },
    FEE_PERCENT,
  );
}

/** Text no response body may carry: stack frames, source paths, SQL or driver internals. */
export const INTERNALS =
  /\n\s+at |\bat [\w.<>]+ \(|\/src\/|node_modules|\.ts:\d+|\bselect\b.+\bfrom\b|\binsert into\b|violates|PostgresError|pglite/i;
