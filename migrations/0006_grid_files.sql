CREATE TABLE "address_points" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"level" text NOT NULL,
	"key" text NOT NULL,
	"lng" double precision NOT NULL,
	"lat" double precision NOT NULL,
	"file" text,
	"row" integer,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "grid_coverage" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"grid_code" text NOT NULL,
	"level" text NOT NULL,
	"key" text NOT NULL,
	"file" text,
	"row" integer,
	"imported_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "grid_coverage" ADD CONSTRAINT "grid_coverage_grid_code_grids_code_fk" FOREIGN KEY ("grid_code") REFERENCES "public"."grids"("code") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "address_points_place_uq" ON "address_points" USING btree ("level","key");--> statement-breakpoint
CREATE UNIQUE INDEX "grid_coverage_place_uq" ON "grid_coverage" USING btree ("level","key");--> statement-breakpoint
CREATE INDEX "grid_coverage_grid_idx" ON "grid_coverage" USING btree ("grid_code");