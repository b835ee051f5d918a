CREATE SCHEMA "customer";
--> statement-breakpoint
CREATE TABLE "customer"."contacts" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"name" text NOT NULL,
	"title" text,
	"email" text,
	"phone" text,
	"decision_role" text NOT NULL,
	"is_primary" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "contacts_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer"."custom_field_definitions" (
	"tenant_id" text NOT NULL,
	"entity" text NOT NULL,
	"key" text NOT NULL,
	"label" text NOT NULL,
	"type" text NOT NULL,
	"options" text[] DEFAULT '{}'::text[] NOT NULL,
	"required" boolean DEFAULT false NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "custom_field_definitions_tenant_id_entity_key_pk" PRIMARY KEY("tenant_id","entity","key")
);
--> statement-breakpoint
CREATE TABLE "customer"."customers" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"kind" text NOT NULL,
	"industry" text,
	"email" text,
	"phone" text,
	"website" text,
	"address_line1" text,
	"address_line2" text,
	"city" text,
	"region" text,
	"postal_code" text,
	"country" text,
	"owner_id" text,
	"tags" text[] DEFAULT '{}'::text[] NOT NULL,
	"segment" text,
	"custom_fields" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"search_text" text GENERATED ALWAYS AS (lower(name || ' ' || coalesce(email, '') || ' ' || coalesce(phone, ''))) STORED NOT NULL,
	"created_at" timestamp (3) with time zone NOT NULL,
	"updated_at" timestamp (3) with time zone NOT NULL,
	"archived_at" timestamp (3) with time zone,
	CONSTRAINT "customers_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer"."interactions" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"summary" text NOT NULL,
	"author_id" text NOT NULL,
	"contact_id" uuid,
	CONSTRAINT "interactions_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer"."service_tickets" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"customer_id" uuid NOT NULL,
	"subject" text NOT NULL,
	"description" text,
	"status" text NOT NULL,
	"priority" text NOT NULL,
	"opened_at" timestamp (3) with time zone NOT NULL,
	"resolved_at" timestamp (3) with time zone,
	"satisfaction_score" smallint,
	"satisfaction_at" timestamp (3) with time zone,
	CONSTRAINT "service_tickets_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "customer"."tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"base_currency" text DEFAULT 'CNY' NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE INDEX "contacts_customer_idx" ON "customer"."contacts" USING btree ("tenant_id","customer_id");--> statement-breakpoint
CREATE UNIQUE INDEX "contacts_one_primary_idx" ON "customer"."contacts" USING btree ("tenant_id","customer_id") WHERE is_primary;--> statement-breakpoint
CREATE INDEX "customers_name_idx" ON "customer"."customers" USING btree ("tenant_id","name","id");--> statement-breakpoint
CREATE INDEX "customers_created_idx" ON "customer"."customers" USING btree ("tenant_id","created_at","id");--> statement-breakpoint
CREATE INDEX "customers_updated_idx" ON "customer"."customers" USING btree ("tenant_id","updated_at","id");--> statement-breakpoint
CREATE INDEX "customers_owner_idx" ON "customer"."customers" USING btree ("tenant_id","owner_id");--> statement-breakpoint
CREATE INDEX "customers_search_idx" ON "customer"."customers" USING gin ("search_text" gin_trgm_ops);--> statement-breakpoint
CREATE INDEX "customers_tags_idx" ON "customer"."customers" USING gin ("tags");--> statement-breakpoint
CREATE INDEX "interactions_customer_idx" ON "customer"."interactions" USING btree ("tenant_id","customer_id","occurred_at","id");--> statement-breakpoint
CREATE INDEX "service_tickets_customer_idx" ON "customer"."service_tickets" USING btree ("tenant_id","customer_id","opened_at","id");