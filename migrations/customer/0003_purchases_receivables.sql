CREATE TABLE "customer"."purchases" (
	"tenant_id" text NOT NULL,
	"source_id" uuid NOT NULL,
	"source" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"purchased_on" date NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"currency" text NOT NULL,
	"recorded_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "purchases_tenant_id_source_id_pk" PRIMARY KEY("tenant_id","source_id"),
	CONSTRAINT "purchases_source_check" CHECK ("customer"."purchases"."source" in ('ORDER', 'INVOICE'))
);
--> statement-breakpoint
CREATE TABLE "customer"."receivables" (
	"tenant_id" text NOT NULL,
	"invoice_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"order_id" uuid,
	"status" text NOT NULL,
	"total" numeric(18, 2),
	"currency" text,
	"due_date" date,
	"paid_on" date,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "receivables_tenant_id_invoice_id_pk" PRIMARY KEY("tenant_id","invoice_id"),
	CONSTRAINT "receivables_status_check" CHECK ("customer"."receivables"."status" in ('OPEN', 'PAID', 'VOID'))
);
--> statement-breakpoint
CREATE INDEX "purchases_customer_idx" ON "customer"."purchases" USING btree ("tenant_id","customer_id","purchased_on");--> statement-breakpoint
CREATE INDEX "receivables_customer_idx" ON "customer"."receivables" USING btree ("tenant_id","customer_id","status","due_date");