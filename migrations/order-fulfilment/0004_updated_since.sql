ALTER TABLE "fulfilment"."stock_movements" ADD COLUMN "recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
CREATE INDEX "products_updated_idx" ON "fulfilment"."products" USING btree ("tenant_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "sales_orders_updated_idx" ON "fulfilment"."sales_orders" USING btree ("tenant_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "stock_movements_recorded_idx" ON "fulfilment"."stock_movements" USING btree ("tenant_id","recorded_at","id");