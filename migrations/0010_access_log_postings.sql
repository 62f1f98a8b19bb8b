-- The access log's index by person moves off the lookup's path: a GIN on access_log.record_ids rewrote a
-- person's posting list at every read of them (~20 KB of WAL for a page of 20 persons). access_log_postings
-- is filled in bulk a second behind the log (src/jobs/access-log-indexing.ts); entries not yet in it are
-- searched directly. Existing entries are indexed by the first pass, which `sanshi serve` and
-- `sanshi audit export --record-id` run; until then the auditor's query still finds them (more slowly).
CREATE TABLE "access_log_postings" (
	"lo" bigint NOT NULL,
	"hi" bigint PRIMARY KEY NOT NULL,
	"record_keys" bigint[] NOT NULL
);
--> statement-breakpoint
DROP INDEX "access_log_record_ids_idx";--> statement-breakpoint
CREATE INDEX "access_log_postings_keys_idx" ON "access_log_postings" USING gin ("record_keys") WITH (fastupdate=false);--> statement-breakpoint
-- Nothing plans on the ids' element statistics any more, and gathering them was most of each ANALYZE of
-- the log (0.5 s of a core every few hundred thousand entries).
ALTER TABLE "access_log" ALTER COLUMN "record_ids" SET STATISTICS 0;
