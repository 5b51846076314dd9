-- organizations.balance_micro is the sum of credit_ledger.amount_micro, by construction:
--   * a statement-level AFTER INSERT trigger on credit_ledger adds each statement's new rows to their
--     organisations' balances, one UPDATE per organisation per statement (a batch of 256 debits for one
--     organisation is one row update, not 256);
--   * BEFORE INSERT / UPDATE OF balance_micro triggers on organizations refuse any other change to balance_micro
--     (pg_trigger_depth() is 1 for a statement a client sent, 2 inside the ledger trigger);
--   * credit_ledger is append-only: UPDATE and DELETE are refused.
-- Together with the CHECK (0 <= reserved_micro <= balance_micro) of 0002, no statement can spend or
-- hold credit that is not in the ledger. Runs on PostgreSQL and on PGlite (both have plpgsql).
UPDATE "organizations" o SET "balance_micro" = coalesce(
  (SELECT sum(l."amount_micro") FROM "credit_ledger" l WHERE l."org_id" = o."id"), 0)
WHERE o."balance_micro" IS DISTINCT FROM coalesce(
  (SELECT sum(l."amount_micro") FROM "credit_ledger" l WHERE l."org_id" = o."id"), 0);--> statement-breakpoint
CREATE FUNCTION "credit_ledger_to_balance"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE "organizations" o SET "balance_micro" = o."balance_micro" + d."delta"
  FROM (SELECT "org_id", sum("amount_micro") AS "delta" FROM "ledger_new_rows" GROUP BY "org_id") d
  WHERE o."id" = d."org_id" AND d."delta" <> 0;
  RETURN NULL;
END $$;--> statement-breakpoint
CREATE TRIGGER "credit_ledger_to_balance" AFTER INSERT ON "credit_ledger"
  REFERENCING NEW TABLE AS "ledger_new_rows"
  FOR EACH STATEMENT EXECUTE FUNCTION "credit_ledger_to_balance"();--> statement-breakpoint
CREATE FUNCTION "credit_ledger_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'credit_ledger is append-only: add a correcting entry instead of changing one'
    USING ERRCODE = 'insufficient_privilege';
END $$;--> statement-breakpoint
CREATE TRIGGER "credit_ledger_append_only" BEFORE UPDATE OR DELETE ON "credit_ledger"
  FOR EACH ROW EXECUTE FUNCTION "credit_ledger_append_only"();--> statement-breakpoint
CREATE FUNCTION "organizations_balance_guard"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    IF NEW."balance_micro" <> 0 THEN
      RAISE EXCEPTION 'organizations.balance_micro starts at 0; add credit with a credit_ledger entry'
        USING ERRCODE = 'check_violation';
    END IF;
  ELSIF NEW."balance_micro" IS DISTINCT FROM OLD."balance_micro" AND pg_trigger_depth() < 2 THEN
    RAISE EXCEPTION 'organizations.balance_micro changes only through credit_ledger inserts'
      USING ERRCODE = 'check_violation';
  END IF;
  RETURN NEW;
END $$;--> statement-breakpoint
CREATE TRIGGER "organizations_balance_guard_insert" BEFORE INSERT ON "organizations"
  FOR EACH ROW WHEN (NEW."balance_micro" <> 0) EXECUTE FUNCTION "organizations_balance_guard"();--> statement-breakpoint
-- Column-specific and conditional, so the hot path's reserved_micro updates never call it.
CREATE TRIGGER "organizations_balance_guard_update" BEFORE UPDATE OF "balance_micro" ON "organizations"
  FOR EACH ROW WHEN (NEW."balance_micro" IS DISTINCT FROM OLD."balance_micro")
  EXECUTE FUNCTION "organizations_balance_guard"();
