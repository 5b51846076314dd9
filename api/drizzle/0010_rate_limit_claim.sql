-- claim_rate_limit_slice: one node's claim on a key's shared per-minute limits (inference/shared-rate-limit.ts),
-- in ONE round trip. Under the row's lock it grants, for each limited dimension (requests, tokens),
-- least(ask, what is left) — but only if what is left covers `min` in EVERY limited dimension; otherwise
-- it grants nothing. A total therefore never passes its limit, whatever the number of nodes claiming.
-- A null limit means that dimension is not limited: nothing is claimed or counted for it.
-- Returns what was granted and what is left for the window after the claim (null when not limited).
-- Runs on PostgreSQL and on PGlite (both have plpgsql); only PostgreSQL deployments call it.
CREATE FUNCTION "claim_rate_limit_slice"(
  p_key_id text, p_window_start timestamptz,
  p_requests_min integer, p_requests_ask integer, p_requests_limit integer,
  p_tokens_min bigint, p_tokens_ask bigint, p_tokens_limit bigint,
  OUT granted_requests integer, OUT granted_tokens bigint,
  OUT left_requests integer, OUT left_tokens bigint
) LANGUAGE plpgsql AS $$
DECLARE
  claimed_requests integer;
  claimed_tokens bigint;
BEGIN
  -- Creates the window's row, or locks the existing one (a no-op update), and reads its totals.
  INSERT INTO "rate_limit_windows" AS w ("key_id", "window_start") VALUES (p_key_id, p_window_start)
  ON CONFLICT ("key_id", "window_start") DO UPDATE SET "requests" = w."requests"
  RETURNING w."requests", w."tokens" INTO claimed_requests, claimed_tokens;
  left_requests := CASE WHEN p_requests_limit IS NULL THEN NULL ELSE greatest(p_requests_limit - claimed_requests, 0) END;
  left_tokens := CASE WHEN p_tokens_limit IS NULL THEN NULL ELSE greatest(p_tokens_limit - claimed_tokens, 0) END;
  IF (left_requests IS NOT NULL AND left_requests < p_requests_min)
     OR (left_tokens IS NOT NULL AND left_tokens < p_tokens_min) THEN
    granted_requests := 0;
    granted_tokens := 0;
    RETURN;
  END IF;
  granted_requests := coalesce(least(greatest(p_requests_ask, p_requests_min), left_requests), 0);
  granted_tokens := coalesce(least(greatest(p_tokens_ask, p_tokens_min), left_tokens), 0);
  IF granted_requests > 0 OR granted_tokens > 0 THEN
    UPDATE "rate_limit_windows"
    SET "requests" = "requests" + granted_requests, "tokens" = "tokens" + granted_tokens
    WHERE "key_id" = p_key_id AND "window_start" = p_window_start;
    left_requests := left_requests - granted_requests;
    left_tokens := left_tokens - granted_tokens;
  END IF;
END $$;
