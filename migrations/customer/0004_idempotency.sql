CREATE TABLE "customer"."idempotency_keys" (
	"tenant_id" text NOT NULL,
	"actor_kind" text NOT NULL,
	"actor_id" text NOT NULL,
	"key" text NOT NULL,
	"response_key" text NOT NULL,
	"field" text NOT NULL,
	"request_hash" text NOT NULL,
	"entity_ids" text[] DEFAULT '{}'::text[] NOT NULL,
	"outcome" jsonb,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "idempotency_keys_pk" PRIMARY KEY("tenant_id","actor_kind","actor_id","key","response_key")
);
--> statement-breakpoint
CREATE INDEX "idempotency_keys_created_idx" ON "customer"."idempotency_keys" USING btree ("tenant_id","created_at");