DROP INDEX "houses_key_idx";--> statement-breakpoint
ALTER TABLE "persons" ADD COLUMN "name_pinyin" text;--> statement-breakpoint
CREATE INDEX "persons_name_pinyin_idx" ON "persons" USING btree ("name_pinyin");--> statement-breakpoint
CREATE INDEX "persons_phones_idx" ON "persons" USING gin ("phones");--> statement-breakpoint
CREATE INDEX "units_sign_names_idx" ON "units" USING gin ("sign_names");--> statement-breakpoint
CREATE INDEX "houses_key_idx" ON "houses" USING btree ("key" text_pattern_ops);