-- audit_log is append-only: UPDATE, DELETE and TRUNCATE are refused, so an entry can only be changed
-- by someone who can also disable triggers (a superuser); `lowrouter audit verify` then finds the
-- change through the hash chain (api/src/audit.ts). Runs on PostgreSQL and on PGlite.
--
-- usage_hourly starts with the hours of every request row already recorded (the same sums
-- api/src/billing/record.ts adds per batch), so local-time usage is exact for the past too.
CREATE FUNCTION "audit_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only: entries cannot be changed or removed'
    USING ERRCODE = 'insufficient_privilege';
END $$;--> statement-breakpoint
CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE OR DELETE ON "audit_log"
  FOR EACH ROW EXECUTE FUNCTION "audit_log_append_only"();--> statement-breakpoint
CREATE TRIGGER "audit_log_no_truncate" BEFORE TRUNCATE ON "audit_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "audit_log_append_only"();--> statement-breakpoint
INSERT INTO "usage_hourly" SELECT
  date_trunc('hour', "created_at" AT TIME ZONE 'UTC') AT TIME ZONE 'UTC', "org_id", "api_key_id",
  coalesce("policy_id", ''), coalesce("model_id", ''), coalesce("provider_id", ''),
  coalesce("region_id", ''), coalesce("country", ''),
  count(*), count(*) FILTER (WHERE "status" <> 'ok'),
  sum("input_tokens"), sum("output_tokens"), sum("cached_input_tokens"), sum("reasoning_tokens"),
  sum("upstream_cost_micro"), sum("charge_micro"),
  coalesce(sum("energy_wh_min"), 0), coalesce(sum("energy_wh_max"), 0),
  coalesce(sum("gco2e_min"), 0), coalesce(sum("gco2e_max"), 0), sum("latency_ms"),
  count(*) FILTER (WHERE "cache_hit"), sum("cost_saved_micro"),
  coalesce(sum("avoided_energy_wh_min"), 0), coalesce(sum("avoided_energy_wh_max"), 0),
  coalesce(sum("avoided_gco2e_min"), 0), coalesce(sum("avoided_gco2e_max"), 0),
  count(*) FILTER (WHERE "surface" = 'embeddings')
FROM "requests"
GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;
