CREATE TABLE "finance"."inbox" (
	"tenant_id" text NOT NULL,
	"event_id" uuid NOT NULL,
	"type" text NOT NULL,
	"received_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "inbox_tenant_id_event_id_pk" PRIMARY KEY("tenant_id","event_id")
);
--> statement-breakpoint
CREATE TABLE "finance"."outbox_deliveries" (
	"tenant_id" text NOT NULL,
	"event_id" uuid NOT NULL,
	"subscriber" text NOT NULL,
	"status" text DEFAULT 'PENDING' NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"next_attempt_at" timestamp (3) with time zone NOT NULL,
	"last_error" text,
	"delivered_at" timestamp (3) with time zone,
	CONSTRAINT "outbox_deliveries_tenant_id_event_id_subscriber_pk" PRIMARY KEY("tenant_id","event_id","subscriber"),
	CONSTRAINT "outbox_deliveries_status" CHECK ("finance"."outbox_deliveries"."status" in ('PENDING', 'DELIVERED', 'DEAD'))
);
--> statement-breakpoint
CREATE TABLE "finance"."outbox_events" (
	"tenant_id" text NOT NULL,
	"id" uuid NOT NULL,
	"type" text NOT NULL,
	"version" integer NOT NULL,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "outbox_events_tenant_id_id_pk" PRIMARY KEY("tenant_id","id")
);
--> statement-breakpoint
CREATE INDEX "outbox_deliveries_pending_idx" ON "finance"."outbox_deliveries" USING btree ("next_attempt_at") WHERE status = 'PENDING';--> statement-breakpoint
CREATE INDEX "outbox_events_type_idx" ON "finance"."outbox_events" USING btree ("tenant_id","type","id");