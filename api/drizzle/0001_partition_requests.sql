-- Request rows, partitioned by month on created_at (range), so retention drops whole months
-- (api/src/analytics/partitions.ts) and never touches usage_daily. Same columns, same primary key
-- (created_at, id) and same indexes as 0000; a DEFAULT partition catches rows no monthly partition
-- covers yet (ensurePartitions moves them out). Any rows already present are carried over.
-- Runs on Postgres and on PGlite alike (both support declarative partitioning).
--
-- Indexes (each one is written on every request, so only those the read paths need):
--   requests_created_at_id_pk      (created_at, id): identity; partition key must lead.
--   requests_org_created_idx       (org_id, created_at, id): every read is per organisation, newest
--                                  first: the requests connection walks it backwards with a keyset
--                                  (created_at, id) < cursor, and usage() reads partial edge days by it.
--   requests_org_key_created_idx   (org_id, api_key_id, created_at): the per-key filter.
--   requests_org_errors_idx        (org_id, created_at, id) WHERE status <> 'ok': "show me the
--                                  failures" is the filter dashboards send most; errors are rare, so
--                                  without it a page of them would scan most of the org's rows. Small.
ALTER TABLE "requests" RENAME TO "requests_unpartitioned";--> statement-breakpoint
ALTER TABLE "requests_unpartitioned" RENAME CONSTRAINT "requests_created_at_id_pk" TO "requests_unpartitioned_pk";--> statement-breakpoint
ALTER INDEX "requests_org_created_idx" RENAME TO "requests_unpartitioned_org_created_idx";--> statement-breakpoint
ALTER INDEX "requests_org_key_created_idx" RENAME TO "requests_unpartitioned_org_key_created_idx";--> statement-breakpoint
CREATE TABLE "requests" (LIKE "requests_unpartitioned" INCLUDING DEFAULTS) PARTITION BY RANGE ("created_at");--> statement-breakpoint
ALTER TABLE "requests" ADD CONSTRAINT "requests_created_at_id_pk" PRIMARY KEY ("created_at", "id");--> statement-breakpoint
CREATE INDEX "requests_org_created_idx" ON "requests" USING btree ("org_id", "created_at", "id");--> statement-breakpoint
CREATE INDEX "requests_org_key_created_idx" ON "requests" USING btree ("org_id", "api_key_id", "created_at");--> statement-breakpoint
CREATE INDEX "requests_org_errors_idx" ON "requests" USING btree ("org_id", "created_at", "id") WHERE "status" <> 'ok';--> statement-breakpoint
CREATE TABLE "requests_default" PARTITION OF "requests" DEFAULT;--> statement-breakpoint
INSERT INTO "requests" SELECT * FROM "requests_unpartitioned";--> statement-breakpoint
DROP TABLE "requests_unpartitioned";
