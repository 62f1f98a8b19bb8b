-- Applied only where CREATE EXTENSION postgis succeeds (src/db/migrate.ts).
-- Geometry is generated from lng/lat (and the grid's GeoJSON) so the plain columns stay the one
-- truth on both databases: the embedded one answers from them with a bounding-box fallback.
ALTER TABLE "addresses" ADD COLUMN IF NOT EXISTS "geom" geometry(Point, 4326)
  GENERATED ALWAYS AS (
    CASE WHEN "lng" IS NULL OR "lat" IS NULL THEN NULL
    ELSE ST_SetSRID(ST_MakePoint("lng", "lat"), 4326) END
  ) STORED;
--> statement-breakpoint
ALTER TABLE "houses" ADD COLUMN IF NOT EXISTS "geom" geometry(Point, 4326)
  GENERATED ALWAYS AS (
    CASE WHEN "lng" IS NULL OR "lat" IS NULL THEN NULL
    ELSE ST_SetSRID(ST_MakePoint("lng", "lat"), 4326) END
  ) STORED;
--> statement-breakpoint
-- grids.polygon holds a GeoJSON Polygon or MultiPolygon geometry (not a Feature).
ALTER TABLE "grids" ADD COLUMN IF NOT EXISTS "geom" geometry(MultiPolygon, 4326)
  GENERATED ALWAYS AS (
    CASE WHEN "polygon" IS NULL THEN NULL
    ELSE ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON("polygon"::text), 4326)) END
  ) STORED;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "addresses_geom_gist" ON "addresses" USING gist ("geom");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "houses_geom_gist" ON "houses" USING gist ("geom");
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "grids_geom_gist" ON "grids" USING gist ("geom");
