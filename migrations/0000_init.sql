CREATE TABLE "access_log" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"client_id" text NOT NULL,
	"scope" text NOT NULL,
	"entity_type" text NOT NULL,
	"record_ids" text[] DEFAULT '{}' NOT NULL,
	"reason" text
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"key_hash" text PRIMARY KEY NOT NULL,
	"client_id" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	"label" text
);
--> statement-breakpoint
CREATE TABLE "batches" (
	"id" text PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"file_name" text,
	"file_sha256" text,
	"format" text,
	"encoding" text,
	"status" text NOT NULL,
	"rows" integer DEFAULT 0 NOT NULL,
	"accepted" integer DEFAULT 0 NOT NULL,
	"rejected" integer DEFAULT 0 NOT NULL,
	"warnings" integer DEFAULT 0 NOT NULL,
	"refused_reason" text,
	"mapping_hash" text,
	"options" jsonb,
	"uploaded_by" text,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"finished_at" timestamp with time zone,
	"seconds" double precision
);
--> statement-breakpoint
CREATE TABLE "refused_rows" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"batch_id" text NOT NULL,
	"row_number" integer NOT NULL,
	"record_id" text,
	"raw" json NOT NULL,
	"problems" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "addresses" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"division_code" text,
	"road" text,
	"number" text,
	"compound" text,
	"building" text,
	"unit" text,
	"floor" text,
	"room" text,
	"key" text NOT NULL,
	"lng" double precision,
	"lat" double precision
);
--> statement-breakpoint
CREATE TABLE "grids" (
	"code" text PRIMARY KEY NOT NULL,
	"name" text,
	"community_code" text,
	"polygon" jsonb,
	"min_lng" double precision,
	"min_lat" double precision,
	"max_lng" double precision,
	"max_lat" double precision,
	"workers" text[] DEFAULT '{}' NOT NULL
);
--> statement-breakpoint
CREATE TABLE "houses" (
	"id" text PRIMARY KEY NOT NULL,
	"address_id" bigint,
	"key" text NOT NULL,
	"usage" text,
	"owner_person_id" text,
	"grid_code" text,
	"lng" double precision,
	"lat" double precision,
	"fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "persons" (
	"id" text PRIMARY KEY NOT NULL,
	"id_number" text,
	"name" text,
	"gender" text,
	"birth_date" text,
	"ethnicity" text,
	"phones" text[] DEFAULT '{}' NOT NULL,
	"hukou_address" text,
	"category" text,
	"assistance" text[] DEFAULT '{}' NOT NULL,
	"house_id" text,
	"grid_code" text,
	"provenance" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "units" (
	"id" text PRIMARY KEY NOT NULL,
	"credit_code" text,
	"name" text,
	"sign_names" text[] DEFAULT '{}' NOT NULL,
	"kind" text,
	"status" text,
	"legal_rep_person_id" text,
	"house_id" text,
	"industry" text,
	"grid_code" text,
	"provenance" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "entity_links" (
	"entity_type" text NOT NULL,
	"source_record_id" bigint NOT NULL,
	"role" text NOT NULL,
	"golden_id" text NOT NULL,
	"probability" double precision,
	"method" text NOT NULL,
	"model_version" text,
	"linked_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "entity_links_source_record_id_role_pk" PRIMARY KEY("source_record_id","role")
);
--> statement-breakpoint
CREATE TABLE "golden_lineage" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entity_type" text NOT NULL,
	"parent_id" text NOT NULL,
	"child_id" text NOT NULL,
	"event" text NOT NULL,
	"decision_id" bigint,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "golden_redirects" (
	"entity_type" text NOT NULL,
	"from_id" text PRIMARY KEY NOT NULL,
	"to_id" text NOT NULL,
	"reason" text,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "match_edges" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entity_type" text NOT NULL,
	"left_source_record_id" bigint NOT NULL,
	"left_role" text NOT NULL,
	"right_source_record_id" bigint NOT NULL,
	"right_role" text NOT NULL,
	"judgement" text NOT NULL,
	"score" double precision,
	"weights" jsonb,
	"who" text,
	"decided_at" timestamp with time zone DEFAULT now() NOT NULL,
	"model_version" text,
	"source" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "steward_decisions" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"entity_type" text NOT NULL,
	"action" text NOT NULL,
	"subject" jsonb NOT NULL,
	"reason" text,
	"who" text NOT NULL,
	"at" timestamp with time zone DEFAULT now() NOT NULL,
	"undoes_decision_id" bigint,
	"undone_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "source_houses" (
	"source_record_id" bigint NOT NULL,
	"source" text NOT NULL,
	"record_id" text NOT NULL,
	"role" text NOT NULL,
	"address_raw" text,
	"division_code" text,
	"district_code" text,
	"street_code" text,
	"community_code" text,
	"road" text,
	"number" text,
	"compound" text,
	"building" text,
	"unit" text,
	"floor" text,
	"room" text,
	"depth" text,
	"key" text,
	"building_key" text,
	"usage" text,
	"grid_code" text,
	"lng" double precision,
	"lat" double precision
);
--> statement-breakpoint
CREATE TABLE "source_persons" (
	"source_record_id" bigint NOT NULL,
	"source" text NOT NULL,
	"record_id" text NOT NULL,
	"role" text NOT NULL,
	"name" text,
	"name_pinyin" text,
	"id_number" text,
	"id_valid" boolean,
	"other_document" text,
	"gender" text,
	"birth_date" text,
	"birth_precision" text,
	"ethnicity" text,
	"phones" text[] DEFAULT '{}' NOT NULL,
	"address_key" text,
	"address_building_key" text,
	"address_unit" text,
	"address_division" text,
	"hukou_address_key" text,
	"hukou_division" text,
	"category" text,
	"assistance" text[] DEFAULT '{}' NOT NULL,
	"household_no" text,
	"relation_to_head" text,
	"grid_code" text,
	"employer_name" text
);
--> statement-breakpoint
CREATE TABLE "source_units" (
	"source_record_id" bigint NOT NULL,
	"source" text NOT NULL,
	"record_id" text NOT NULL,
	"role" text NOT NULL,
	"credit_code" text,
	"credit_valid" boolean,
	"reg_no" text,
	"name" text,
	"sign_name" text,
	"kind" text,
	"legal_form" text,
	"status" text,
	"industry" text,
	"phones" text[] DEFAULT '{}' NOT NULL,
	"address_key" text,
	"address_building_key" text,
	"established" text
);
--> statement-breakpoint
CREATE TABLE "person_houses" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"house_id" text NOT NULL,
	"relation" text NOT NULL,
	"since" text,
	"until" text,
	"source_record_id" bigint
);
--> statement-breakpoint
CREATE TABLE "person_units" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"person_id" text NOT NULL,
	"unit_id" text NOT NULL,
	"relation" text NOT NULL,
	"since" text,
	"until" text,
	"source_record_id" bigint
);
--> statement-breakpoint
CREATE TABLE "unit_houses" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"unit_id" text NOT NULL,
	"house_id" text NOT NULL,
	"relation" text DEFAULT 'premises' NOT NULL,
	"since" text,
	"until" text,
	"source_record_id" bigint
);
--> statement-breakpoint
CREATE TABLE "source_record_history" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source_record_id" bigint NOT NULL,
	"version" integer NOT NULL,
	"batch_id" text NOT NULL,
	"row_number" integer NOT NULL,
	"raw" json NOT NULL,
	"data" json NOT NULL,
	"problems" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"row_hash" text NOT NULL,
	"replaced_at" timestamp with time zone DEFAULT now() NOT NULL,
	"replaced_by_batch" text NOT NULL
);
--> statement-breakpoint
CREATE TABLE "source_records" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"source" text NOT NULL,
	"record_id" text NOT NULL,
	"batch_id" text NOT NULL,
	"row_number" integer NOT NULL,
	"raw" json NOT NULL,
	"data" json NOT NULL,
	"problems" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"row_hash" text NOT NULL,
	"version" integer DEFAULT 1 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "refused_rows" ADD CONSTRAINT "refused_rows_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "houses" ADD CONSTRAINT "houses_address_id_addresses_id_fk" FOREIGN KEY ("address_id") REFERENCES "public"."addresses"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_record_history" ADD CONSTRAINT "source_record_history_source_record_id_source_records_id_fk" FOREIGN KEY ("source_record_id") REFERENCES "public"."source_records"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_record_history" ADD CONSTRAINT "source_record_history_batch_id_batches_id_fk" FOREIGN KEY ("batch_id") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "source_record_history" ADD CONSTRAINT "source_record_history_replaced_by_batch_batches_id_fk" FOREIGN KEY ("replaced_by_batch") REFERENCES "public"."batches"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "access_log_at_idx" ON "access_log" USING btree ("at");--> statement-breakpoint
CREATE INDEX "access_log_client_idx" ON "access_log" USING btree ("client_id","at");--> statement-breakpoint
CREATE INDEX "api_keys_client_idx" ON "api_keys" USING btree ("client_id");--> statement-breakpoint
CREATE INDEX "batches_source_sha_idx" ON "batches" USING btree ("source","file_sha256");--> statement-breakpoint
CREATE INDEX "refused_rows_batch_idx" ON "refused_rows" USING btree ("batch_id","row_number");--> statement-breakpoint
CREATE UNIQUE INDEX "addresses_key_uq" ON "addresses" USING btree ("key");--> statement-breakpoint
CREATE INDEX "addresses_division_idx" ON "addresses" USING btree ("division_code");--> statement-breakpoint
CREATE INDEX "grids_community_idx" ON "grids" USING btree ("community_code");--> statement-breakpoint
CREATE INDEX "grids_bbox_idx" ON "grids" USING btree ("min_lng","max_lng","min_lat","max_lat");--> statement-breakpoint
CREATE INDEX "houses_key_idx" ON "houses" USING btree ("key");--> statement-breakpoint
CREATE INDEX "houses_address_idx" ON "houses" USING btree ("address_id");--> statement-breakpoint
CREATE INDEX "houses_grid_idx" ON "houses" USING btree ("grid_code");--> statement-breakpoint
CREATE INDEX "persons_id_number_idx" ON "persons" USING btree ("id_number");--> statement-breakpoint
CREATE INDEX "persons_name_idx" ON "persons" USING btree ("name");--> statement-breakpoint
CREATE INDEX "persons_house_idx" ON "persons" USING btree ("house_id");--> statement-breakpoint
CREATE INDEX "persons_grid_idx" ON "persons" USING btree ("grid_code");--> statement-breakpoint
CREATE INDEX "units_credit_code_idx" ON "units" USING btree ("credit_code");--> statement-breakpoint
CREATE INDEX "units_name_idx" ON "units" USING btree ("name");--> statement-breakpoint
CREATE INDEX "units_house_idx" ON "units" USING btree ("house_id");--> statement-breakpoint
CREATE INDEX "units_grid_idx" ON "units" USING btree ("grid_code");--> statement-breakpoint
CREATE INDEX "entity_links_golden_idx" ON "entity_links" USING btree ("entity_type","golden_id");--> statement-breakpoint
CREATE INDEX "golden_lineage_parent_idx" ON "golden_lineage" USING btree ("parent_id");--> statement-breakpoint
CREATE INDEX "golden_lineage_child_idx" ON "golden_lineage" USING btree ("child_id");--> statement-breakpoint
CREATE INDEX "golden_redirects_to_idx" ON "golden_redirects" USING btree ("to_id");--> statement-breakpoint
CREATE INDEX "match_edges_pair_idx" ON "match_edges" USING btree ("entity_type","left_source_record_id","left_role","right_source_record_id","right_role");--> statement-breakpoint
CREATE INDEX "match_edges_right_idx" ON "match_edges" USING btree ("right_source_record_id","right_role");--> statement-breakpoint
CREATE INDEX "steward_decisions_at_idx" ON "steward_decisions" USING btree ("at");--> statement-breakpoint
CREATE INDEX "source_houses_record_idx" ON "source_houses" USING btree ("source_record_id");--> statement-breakpoint
CREATE INDEX "source_persons_record_idx" ON "source_persons" USING btree ("source_record_id");--> statement-breakpoint
CREATE INDEX "source_units_record_idx" ON "source_units" USING btree ("source_record_id");--> statement-breakpoint
CREATE INDEX "person_houses_person_idx" ON "person_houses" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_houses_house_idx" ON "person_houses" USING btree ("house_id");--> statement-breakpoint
CREATE INDEX "person_houses_record_idx" ON "person_houses" USING btree ("source_record_id");--> statement-breakpoint
CREATE INDEX "person_units_person_idx" ON "person_units" USING btree ("person_id");--> statement-breakpoint
CREATE INDEX "person_units_unit_idx" ON "person_units" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "person_units_record_idx" ON "person_units" USING btree ("source_record_id");--> statement-breakpoint
CREATE INDEX "unit_houses_unit_idx" ON "unit_houses" USING btree ("unit_id");--> statement-breakpoint
CREATE INDEX "unit_houses_house_idx" ON "unit_houses" USING btree ("house_id");--> statement-breakpoint
CREATE INDEX "unit_houses_record_idx" ON "unit_houses" USING btree ("source_record_id");--> statement-breakpoint
CREATE UNIQUE INDEX "source_record_history_version_uq" ON "source_record_history" USING btree ("source_record_id","version");--> statement-breakpoint
CREATE UNIQUE INDEX "source_records_source_record_uq" ON "source_records" USING btree ("source","record_id");--> statement-breakpoint
CREATE INDEX "source_records_batch_idx" ON "source_records" USING btree ("batch_id");