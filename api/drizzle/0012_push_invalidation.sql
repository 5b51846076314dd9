-- Pushed invalidation (api/src/cluster/bus.ts): every writer — GraphQL, REST, the CLI, another
-- gateway node — notifies the channel `lowrouter_events` with a JSON event, delivered by PostgreSQL
-- to every listening gateway process when the writing transaction commits (never if it rolls back).
-- Runs on PGlite too, where nobody listens across processes (one process: in-process bus).
--
--  api_keys changed (revoked, scopes, policy, limits…) or deleted → {"kind":"key","id":…}
--    (not for last_used_at alone: nodes flush it every 30 s, and no cache holds it)
--  routing_policies created, changed (a new org default included) or deleted
--    → {"kind":"policy","id":…,"orgId":…}
--  grid_factor_versions inserted (`lowrouter grid import`), once per statement → {"kind":"grid"}
CREATE FUNCTION "lowrouter_notify_key"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lowrouter_events', json_build_object('kind', 'key', 'id', OLD."id")::text);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "api_keys_notify_update" AFTER UPDATE ON "api_keys" FOR EACH ROW
  WHEN ((to_jsonb(OLD) - 'last_used_at') IS DISTINCT FROM (to_jsonb(NEW) - 'last_used_at'))
  EXECUTE FUNCTION "lowrouter_notify_key"();--> statement-breakpoint
CREATE TRIGGER "api_keys_notify_delete" AFTER DELETE ON "api_keys" FOR EACH ROW
  EXECUTE FUNCTION "lowrouter_notify_key"();--> statement-breakpoint
CREATE FUNCTION "lowrouter_notify_policy"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  r "routing_policies";
BEGIN
  IF TG_OP = 'DELETE' THEN r := OLD; ELSE r := NEW; END IF;
  PERFORM pg_notify('lowrouter_events',
    json_build_object('kind', 'policy', 'id', r."id", 'orgId', r."org_id")::text);
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "routing_policies_notify" AFTER INSERT OR UPDATE OR DELETE ON "routing_policies"
  FOR EACH ROW EXECUTE FUNCTION "lowrouter_notify_policy"();--> statement-breakpoint
CREATE FUNCTION "lowrouter_notify_grid"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('lowrouter_events', '{"kind":"grid"}');
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "grid_factor_versions_notify" AFTER INSERT ON "grid_factor_versions"
  FOR EACH STATEMENT EXECUTE FUNCTION "lowrouter_notify_grid"();
