CREATE TABLE "rate_limit_windows" (
	"key_id" text NOT NULL,
	"window_start" timestamp with time zone NOT NULL,
	"requests" integer DEFAULT 0 NOT NULL,
	"tokens" bigint DEFAULT 0 NOT NULL,
	CONSTRAINT "rate_limit_windows_key_id_window_start_pk" PRIMARY KEY("key_id","window_start"),
	CONSTRAINT "rate_limit_windows_nonnegative" CHECK ("rate_limit_windows"."requests" >= 0 and "rate_limit_windows"."tokens" >= 0)
);
