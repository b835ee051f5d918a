CREATE SCHEMA "platform";
--> statement-breakpoint
CREATE TABLE "platform"."api_keys" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"prefix" text NOT NULL,
	"secret_hash" text NOT NULL,
	"scopes" text[] NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone,
	"last_used_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	CONSTRAINT "api_keys_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "platform"."audit_log" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	"actor_id" text NOT NULL,
	"actor_kind" text NOT NULL,
	"operation_name" text,
	"field" text NOT NULL,
	"service" text NOT NULL,
	"entity_ids" text[] NOT NULL,
	"outcome" text NOT NULL,
	"request_id" text NOT NULL,
	"client_ip" text,
	"input" jsonb,
	CONSTRAINT "audit_log_tenant_id_id_pk" PRIMARY KEY("tenant_id","id"),
	CONSTRAINT "audit_log_actor_kind" CHECK ("platform"."audit_log"."actor_kind" in ('USER', 'API_KEY', 'EVENT'))
);
--> statement-breakpoint
CREATE TABLE "platform"."inbox" (
	"tenant_id" text NOT NULL,
	"event_id" uuid NOT NULL,
	"type" text NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "inbox_tenant_id_event_id_pk" PRIMARY KEY("tenant_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "platform"."outbox_deliveries" (
	"tenant_id" text NOT NULL,
	"event_id" uuid NOT NULL,
	"subscriber" text NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone NOT NULL,
	"last_error" text,
	"delivered_at" timestamp (3) with time zone,
	CONSTRAINT "outbox_deliveries_tenant_id_event_id_subscriber_pk" PRIMARY KEY("tenant_id","event_id","subscriber"),
	CONSTRAINT "outbox_deliveries_status" CHECK ("platform"."outbox_deliveries"."status" in ('PENDING', 'DELIVERED', 'DEAD'))
);
--> statement-breakpoint
CREATE TABLE "platform"."outbox_events" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"type" text NOT NULL,
	"version" integer NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "outbox_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE TABLE "platform"."tenants" (
	"id" text PRIMARY KEY NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX "api_keys_secret_hash_idx" ON "platform"."api_keys" USING btree ("secret_hash");--> statement-breakpoint
CREATE INDEX "audit_log_actor_idx" ON "platform"."audit_log" USING btree ("tenant_id","actor_id","id");--> statement-breakpoint
CREATE INDEX "audit_log_field_idx" ON "platform"."audit_log" USING btree ("tenant_id","field","id");--> statement-breakpoint
CREATE INDEX "audit_log_entities_idx" ON "platform"."audit_log" USING gin ("entity_ids");--> statement-breakpoint
CREATE INDEX "outbox_deliveries_pending_idx" ON "platform"."outbox_deliveries" USING btree ("next_attempt_at") WHERE status = 'PENDING';--> statement-breakpoint
CREATE INDEX "outbox_events_type_idx" ON "platform"."outbox_events" USING btree ("tenant_id","type","id");