ALTER TABLE "finance"."invoices" ADD COLUMN "updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "finance"."payments" ADD COLUMN "updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "invoices_updated_idx" ON "finance"."invoices" USING btree ("tenant_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "payments_updated_idx" ON "finance"."payments" USING btree ("tenant_id","updated_at","id");