CREATE SCHEMA "sales";
--> statement-breakpoint
CREATE TABLE "sales"."campaigns" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"channel" text,
	"starts_on" date,
	"ends_on" date,
	"spend" numeric(18, 2) DEFAULT '0' NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "campaigns_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "sales"."leads" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"company" text,
	"email" text,
	"phone" text,
	"source" text NOT NULL,
	"campaign_id" uuid,
	"status" text NOT NULL,
	"disqualified_reason" text,
	"owner_id" text,
	"assigned_at" timestamp (3) with time zone,
	"next_follow_up_at" timestamp (3) with time zone,
	"custom_fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"search_text" text GENERATED ALWAYS AS (lower(name || ' ' || coalesce(company, '') || ' ' || coalesce(email, '') || ' ' || coalesce(phone, ''))) STORED NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"converted_at" timestamp (3) with time zone,
	"customer_id" uuid,
	"opportunity_id" uuid,
	"pending_customer_id" uuid,
	CONSTRAINT "leads_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "sales"."opportunities" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"title" text NOT NULL,
	"customer_id" uuid NOT NULL,
	"owner_id" text,
	"stage_id" uuid NOT NULL,
	"status" text NOT NULL,
	"manual_amount" numeric(18, 2) DEFAULT '0' NOT NULL,
	"amount" numeric(18, 2) DEFAULT '0' NOT NULL,
	"currency" text NOT NULL,
	"expected_close_date" date,
	"next_follow_up_at" timestamp (3) with time zone,
	"lost_reason" text,
	"lead_id" uuid,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"closed_at" timestamp (3) with time zone,
	CONSTRAINT "opportunities_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "sales"."opportunity_lines" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"product_id" uuid,
	"description" text,
	"quantity" numeric(18, 4) NOT NULL,
	"unit_price" numeric(18, 4) NOT NULL,
	"discount_percent" numeric(5, 2) DEFAULT '0' NOT NULL,
	"amount" numeric(18, 2) GENERATED ALWAYS AS (round(quantity * unit_price * (100 - discount_percent) / 100, 2)) STORED NOT NULL,
	"gross_amount" numeric(18, 2) GENERATED ALWAYS AS (round(quantity * unit_price, 2)) STORED NOT NULL,
	"position" integer NOT NULL,
	"opportunity_id" uuid NOT NULL,
	CONSTRAINT "opportunity_lines_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "sales"."pipeline_stages" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"position" integer NOT NULL,
	"probability" smallint NOT NULL,
	"kind" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"deleted_at" timestamp (3) with time zone,
	CONSTRAINT "pipeline_stages_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "sales"."quote_lines" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"product_id" uuid,
	"description" text,
	"quantity" numeric(18, 4) NOT NULL,
	"unit_price" numeric(18, 4) NOT NULL,
	"discount_percent" numeric(5, 2) DEFAULT '0' NOT NULL,
	"amount" numeric(18, 2) GENERATED ALWAYS AS (round(quantity * unit_price * (100 - discount_percent) / 100, 2)) STORED NOT NULL,
	"gross_amount" numeric(18, 2) GENERATED ALWAYS AS (round(quantity * unit_price, 2)) STORED NOT NULL,
	"position" integer NOT NULL,
	"quote_id" uuid NOT NULL,
	CONSTRAINT "quote_lines_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "sales"."quotes" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"number" integer NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"status" text NOT NULL,
	"valid_until" date NOT NULL,
	"currency" text NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"sent_at" timestamp (3) with time zone,
	"decided_at" timestamp (3) with time zone,
	CONSTRAINT "quotes_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "sales"."stage_history" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"opportunity_id" uuid NOT NULL,
	"stage_id" uuid NOT NULL,
	"entered_at" timestamp (3) with time zone NOT NULL,
	"left_at" timestamp (3) with time zone,
	CONSTRAINT "stage_history_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "sales"."tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"currency" text DEFAULT 'CNY' NOT NULL,
	"quote_seq" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "leads_created_idx" ON "sales"."leads" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "leads_owner_idx" ON "sales"."leads" USING btree ("tenant_id","owner_id","assigned_at");--> statement-breakpoint
CREATE INDEX "leads_follow_up_idx" ON "sales"."leads" USING btree ("tenant_id","next_follow_up_at");--> statement-breakpoint
CREATE INDEX "leads_search_idx" ON "sales"."leads" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "opportunities_customer_idx" ON "sales"."opportunities" USING btree ("tenant_id","customer_id","created_at");--> statement-breakpoint
CREATE INDEX "opportunities_stage_idx" ON "sales"."opportunities" USING btree ("tenant_id","stage_id");--> statement-breakpoint
CREATE INDEX "opportunities_created_idx" ON "sales"."opportunities" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "opportunities_close_idx" ON "sales"."opportunities" USING btree ("tenant_id","status","expected_close_date");--> statement-breakpoint
CREATE INDEX "opportunities_follow_up_idx" ON "sales"."opportunities" USING btree ("tenant_id","next_follow_up_at");--> statement-breakpoint
CREATE INDEX "opportunity_lines_opportunity_idx" ON "sales"."opportunity_lines" USING btree ("tenant_id","opportunity_id","position");--> statement-breakpoint
CREATE INDEX "pipeline_stages_position_idx" ON "sales"."pipeline_stages" USING btree ("tenant_id","position");--> statement-breakpoint
CREATE INDEX "quote_lines_quote_idx" ON "sales"."quote_lines" USING btree ("tenant_id","quote_id","position");--> statement-breakpoint
CREATE UNIQUE INDEX "quotes_number_idx" ON "sales"."quotes" USING btree ("tenant_id","number");--> statement-breakpoint
CREATE INDEX "quotes_opportunity_idx" ON "sales"."quotes" USING btree ("tenant_id","opportunity_id");--> statement-breakpoint
CREATE INDEX "stage_history_opportunity_idx" ON "sales"."stage_history" USING btree ("tenant_id","opportunity_id","entered_at");--> statement-breakpoint
CREATE INDEX "stage_history_stage_idx" ON "sales"."stage_history" USING btree ("tenant_id","stage_id","entered_at");