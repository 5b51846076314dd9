CREATE TABLE "usage_hourly" (
	"hour" timestamp with time zone NOT NULL,
	"org_id" text NOT NULL,
	"api_key_id" text NOT NULL,
	"policy_id" text DEFAULT '' NOT NULL,
	"model_id" text DEFAULT '' NOT NULL,
	"provider_id" text DEFAULT '' NOT NULL,
	"region_id" text DEFAULT '' NOT NULL,
	"country" text DEFAULT '' NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"errors" integer DEFAULT 0 NOT NULL,
	"input_tokens" bigint DEFAULT 0 NOT NULL,
	"output_tokens" bigint DEFAULT 0 NOT NULL,
	"cached_input_tokens" bigint DEFAULT 0 NOT NULL,
	"reasoning_tokens" bigint DEFAULT 0 NOT NULL,
	"upstream_cost_micro" bigint DEFAULT 0 NOT NULL,
	"charge_micro" bigint DEFAULT 0 NOT NULL,
	"energy_wh_min" double precision DEFAULT 0 NOT NULL,
	"energy_wh_max" double precision DEFAULT 0 NOT NULL,
	"gco2e_min" double precision DEFAULT 0 NOT NULL,
	"gco2e_max" double precision DEFAULT 0 NOT NULL,
	"latency_ms_sum" bigint DEFAULT 0 NOT NULL,
	"cache_hits" integer DEFAULT 0 NOT NULL,
	"cost_saved_micro" bigint DEFAULT 0 NOT NULL,
	"avoided_energy_wh_min" double precision DEFAULT 0 NOT NULL,
	"avoided_energy_wh_max" double precision DEFAULT 0 NOT NULL,
	"avoided_gco2e_min" double precision DEFAULT 0 NOT NULL,
	"avoided_gco2e_max" double precision DEFAULT 0 NOT NULL,
	"embedding_requests" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "usage_hourly_org_id_hour_api_key_id_policy_id_model_id_provider_id_region_id_country_pk" PRIMARY KEY("org_id","hour","api_key_id","policy_id","model_id","provider_id","region_id","country")
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "prev_hash" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "hash" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "grid_year" integer;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "catalog_version" text;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_log_hash_idx" ON "audit_log" USING btree ("hash");