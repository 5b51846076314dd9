CREATE TABLE "response_cache" (
	"org_id" text NOT NULL,
	"key" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"endpoint_id" text NOT NULL,
	"request_id" text NOT NULL,
	"answer" jsonb NOT NULL,
	CONSTRAINT "response_cache_org_id_key_pk" PRIMARY KEY("org_id","key")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "cache_ttl_seconds" integer;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "cache_hit" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "cost_saved_micro" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "avoided_energy_wh_min" double precision;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "avoided_energy_wh_max" double precision;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "avoided_gco2e_min" double precision;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "avoided_gco2e_max" double precision;--> statement-breakpoint
ALTER TABLE "usage_daily" ADD COLUMN "cache_hits" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_daily" ADD COLUMN "cost_saved_micro" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_daily" ADD COLUMN "avoided_energy_wh_min" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_daily" ADD COLUMN "avoided_energy_wh_max" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_daily" ADD COLUMN "avoided_gco2e_min" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_daily" ADD COLUMN "avoided_gco2e_max" double precision DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE INDEX "response_cache_expires_idx" ON "response_cache" USING btree ("expires_at");