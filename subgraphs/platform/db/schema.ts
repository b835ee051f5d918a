import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { eventTables } from '../../../lib/events/tables.js';
import { idempotencyTable } from '../../../lib/idempotency/table.js';
import type { ActorKind } from '../../../lib/auth.js';
import { platformSchema } from './pg-schema.js';

export { platformSchema };

// Millisecond precision, so that a timestamp survives the round trip through a pagination cursor.
const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

export const tenants = platformSchema.table('tenants', {
  id: text('id').primaryKey(),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** Long-lived credentials of a tenant's integrations. The secret itself is never stored: only its SHA-256. */
export const apiKeys = platformSchema.table(
  'api_keys',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    /** SHA-256 of the whole secret, hex. */
    secretHash: text('secret_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: ts('created_at').notNull().defaultNow(),
    expiresAt: ts('expires_at'),
    lastUsedAt: ts('last_used_at'),
    revokedAt: ts('revoked_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // The one lookup that cannot start from a tenant: a presented key names its tenant.
    uniqueIndex('api_keys_secret_hash_idx').on(t.secretHash),
  ],
);

/** Who changed what. Rows are only ever inserted (a trigger refuses updates and deletes). */
export const auditLog = platformSchema.table(
  'audit_log',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    occurredAt: ts('occurred_at').notNull(),
    actorId: text('actor_id').notNull(),
    actorKind: text('actor_kind').$type<ActorKind>().notNull(),
    operationName: text('operation_name'),
    field: text('field').notNull(),
    service: text('service').notNull(),
    entityIds: text('entity_ids').array().notNull(),
    /** Only committed changes are recorded. */
    outcome: text('outcome').$type<'SUCCEEDED'>().notNull(),
    requestId: text('request_id').notNull(),
    clientIp: text('client_ip'),
    input: jsonb('input').$type<Record<string, unknown>>(),
    /**
     * When the entry was written here, by the consumer's transaction clock (never set by the
     * code): the sync order (lib/sync.ts). occurredAt is earlier, by the event's delivery lag.
     */
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('audit_log_actor_idx').on(t.tenantId, t.actorId, t.id),
    index('audit_log_recorded_idx').on(t.tenantId, t.recordedAt, t.id),
    index('audit_log_field_idx').on(t.tenantId, t.field, t.id),
    index('audit_log_entities_idx').using('gin', t.entityIds),
    check('audit_log_actor_kind', sql`${t.actorKind} in ('USER', 'API_KEY', 'EVENT')`),
  ],
);

/**
 * Where a tenant's webhooks go. The secret is stored encrypted (webhook-secrets.ts), as is the
 * previous one while it still signs after a rotation.
 */
export const webhookSubscriptions = platformSchema.table(
  'webhook_subscriptions',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    url: text('url').notNull(),
    description: text('description'),
    eventTypes: text('event_types').array().notNull(),
    active: boolean('active').notNull().default(true),
    disabledReason: text('disabled_reason'),
    secret: text('secret').notNull(),
    previousSecret: text('previous_secret'),
    previousSecretExpiresAt: ts('previous_secret_expires_at'),
    /** The first failed attempt since the last success: 3 days of nothing but failures disable it. */
    failingSince: ts('failing_since'),
    /** Deliveries FAILED in a row (reset by any success): 100 disable it. */
    failedInARow: integer('failed_in_a_row').notNull().default(0),
    createdAt: ts('created_at').notNull().defaultNow(),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

export type WebhookDeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

/** One event for one subscription: sent until the receiver takes it or the retry schedule ends. */
export const webhookDeliveries = platformSchema.table(
  'webhook_deliveries',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    subscriptionId: uuid('subscription_id').notNull(),
    eventId: uuid('event_id').notNull(),
    /** The `webhook-id` header: the same on every attempt and redelivery (the receiver's dedupe key). */
    webhookId: text('webhook_id').notNull(),
    eventType: text('event_type').notNull(),
    /** The exact JSON sent (`{"type","timestamp","data"}`), so that every attempt signs the same bytes. */
    body: text('body').notNull(),
    status: text('status').$type<WebhookDeliveryStatus>().notNull().default('PENDING'),
    /** Every attempt ever made (each is in webhook_attempts under its number). */
    attempts: integer('attempts').notNull().default(0),
    /** Attempts since it was last (re)queued: where it is in the retry schedule. */
    scheduleStep: integer('schedule_step').notNull().default(0),
    nextAttemptAt: ts('next_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    lastDurationMs: integer('last_duration_ms'),
    deliveredAt: ts('delivered_at'),
    createdAt: ts('created_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('webhook_deliveries_event_idx').on(t.tenantId, t.subscriptionId, t.eventId),
    index('webhook_deliveries_subscription_idx').on(t.tenantId, t.subscriptionId, t.createdAt, t.id),
    // The worker's queue spans tenants: it looks only at what is still pending.
    index('webhook_deliveries_pending_idx')
      .on(t.nextAttemptAt)
      .where(sql`status = 'PENDING'`),
    check('webhook_deliveries_status', sql`${t.status} in ('PENDING', 'DELIVERED', 'FAILED')`),
  ],
);

/** Each attempt of a delivery: what the receiver answered (its body truncated to 1 KB), or why nothing came. */
export const webhookAttempts = platformSchema.table(
  'webhook_attempts',
  {
    tenantId: text('tenant_id').notNull(),
    deliveryId: uuid('delivery_id').notNull(),
    attempt: integer('attempt').notNull(),
    attemptedAt: ts('attempted_at').notNull(),
    statusCode: integer('status_code'),
    durationMs: integer('duration_ms').notNull(),
    error: text('error'),
    responseBody: text('response_body'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.deliveryId, t.attempt] })],
);

export type TenantRow = typeof tenants.$inferSelect;
export type WebhookSubscriptionRow = typeof webhookSubscriptions.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
export type WebhookAttemptRow = typeof webhookAttempts.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type AuditEntryRow = typeof auditLog.$inferSelect;

/** Events it publishes (outbox + deliveries) and the events it has consumed (inbox). */
export const { outboxEvents, outboxDeliveries, inbox } = eventTables(platformSchema);
export const idempotencyKeys = idempotencyTable(platformSchema);
