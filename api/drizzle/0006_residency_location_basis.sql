ALTER TABLE "regions" ADD COLUMN "location_source" text;--> statement-breakpoint
ALTER TABLE "requests" ADD COLUMN "location_basis" text;