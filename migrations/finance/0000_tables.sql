CREATE SCHEMA "finance";
--> statement-breakpoint
CREATE TABLE "finance"."customer_accounts" (
	"tenant_id" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"credit_limit" numeric(18, 2),
	"payment_terms_days" integer,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "customer_accounts_tenant_id_customer_id_pk" PRIMARY KEY("tenant_id","customer_id")
);
--> statement-breakpoint
CREATE TABLE "finance"."invoice_lines" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"product_id" uuid,
	"description" text NOT NULL,
	"quantity" numeric(18, 4) NOT NULL,
	"unit_price" numeric(18, 4) NOT NULL,
	"tax_rate" numeric(5, 2) NOT NULL,
	"amount" numeric(18, 2) GENERATED ALWAYS AS (round(quantity * unit_price, 2)) STORED NOT NULL,
	"tax" numeric(18, 2) GENERATED ALWAYS AS (round(round(quantity * unit_price, 2) * tax_rate / 100, 2)) STORED NOT NULL,
	"position" integer NOT NULL,
	CONSTRAINT "invoice_lines_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "finance"."invoice_sequences" (
	"tenant_id" text NOT NULL,
	"year" integer NOT NULL,
	"last" integer DEFAULT 0 NOT NULL,
	CONSTRAINT "invoice_sequences_tenant_id_year_pk" PRIMARY KEY("tenant_id","year")
);
--> statement-breakpoint
CREATE TABLE "finance"."invoices" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"year" integer,
	"number" integer,
	"customer_id" uuid NOT NULL,
	"order_id" uuid,
	"status" text NOT NULL,
	"currency" text NOT NULL,
	"issue_date" date,
	"due_date" date,
	"subtotal" numeric(18, 2) DEFAULT '0' NOT NULL,
	"tax_total" numeric(18, 2) DEFAULT '0' NOT NULL,
	"total" numeric(18, 2) DEFAULT '0' NOT NULL,
	"amount_paid" numeric(18, 2) DEFAULT '0' NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"issued_at" timestamp (3) with time zone,
	"voided_at" timestamp (3) with time zone,
	CONSTRAINT "invoices_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "invoices_never_overpaid" CHECK ("finance"."invoices"."amount_paid" >= 0 and "finance"."invoices"."amount_paid" <= "finance"."invoices"."total")
);
--> statement-breakpoint
CREATE TABLE "finance"."journal_entries" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"posted_on" date NOT NULL,
	"description" text NOT NULL,
	"reference" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "journal_entries_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "finance"."journal_lines" (
	"tenant_id" text NOT NULL,
	"entry_id" uuid NOT NULL,
	"position" integer NOT NULL,
	"account_code" text NOT NULL,
	"debit" numeric(18, 2) DEFAULT '0' NOT NULL,
	"credit" numeric(18, 2) DEFAULT '0' NOT NULL,
	CONSTRAINT "journal_lines_tenant_id_entry_id_position_pk" PRIMARY KEY("tenant_id","entry_id","position"),
	CONSTRAINT "journal_lines_one_side" CHECK ("finance"."journal_lines"."debit" >= 0 and "finance"."journal_lines"."credit" >= 0 and ("finance"."journal_lines"."debit" = 0 or "finance"."journal_lines"."credit" = 0))
);
--> statement-breakpoint
CREATE TABLE "finance"."order_exposures" (
	"tenant_id" text NOT NULL,
	"order_id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"status" text NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "order_exposures_tenant_id_order_id_pk" PRIMARY KEY("tenant_id","order_id")
);
--> statement-breakpoint
CREATE TABLE "finance"."payment_allocations" (
	"tenant_id" text NOT NULL,
	"payment_id" uuid NOT NULL,
	"invoice_id" uuid NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "payment_allocations_tenant_id_payment_id_invoice_id_pk" PRIMARY KEY("tenant_id","payment_id","invoice_id"),
	CONSTRAINT "payment_allocations_positive" CHECK ("finance"."payment_allocations"."amount" > 0)
);
--> statement-breakpoint
CREATE TABLE "finance"."payments" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"amount" numeric(18, 2) NOT NULL,
	"currency" text NOT NULL,
	"allocated" numeric(18, 2) DEFAULT '0' NOT NULL,
	"received_on" date NOT NULL,
	"method" text NOT NULL,
	"reference" text,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "payments_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "payments_never_overallocated" CHECK ("finance"."payments"."amount" > 0 and "finance"."payments"."allocated" >= 0 and "finance"."payments"."allocated" <= "finance"."payments"."amount")
);
--> statement-breakpoint
CREATE TABLE "finance"."tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"tax_rate" numeric(5, 2) DEFAULT '13' NOT NULL,
	"payment_terms_days" integer DEFAULT 30 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "invoice_lines_invoice_idx" ON "finance"."invoice_lines" USING btree ("tenant_id","invoice_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "invoices_number_idx" ON "finance"."invoices" USING btree ("tenant_id","year","number");--> statement-breakpoint
CREATE INDEX "invoices_customer_idx" ON "finance"."invoices" USING btree ("tenant_id","customer_id","created_at");--> statement-breakpoint
CREATE INDEX "invoices_created_idx" ON "finance"."invoices" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "invoices_due_idx" ON "finance"."invoices" USING btree ("tenant_id","status","due_date");--> statement-breakpoint
CREATE INDEX "journal_entries_posted_idx" ON "finance"."journal_entries" USING btree ("tenant_id","posted_on","id");--> statement-breakpoint
CREATE INDEX "journal_lines_account_idx" ON "finance"."journal_lines" USING btree ("tenant_id","account_code");--> statement-breakpoint
CREATE INDEX "order_exposures_customer_idx" ON "finance"."order_exposures" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE INDEX "payment_allocations_invoice_idx" ON "finance"."payment_allocations" USING btree ("tenant_id","invoice_id");--> statement-breakpoint
CREATE INDEX "payments_customer_idx" ON "finance"."payments" USING btree ("tenant_id","customer_id","created_at");