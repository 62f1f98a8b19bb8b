CREATE TABLE "match_keys" (
	"entity_type" text NOT NULL,
	"key_hash" bigint NOT NULL,
	"source_record_id" bigint NOT NULL,
	"role" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "match_models" (
	"version" text PRIMARY KEY NOT NULL,
	"entity_type" text NOT NULL,
	"settings_version" text NOT NULL,
	"settings" jsonb NOT NULL,
	"params" jsonb NOT NULL,
	"trained_at" timestamp with time zone DEFAULT now() NOT NULL,
	"active" boolean DEFAULT false NOT NULL
);
--> statement-breakpoint
ALTER TABLE "houses" ADD COLUMN "partial" boolean DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX "match_keys_hash_idx" ON "match_keys" USING btree ("entity_type","key_hash");--> statement-breakpoint
CREATE INDEX "match_keys_record_idx" ON "match_keys" USING btree ("source_record_id");--> statement-breakpoint
CREATE INDEX "match_models_active_idx" ON "match_models" USING btree ("entity_type","active");