-- Applied only where CREATE EXTENSION pg_trgm succeeds (src/db/migrate.ts); PGlite loads it
-- from @electric-sql/pglite/contrib/pg_trgm. Trigram indexes serve fuzzy name search and
-- blocking on near-identical names; equality blocking uses the b-tree indexes of 0000.
-- Not on the source_* mention tables: the matcher keeps its own blocking keys (docs/adr/0001). On
-- source_persons.name a trigram index halves COPY throughput there (measured 142k → 75k rows/s per
-- million rows), and a 2–3 character Chinese name has too few trigrams to block on; pinyin and
-- exact-name b-trees serve person blocking, and fuzzy person search runs against persons.name.
-- Trigrams need a UTF-8 LC_CTYPE: under ctype C, show_trgm('王伟') is empty.
CREATE INDEX IF NOT EXISTS "persons_name_trgm" ON "persons" USING gin ("name" gin_trgm_ops);
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "units_name_trgm" ON "units" USING gin ("name" gin_trgm_ops);
