ALTER TABLE "finance"."invoice_lines" drop column "amount";--> statement-breakpoint
ALTER TABLE "finance"."invoice_lines" ADD COLUMN "amount" numeric(18, 2) GENERATED ALWAYS AS (round(quantity * unit_price * (100 - discount_percent) / 100, 2)) STORED NOT NULL;--> statement-breakpoint
ALTER TABLE "finance"."invoice_lines" drop column "tax";--> statement-breakpoint
ALTER TABLE "finance"."invoice_lines" ADD COLUMN "tax" numeric(18, 2) GENERATED ALWAYS AS (round(round(quantity * unit_price * (100 - discount_percent) / 100, 2) * tax_rate / 100, 2)) STORED NOT NULL;