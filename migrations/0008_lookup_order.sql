DROP INDEX "houses_grid_idx";--> statement-breakpoint
DROP INDEX "persons_id_number_idx";--> statement-breakpoint
DROP INDEX "persons_name_idx";--> statement-breakpoint
DROP INDEX "persons_name_pinyin_idx";--> statement-breakpoint
DROP INDEX "persons_grid_idx";--> statement-breakpoint
DROP INDEX "units_credit_code_idx";--> statement-breakpoint
DROP INDEX "units_name_idx";--> statement-breakpoint
DROP INDEX "units_grid_idx";--> statement-breakpoint
CREATE INDEX "houses_grid_idx" ON "houses" USING btree ("grid_code","id");--> statement-breakpoint
CREATE INDEX "persons_id_number_idx" ON "persons" USING btree ("id_number","id");--> statement-breakpoint
CREATE INDEX "persons_name_idx" ON "persons" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "persons_name_pinyin_idx" ON "persons" USING btree ("name_pinyin","id");--> statement-breakpoint
CREATE INDEX "persons_grid_idx" ON "persons" USING btree ("grid_code","id");--> statement-breakpoint
CREATE INDEX "units_credit_code_idx" ON "units" USING btree ("credit_code","id");--> statement-breakpoint
CREATE INDEX "units_name_idx" ON "units" USING btree ("name","id");--> statement-breakpoint
CREATE INDEX "units_grid_idx" ON "units" USING btree ("grid_code","id");