-- A lookup's few ids go straight into the GIN index (fastupdate off): its pending list, flushed by whichever
-- insert fills it, held every request waiting on that insert for 100+ ms.
-- An export's page of a million-person export logs thousands of ids in order: such an entry keeps them in
-- record_ids, as every entry does, but is found by their range (GiST) instead of one GIN key per id.
-- Ranges compare ids by their bytes, whatever the database's collation.
CREATE TYPE "access_id_range" AS RANGE (SUBTYPE = text, COLLATION = "C");--> statement-breakpoint
DROP INDEX "access_log_record_ids_idx";--> statement-breakpoint
ALTER TABLE "access_log" ADD COLUMN "record_range" "access_id_range";--> statement-breakpoint
CREATE INDEX "access_log_record_range_idx" ON "access_log" USING gist ("record_range") WHERE "access_log"."record_range" is not null;--> statement-breakpoint
CREATE INDEX "access_log_record_ids_idx" ON "access_log" USING gin ("record_ids") WITH (fastupdate=false) WHERE "access_log"."record_range" is null;--> statement-breakpoint
-- LZ4 compresses a page's ids in a third of pglz's time; a server built without it keeps pglz.
DO $$
BEGIN
  ALTER TABLE "access_log" ALTER COLUMN "record_ids" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR invalid_parameter_value THEN
  NULL;
END
$$;
