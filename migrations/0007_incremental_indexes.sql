CREATE INDEX "houses_owner_idx" ON "houses" USING btree ("owner_person_id");--> statement-breakpoint
CREATE INDEX "units_legal_rep_idx" ON "units" USING btree ("legal_rep_person_id");--> statement-breakpoint
CREATE INDEX "match_edges_steward_idx" ON "match_edges" USING btree ("entity_type") WHERE "match_edges"."source" = 'steward';