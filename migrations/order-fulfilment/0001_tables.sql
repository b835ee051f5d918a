CREATE SCHEMA "fulfilment";
--> statement-breakpoint
CREATE TABLE "fulfilment"."allocations" (
	"tenant_id" text NOT NULL,
	"order_line_id" uuid NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	CONSTRAINT "allocations_tenant_id_order_line_id_warehouse_id_pk" PRIMARY KEY("tenant_id","order_line_id","warehouse_id"),
	CONSTRAINT "allocations_positive" CHECK ("fulfilment"."allocations"."quantity" >= 0)
);
--> statement-breakpoint
CREATE TABLE "fulfilment"."products" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"sku" text NOT NULL,
	"name" text NOT NULL,
	"unit" text NOT NULL,
	"list_price" numeric(18, 4) NOT NULL,
	"unit_cost" numeric(18, 4) DEFAULT '0' NOT NULL,
	"currency" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"replenishment" text NOT NULL,
	"reorder_point" numeric(18, 4) DEFAULT '0' NOT NULL,
	"reorder_quantity" numeric(18, 4) DEFAULT '0' NOT NULL,
	"lead_time_days" integer NOT NULL,
	"search_text" text GENERATED ALWAYS AS (lower(sku || ' ' || name)) STORED NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "products_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "fulfilment"."replenishment_requests" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"number" integer NOT NULL,
	"product_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"due_date" date NOT NULL,
	"status" text NOT NULL,
	"warehouse_id" uuid,
	"created_at" timestamp (3) with time zone NOT NULL,
	"completed_at" timestamp (3) with time zone,
	CONSTRAINT "replenishment_requests_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "fulfilment"."sales_order_lines" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"order_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"unit_price" numeric(18, 4) NOT NULL,
	"discount_percent" numeric(5, 2) DEFAULT '0' NOT NULL,
	"amount" numeric(18, 2) GENERATED ALWAYS AS (round(quantity * unit_price * (100 - discount_percent) / 100, 2)) STORED NOT NULL,
	"allocated" numeric(18, 4) DEFAULT '0' NOT NULL,
	"shipped" numeric(18, 4) DEFAULT '0' NOT NULL,
	"backordered_on_confirm" numeric(18, 4),
	"position" integer NOT NULL,
	CONSTRAINT "sales_order_lines_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "sales_order_lines_within_quantity" CHECK ("fulfilment"."sales_order_lines"."allocated" >= 0 and "fulfilment"."sales_order_lines"."shipped" >= 0 and "fulfilment"."sales_order_lines"."allocated" + "fulfilment"."sales_order_lines"."shipped" <= "fulfilment"."sales_order_lines"."quantity")
);
--> statement-breakpoint
CREATE TABLE "fulfilment"."sales_orders" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"number" integer NOT NULL,
	"customer_id" uuid NOT NULL,
	"opportunity_id" uuid,
	"status" text NOT NULL,
	"priority" text NOT NULL,
	"requested_date" date,
	"promised_date" date,
	"currency" text NOT NULL,
	"total" numeric(18, 2) DEFAULT '0' NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"confirmed_at" timestamp (3) with time zone,
	"shipped_at" timestamp (3) with time zone,
	"delivered_at" timestamp (3) with time zone,
	"cancelled_at" timestamp (3) with time zone,
	CONSTRAINT "sales_orders_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "fulfilment"."shipment_lines" (
	"tenant_id" text NOT NULL,
	"shipment_id" uuid NOT NULL,
	"order_line_id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	CONSTRAINT "shipment_lines_tenant_id_shipment_id_order_line_id_pk" PRIMARY KEY("tenant_id","shipment_id","order_line_id")
);
--> statement-breakpoint
CREATE TABLE "fulfilment"."shipments" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"number" integer NOT NULL,
	"order_id" uuid NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"status" text NOT NULL,
	"carrier" text,
	"tracking_number" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	"shipped_at" timestamp (3) with time zone,
	"delivered_at" timestamp (3) with time zone,
	CONSTRAINT "shipments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "fulfilment"."stock_levels" (
	"tenant_id" text NOT NULL,
	"product_id" uuid NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"on_hand" numeric(18, 4) DEFAULT '0' NOT NULL,
	"reserved" numeric(18, 4) DEFAULT '0' NOT NULL,
	CONSTRAINT "stock_levels_tenant_id_product_id_warehouse_id_pk" PRIMARY KEY("tenant_id","product_id","warehouse_id"),
	CONSTRAINT "stock_levels_never_oversold" CHECK ("fulfilment"."stock_levels"."reserved" >= 0 and "fulfilment"."stock_levels"."on_hand" >= "fulfilment"."stock_levels"."reserved")
);
--> statement-breakpoint
CREATE TABLE "fulfilment"."stock_movements" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"product_id" uuid NOT NULL,
	"warehouse_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"on_hand_change" numeric(18, 4) NOT NULL,
	"reserved_change" numeric(18, 4) NOT NULL,
	"reference" text,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "stock_movements_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "fulfilment"."tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"order_seq" integer DEFAULT 0 NOT NULL,
	"shipment_seq" integer DEFAULT 0 NOT NULL,
	"replenishment_seq" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "fulfilment"."warehouses" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"code" text NOT NULL,
	"name" text NOT NULL,
	"address" text,
	"active" boolean DEFAULT true NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "warehouses_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "products_sku_idx" ON "fulfilment"."products" USING btree ("tenant_id",lower("sku"));--> statement-breakpoint
CREATE INDEX "products_name_idx" ON "fulfilment"."products" USING btree ("tenant_id","name","id");--> statement-breakpoint
CREATE INDEX "products_created_idx" ON "fulfilment"."products" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "products_search_idx" ON "fulfilment"."products" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "replenishment_product_idx" ON "fulfilment"."replenishment_requests" USING btree ("tenant_id","product_id","status");--> statement-breakpoint
CREATE UNIQUE INDEX "replenishment_one_open_idx" ON "fulfilment"."replenishment_requests" USING btree ("tenant_id","product_id") WHERE status = 'OPEN';--> statement-breakpoint
CREATE INDEX "sales_order_lines_order_idx" ON "fulfilment"."sales_order_lines" USING btree ("tenant_id","order_id","position");--> statement-breakpoint
CREATE INDEX "sales_order_lines_product_idx" ON "fulfilment"."sales_order_lines" USING btree ("tenant_id","product_id");--> statement-breakpoint
CREATE UNIQUE INDEX "sales_orders_number_idx" ON "fulfilment"."sales_orders" USING btree ("tenant_id","number");--> statement-breakpoint
CREATE INDEX "sales_orders_customer_idx" ON "fulfilment"."sales_orders" USING btree ("tenant_id","customer_id","created_at");--> statement-breakpoint
CREATE INDEX "sales_orders_created_idx" ON "fulfilment"."sales_orders" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "sales_orders_status_idx" ON "fulfilment"."sales_orders" USING btree ("tenant_id","status");--> statement-breakpoint
CREATE INDEX "shipments_order_idx" ON "fulfilment"."shipments" USING btree ("tenant_id","order_id");--> statement-breakpoint
CREATE INDEX "stock_movements_product_idx" ON "fulfilment"."stock_movements" USING btree ("tenant_id","product_id","occurred_at","id");--> statement-breakpoint
CREATE UNIQUE INDEX "warehouses_code_idx" ON "fulfilment"."warehouses" USING btree ("tenant_id","code");