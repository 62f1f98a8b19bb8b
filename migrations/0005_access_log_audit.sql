ALTER TABLE "access_log" ADD COLUMN "purpose" text;--> statement-breakpoint
ALTER TABLE "access_log" ADD COLUMN "request_id" text;--> statement-breakpoint
CREATE INDEX "access_log_record_ids_idx" ON "access_log" USING gin ("record_ids");--> statement-breakpoint
-- Append-only access log (DESIGN.md "Access"). UPDATE and TRUNCATE are always refused; DELETE only of
-- rows older than the cutoff the retention purge sets for its own transaction
-- (set_config('sanshi.access_log_purge_before', ISO time, true)), so even the purge cannot remove a
-- recent entry. This guards against bugs and slips, not against a superuser, who can drop the trigger.
CREATE FUNCTION "access_log_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cutoff text := current_setting('sanshi.access_log_purge_before', true);
BEGIN
  IF TG_OP = 'DELETE' AND coalesce(cutoff, '') <> '' THEN
    IF OLD."at" < cutoff::timestamptz THEN
      RETURN OLD;
    END IF;
  END IF;
  RAISE EXCEPTION 'access_log is append-only: % refused', TG_OP
    USING ERRCODE = 'insufficient_privilege',
          HINT = 'only the retention purge (sanshi audit purge) deletes, and only entries past the retention';
END
$$;--> statement-breakpoint
CREATE TRIGGER "access_log_append_only" BEFORE UPDATE OR DELETE ON "access_log"
  FOR EACH ROW EXECUTE FUNCTION "access_log_append_only"();--> statement-breakpoint
CREATE TRIGGER "access_log_no_truncate" BEFORE TRUNCATE ON "access_log"
  FOR EACH STATEMENT EXECUTE FUNCTION "access_log_append_only"();
