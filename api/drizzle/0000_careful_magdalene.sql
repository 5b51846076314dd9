CREATE TABLE "api_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"key_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"instance_admin" boolean DEFAULT false NOT NULL,
	"policy_id" text,
	"requests_per_minute" integer,
	"tokens_per_minute" integer,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"last_used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "audit_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" text,
	"actor_key_id" text,
	"action" text NOT NULL,
	"target_type" text NOT NULL,
	"target_id" text,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_ledger" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"kind" text NOT NULL,
	"amount_micro" bigint NOT NULL,
	"request_id" text,
	"actor_key_id" text,
	"note" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "credit_reservations" (
	"request_id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"amount_micro" bigint NOT NULL,
	"node_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "endpoints" (
	"id" text PRIMARY KEY NOT NULL,
	"model_id" text NOT NULL,
	"provider_id" text NOT NULL,
	"region_id" text NOT NULL,
	"upstream_model" text NOT NULL,
	"input_micro_per_mtok" bigint NOT NULL,
	"output_micro_per_mtok" bigint NOT NULL,
	"cached_input_micro_per_mtok" bigint,
	"cache_write_micro_per_mtok" bigint,
	"price_source" text NOT NULL,
	"price_date" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grid_factor_versions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"region_id" text,
	"country" text,
	"gco2e_per_kwh" double precision NOT NULL,
	"year" integer NOT NULL,
	"source" text NOT NULL,
	"basis" text NOT NULL,
	"import_id" text NOT NULL,
	"valid_from" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meta" (
	"key" text PRIMARY KEY NOT NULL,
	"value" text NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "models" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"vendor" text NOT NULL,
	"architecture" text NOT NULL,
	"open_weights" boolean NOT NULL,
	"active_params_min_b" double precision NOT NULL,
	"active_params_max_b" double precision NOT NULL,
	"total_params_min_b" double precision NOT NULL,
	"total_params_max_b" double precision NOT NULL,
	"params_confidence" text NOT NULL,
	"params_source" text NOT NULL,
	"context_window" integer NOT NULL,
	"max_output_tokens" integer NOT NULL,
	"tier" text NOT NULL,
	"tool_calling" boolean NOT NULL,
	"vision" boolean DEFAULT false NOT NULL,
	"tps" double precision,
	"ttft_seconds" double precision,
	"aliases" text[] DEFAULT '{}'::text[] NOT NULL
);
--> statement-breakpoint
CREATE TABLE "organizations" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"balance_micro" bigint DEFAULT 0 NOT NULL,
	"reserved_micro" bigint DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "providers" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"protocol" text NOT NULL,
	"base_url" text NOT NULL,
	"auth" text NOT NULL,
	"self_hosted" boolean DEFAULT false NOT NULL,
	"pue_min" double precision NOT NULL,
	"pue_max" double precision NOT NULL,
	"pue_source" text NOT NULL,
	"spec" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "regions" (
	"id" text PRIMARY KEY NOT NULL,
	"provider_id" text NOT NULL,
	"provider_region_id" text NOT NULL,
	"name" text NOT NULL,
	"country" text NOT NULL,
	"grid_zone" text NOT NULL,
	"grid_gco2e_per_kwh" double precision NOT NULL,
	"grid_year" integer NOT NULL,
	"grid_source" text NOT NULL,
	"grid_basis" text NOT NULL,
	"grid_origin" text DEFAULT 'catalog' NOT NULL,
	"pue_min" double precision,
	"pue_max" double precision,
	"location_confidence" text NOT NULL,
	"location_note" text,
	"source" text NOT NULL,
	"source_date" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "requests" (
	"id" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"org_id" text NOT NULL,
	"api_key_id" text NOT NULL,
	"surface" text NOT NULL,
	"stream" boolean NOT NULL,
	"status" text NOT NULL,
	"error_kind" text,
	"finish_reason" text,
	"requested_model" text NOT NULL,
	"policy_id" text,
	"policy_kind" text,
	"model_id" text,
	"provider_id" text,
	"region_id" text,
	"endpoint_id" text,
	"country" text,
	"input_tokens" integer DEFAULT 0 NOT NULL,
	"output_tokens" integer DEFAULT 0 NOT NULL,
	"cached_input_tokens" integer DEFAULT 0 NOT NULL,
	"cache_write_tokens" integer DEFAULT 0 NOT NULL,
	"reasoning_tokens" integer DEFAULT 0 NOT NULL,
	"tokens_estimated" boolean DEFAULT false NOT NULL,
	"latency_ms" integer NOT NULL,
	"upstream_latency_ms" integer,
	"upstream_cost_micro" bigint DEFAULT 0 NOT NULL,
	"charge_micro" bigint DEFAULT 0 NOT NULL,
	"energy_wh_min" double precision,
	"energy_wh_max" double precision,
	"gco2e_min" double precision,
	"gco2e_max" double precision,
	"gco2e_embodied_min" double precision,
	"gco2e_embodied_max" double precision,
	"grid_gco2e_per_kwh" double precision,
	"grid_source" text,
	"pue_min" double precision,
	"pue_max" double precision,
	"active_params_min_b" double precision,
	"active_params_max_b" double precision,
	"total_params_min_b" double precision,
	"total_params_max_b" double precision,
	"eco_confidence" text,
	"methodology_version" text,
	"route" jsonb NOT NULL,
	"fallback_used" boolean DEFAULT false NOT NULL,
	CONSTRAINT "requests_created_at_id_pk" PRIMARY KEY("created_at","id")
);
--> statement-breakpoint
CREATE TABLE "routing_policies" (
	"id" text PRIMARY KEY NOT NULL,
	"org_id" text NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"spec" jsonb NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "usage_daily" (
	"day" date NOT NULL,
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
	CONSTRAINT "usage_daily_org_id_day_api_key_id_policy_id_model_id_provider_id_region_id_country_pk" PRIMARY KEY("org_id","day","api_key_id","policy_id","model_id","provider_id","region_id","country")
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_policy_id_routing_policies_id_fk" FOREIGN KEY ("policy_id") REFERENCES "public"."routing_policies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_ledger" ADD CONSTRAINT "credit_ledger_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "credit_reservations" ADD CONSTRAINT "credit_reservations_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_model_id_models_id_fk" FOREIGN KEY ("model_id") REFERENCES "public"."models"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "endpoints" ADD CONSTRAINT "endpoints_region_id_regions_id_fk" FOREIGN KEY ("region_id") REFERENCES "public"."regions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "regions" ADD CONSTRAINT "regions_provider_id_providers_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."providers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "routing_policies" ADD CONSTRAINT "routing_policies_org_id_organizations_id_fk" FOREIGN KEY ("org_id") REFERENCES "public"."organizations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_hash_idx" ON "api_keys" USING btree ("key_hash");--> statement-breakpoint
CREATE INDEX "api_keys_org_idx" ON "api_keys" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "audit_log_org_idx" ON "audit_log" USING btree ("org_id","id");--> statement-breakpoint
CREATE INDEX "credit_ledger_org_idx" ON "credit_ledger" USING btree ("org_id","id");--> statement-breakpoint
CREATE UNIQUE INDEX "credit_ledger_request_idx" ON "credit_ledger" USING btree ("request_id") WHERE "credit_ledger"."request_id" is not null;--> statement-breakpoint
CREATE INDEX "credit_reservations_org_idx" ON "credit_reservations" USING btree ("org_id");--> statement-breakpoint
CREATE INDEX "credit_reservations_node_idx" ON "credit_reservations" USING btree ("node_id");--> statement-breakpoint
CREATE INDEX "endpoints_model_idx" ON "endpoints" USING btree ("model_id");--> statement-breakpoint
CREATE INDEX "endpoints_provider_idx" ON "endpoints" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "endpoints_region_idx" ON "endpoints" USING btree ("region_id");--> statement-breakpoint
CREATE INDEX "grid_factor_versions_region_idx" ON "grid_factor_versions" USING btree ("region_id","valid_from");--> statement-breakpoint
CREATE INDEX "models_tier_idx" ON "models" USING btree ("tier");--> statement-breakpoint
CREATE INDEX "regions_provider_idx" ON "regions" USING btree ("provider_id");--> statement-breakpoint
CREATE INDEX "regions_country_idx" ON "regions" USING btree ("country");--> statement-breakpoint
CREATE INDEX "requests_org_created_idx" ON "requests" USING btree ("org_id","created_at","id");--> statement-breakpoint
CREATE INDEX "requests_org_key_created_idx" ON "requests" USING btree ("org_id","api_key_id","created_at");--> statement-breakpoint
CREATE INDEX "routing_policies_org_idx" ON "routing_policies" USING btree ("org_id");--> statement-breakpoint
CREATE UNIQUE INDEX "routing_policies_one_default" ON "routing_policies" USING btree ("org_id") WHERE "routing_policies"."is_default";