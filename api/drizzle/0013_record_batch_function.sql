-- record_batch: the durable record of a batch of finished requests (request rows, ledger debits,
-- reservation releases, lease shrinks, daily and hourly rollups) as ONE statement inside a plpgsql
-- function, so that its parse and plan are kept for the session instead of redone at every batch
-- (api/src/db/queries/credit.ts, RECORD_BATCH_FUNCTION, is the source of this text; a test checks they match).
-- Runs on PostgreSQL and on PGlite.
CREATE OR REPLACE FUNCTION "record_batch"(
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
    on conflict (org_id, day, api_key_id, policy_id, model_id, provider_id, region_id, country) do update set requests = usage_daily.requests + excluded.requests, errors = usage_daily.errors + excluded.errors, input_tokens = usage_daily.input_tokens + excluded.input_tokens, output_tokens = usage_daily.output_tokens + excluded.output_tokens, cached_input_tokens = usage_daily.cached_input_tokens + excluded.cached_input_tokens, reasoning_tokens = usage_daily.reasoning_tokens + excluded.reasoning_tokens, upstream_cost_micro = usage_daily.upstream_cost_micro + excluded.upstream_cost_micro, charge_micro = usage_daily.charge_micro + excluded.charge_micro, energy_wh_min = usage_daily.energy_wh_min + excluded.energy_wh_min, energy_wh_max = usage_daily.energy_wh_max + excluded.energy_wh_max, gco2e_min = usage_daily.gco2e_min + excluded.gco2e_min, gco2e_max = usage_daily.gco2e_max + excluded.gco2e_max, latency_ms_sum = usage_daily.latency_ms_sum + excluded.latency_ms_sum, cache_hits = usage_daily.cache_hits + excluded.cache_hits, cost_saved_micro = usage_daily.cost_saved_micro + excluded.cost_saved_micro, avoided_energy_wh_min = usage_daily.avoided_energy_wh_min + excluded.avoided_energy_wh_min, avoided_energy_wh_max = usage_daily.avoided_energy_wh_max + excluded.avoided_energy_wh_max, avoided_gco2e_min = usage_daily.avoided_gco2e_min + excluded.avoided_gco2e_min, avoided_gco2e_max = usage_daily.avoided_gco2e_max + excluded.avoided_gco2e_max, embedding_requests = usage_daily.embedding_requests + excluded.embedding_requests
  ),
  rollh as (
    insert into usage_hourly select * from jsonb_populate_recordset(null::usage_hourly, p_hourly)
    on conflict (org_id, hour, api_key_id, policy_id, model_id, provider_id, region_id, country) do update set requests = usage_hourly.requests + excluded.requests, errors = usage_hourly.errors + excluded.errors, input_tokens = usage_hourly.input_tokens + excluded.input_tokens, output_tokens = usage_hourly.output_tokens + excluded.output_tokens, cached_input_tokens = usage_hourly.cached_input_tokens + excluded.cached_input_tokens, reasoning_tokens = usage_hourly.reasoning_tokens + excluded.reasoning_tokens, upstream_cost_micro = usage_hourly.upstream_cost_micro + excluded.upstream_cost_micro, charge_micro = usage_hourly.charge_micro + excluded.charge_micro, energy_wh_min = usage_hourly.energy_wh_min + excluded.energy_wh_min, energy_wh_max = usage_hourly.energy_wh_max + excluded.energy_wh_max, gco2e_min = usage_hourly.gco2e_min + excluded.gco2e_min, gco2e_max = usage_hourly.gco2e_max + excluded.gco2e_max, latency_ms_sum = usage_hourly.latency_ms_sum + excluded.latency_ms_sum, cache_hits = usage_hourly.cache_hits + excluded.cache_hits, cost_saved_micro = usage_hourly.cost_saved_micro + excluded.cost_saved_micro, avoided_energy_wh_min = usage_hourly.avoided_energy_wh_min + excluded.avoided_energy_wh_min, avoided_energy_wh_max = usage_hourly.avoided_energy_wh_max + excluded.avoided_energy_wh_max, avoided_gco2e_min = usage_hourly.avoided_gco2e_min + excluded.avoided_gco2e_min, avoided_gco2e_max = usage_hourly.avoided_gco2e_max + excluded.avoided_gco2e_max, embedding_requests = usage_hourly.embedding_requests + excluded.embedding_requests
  )
  select (select count(*) from org)::int, (select count(*) from shr)::int INTO orgs, leases;
END
$$;
