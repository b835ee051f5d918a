ALTER TABLE "finance"."invoice_lines" ADD COLUMN "discount_percent" numeric(5, 2) DEFAULT '0' NOT NULL;--> statement-breakpoint
ALTER TABLE "finance"."invoices" ADD COLUMN "shipment_id" uuid;--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_shipment_idx" ON "finance"."invoices" USING btree ("tenant_id","shipment_id");