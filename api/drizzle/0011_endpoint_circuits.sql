CREATE TABLE "endpoint_circuits" (
	"endpoint_id" text PRIMARY KEY NOT NULL,
	"opened_at" timestamp with time zone,
	"open_reason" text,
	"opened_by" text,
	"probe_node" text,
	"probe_until" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "endpoint_circuits_updated_idx" ON "endpoint_circuits" USING btree ("updated_at");