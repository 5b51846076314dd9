/**
 * The hot path's credit and record statements, as fixed SQL text built once at module load. Each call
 * only binds parameters, so no query builder runs per request and postgres.js reuses one prepared
 * statement per connection (its cache is keyed by text). Variable-length inputs (a batch of rows) are
 * ONE jsonb parameter, so the text, and the prepared plan, do not depend on the batch size.
 *
 * Balances are never written here: credit_ledger inserts move them (trigger, migration 0003).
 */
import { type SQL, sql } from 'drizzle-orm';

/** `statement(['a ', ' b'])(x)` is sql`a ${x} b` with the strings built once and shared by every call. */
function statement<A extends unknown[]>(parts: readonly string[]): (...args: A) => SQL {
  const strings = Object.assign([...parts], { raw: [...parts] }) as unknown as TemplateStringsArray;
  return (...args: A) => sql(strings, ...args);
}

const ROLLUP_KEY = 'org_id, day, api_key_id, policy_id, model_id, provider_id, region_id, country';
const HOURLY_KEY = 'org_id, hour, api_key_id, policy_id, model_id, provider_id, region_id, country';
const SUM_COLUMNS = [
  'requests',
  'errors',
  'input_tokens',
  'output_tokens',
  'cached_input_tokens',
  'reasoning_tokens',
  'upstream_cost_micro',
  'charge_micro',
  'energy_wh_min',
  'energy_wh_max',
  'gco2e_min',
  'gco2e_max',
  'latency_ms_sum',
  'cache_hits',
  'cost_saved_micro',
  'avoided_energy_wh_min',
  'avoided_energy_wh_max',
  'avoided_gco2e_min',
  'avoided_gco2e_max',
  'embedding_requests',
];
const sums = (table: string) => SUM_COLUMNS.map((c) => `${c} = ${table}.${c} + excluded.${c}`).join(', ');
const ROLLUP_SUMS = sums('usage_daily');
const HOURLY_SUMS = sums('usage_hourly');

/**
 * The `record_batch` function (migration 0013): one batch of finished requests, in ONE statement
 * (atomic by itself, one round trip). Its parameters: request rows (every column, snake_case;
 * charge_micro is what is debited), whether to debit them (false when the caller wrote the ledger row
 * itself), ids of exact reservations to release, lease holds to shrink [{lease_id, amount}] (one entry
 * per lease), usage_daily increments pre-aggregated per rollup key, and usage_hourly increments
 * pre-aggregated per hourly key. Debits are derived from the rows; reserved_micro drops by what was
 * actually released or shrunk.
 *
 * The hot path calls the function (recordBatchSql) rather than sending the statement: plpgsql keeps a
 * statement's parse and plan for the session, so the eight-part statement is parsed and planned once
 * per connection instead of at every batch. That is what it cost on PGlite, which has no named
 * prepared statements through its query API: 2.6-3.9 ms per single-row batch as a statement, 1.1-1.2
 * ms prepared. record-batch-function.test.ts checks that the migration holds exactly this text: a
 * change here needs a new migration replacing the function.
 */
export const RECORD_BATCH_FUNCTION = `CREATE OR REPLACE FUNCTION "record_batch"(
  p_rows jsonb, p_debits boolean, p_releases jsonb, p_shrinks jsonb, p_rollups jsonb, p_hourly jsonb,
  OUT orgs integer, OUT leases integer
) LANGUAGE plpgsql AS $$
BEGIN
  with rows as (select * from jsonb_populate_recordset(null::requests, p_rows)),
  req as (insert into requests select * from rows),
  led as (
    insert into credit_ledger (org_id, kind, amount_micro, request_id, actor_key_id)
    select org_id, 'usage', -charge_micro, id, api_key_id from rows where charge_micro > 0 and p_debits
  ),
  rel as (
    delete from credit_reservations r using jsonb_array_elements_text(p_releases) x(id)
    where r.request_id = x.id returning r.org_id, r.amount_micro
  ),
  shr as (
    update credit_reservations r set amount_micro = r.amount_micro - x.amount
    from jsonb_to_recordset(p_shrinks) as x(lease_id text, amount bigint)
    where r.request_id = x.lease_id returning r.org_id, x.amount as amount_micro
  ),
  org as (
    update organizations o set reserved_micro = o.reserved_micro - d.amount
    from (select org_id, sum(amount_micro) as amount
          from (select org_id, amount_micro from rel union all select org_id, amount_micro from shr) u
          group by org_id) d
    where o.id = d.org_id and d.amount <> 0
    returning o.id
  ),
  roll as (
    insert into usage_daily select * from jsonb_populate_recordset(null::usage_daily, p_rollups)
    on conflict (${ROLLUP_KEY}) do update set ${ROLLUP_SUMS}
  ),
  rollh as (
    insert into usage_hourly select * from jsonb_populate_recordset(null::usage_hourly, p_hourly)
    on conflict (${HOURLY_KEY}) do update set ${HOURLY_SUMS}
  )
  select (select count(*) from org)::int, (select count(*) from shr)::int INTO orgs, leases;
END
$$;`;

/** A batch through `record_batch`: arguments as in RECORD_BATCH_FUNCTION, one parameter each. */
export const recordBatchSql = statement<
  [rows: string, debits: boolean, releases: string, shrinks: string, rollups: string, hourly: string]
>([
  'select orgs, leases from record_batch(',
  '::jsonb, ',
  '::boolean, ',
  '::jsonb, ',
  '::jsonb, ',
  '::jsonb, ',
  '::jsonb)',
]);

/**
 * Holds credit for one request: the conditional update takes the organisation's row lock and
 * re-checks the condition, the reservation row exists iff it passed. Returns ok and what is still
 * available after it (null when refused).
 */
export const reserveSql = statement<
  [amount: number, orgId: string, amount: number, requestId: string, amount: number, nodeId: string]
>([
  `with held as (
    update organizations set reserved_micro = reserved_micro + `,
  `::bigint where id = `,
  `::text and balance_micro - reserved_micro >= `,
  `::bigint
    returning id, balance_micro - reserved_micro as available
  ), ins as (
    insert into credit_reservations (request_id, org_id, amount_micro, node_id)
    select `,
  `::text, id, `,
  `::bigint, `,
  `::text from held returning request_id
  )
  select (select count(*) from ins)::int as ok, (select available from held) as available`,
]);

/**
 * Extends (or opens) a node's credit lease on an organisation, in one statement. Under the
 * organisation's row lock (taken after the lease row's, the order record batches use): grants
 * least(want, floor(available * fraction)) if available >= minAvailable and the grant >= minGrant,
 * else nothing. Returns granted (0 when refused), available before, and the lease's new hold.
 */
export const leaseExtendSql = statement<
  [
    leaseId: string,
    orgId: string,
    want: number,
    fractionPerMille: number,
    minAvailable: number,
    minGrant: number,
    leaseId: string,
    nodeId: string,
  ]
>([
  `with lk as (select request_id from credit_reservations where request_id = `,
  `::text for update),
  cur as (
    select id, balance_micro - reserved_micro as available from organizations
    where id = `,
  `::text and (select count(*) from lk) >= 0 for update
  ),
  g as (
    select id, available, least(`,
  `::bigint, (available * `,
  `::bigint) / 1000) as amount from cur
  ),
  ok as (select id, amount from g where available >= `,
  `::bigint and amount >= `,
  `::bigint),
  upd as (
    update organizations o set reserved_micro = o.reserved_micro + ok.amount from ok where o.id = ok.id
    returning o.id
  ),
  ins as (
    insert into credit_reservations (request_id, org_id, amount_micro, node_id)
    select `,
  `::text, id, amount, `,
  `::text from ok where exists (select 1 from upd)
    on conflict (request_id) do update set amount_micro = credit_reservations.amount_micro + excluded.amount_micro
    returning amount_micro
  )
  select coalesce((select amount from ok), 0) as granted, (select available from cur) as available,
    (select amount_micro from ins) as held`,
]);

/** Gives `amount` of a lease back to the organisation (lease row first, then the organisation). */
export const leaseReturnSql = statement<[amount: number, leaseId: string, amount: number]>([
  `with shr as (
    update credit_reservations set amount_micro = amount_micro - `,
  `::bigint
    where request_id = `,
  `::text returning org_id, amount_micro
  ), org as (
    update organizations o set reserved_micro = o.reserved_micro - `,
  `::bigint from shr where o.id = shr.org_id
    returning o.id
  )
  select (select amount_micro from shr) as held, (select count(*) from org)::int as orgs`,
]);

/** Releases every lease a node holds (shutdown): lease rows first, then their organisations. */
export const leasesReleaseAllSql = statement<[nodeId: string]>([
  `with gone as (
    delete from credit_reservations where node_id = `,
  `::text and request_id like 'lease:%' returning org_id, amount_micro
  ), org as (
    update organizations o set reserved_micro = o.reserved_micro - d.amount
    from (select org_id, sum(amount_micro) as amount from gone group by org_id) d where o.id = d.org_id
    returning o.id
  )
  select (select count(*) from gone)::int as leases, coalesce((select sum(amount_micro) from gone), 0) as amount`,
]);
