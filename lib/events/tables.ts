import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, primaryKey, text, timestamp, uuid, type PgSchema } from 'drizzle-orm/pg-core';

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * The outbox and inbox every subgraph keeps in its own Postgres schema. An event row and its
 * delivery rows (one per subscriber) commit with the state change that caused them; the relay
 * works through the deliveries. The inbox records each event a subgraph consumed, in the same
 * transaction as its effects, so a redelivered event is recognised and ignored.
 */
export function eventTables(schema: PgSchema<string>) {
  const outboxEvents = schema.table(
    'outbox_events',
    {
      tenantId: text('tenant_id').notNull(),
      id: uuid('id').notNull(),
      type: text('type').notNull(),
      version: integer('version').notNull(),
      payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
      occurredAt: ts('occurred_at').notNull(),
    },
    (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index(`outbox_events_type_idx`).on(t.tenantId, t.type, t.id)],
  );
  const outboxDeliveries = schema.table(
    'outbox_deliveries',
    {
      tenantId: text('tenant_id').notNull(),
      eventId: uuid('event_id').notNull(),
      subscriber: text('subscriber').notNull(),
      /** PENDING until the subscriber acknowledged it (DELIVERED) or it failed for good (DEAD). */
      status: text('status').notNull().default('PENDING'),
      attempts: integer('attempts').notNull().default(0),
      nextAttemptAt: ts('next_attempt_at').notNull(),
      lastError: text('last_error'),
      deliveredAt: ts('delivered_at'),
    },
    (t) => [
      primaryKey({ columns: [t.tenantId, t.eventId, t.subscriber] }),
      // The relay's work queue spans tenants: it looks only at what is still pending.
      index('outbox_deliveries_pending_idx')
        .on(t.nextAttemptAt)
        .where(sql`status = 'PENDING'`),
      check('outbox_deliveries_status', sql`${t.status} in ('PENDING', 'DELIVERED', 'DEAD')`),
    ],
  );
  const inbox = schema.table(
    'inbox',
    {
      tenantId: text('tenant_id').notNull(),
      eventId: uuid('event_id').notNull(),
      type: text('type').notNull(),
      receivedAt: ts('received_at').notNull(),
    },
    (t) => [primaryKey({ columns: [t.tenantId, t.eventId] })],
  );
  return { outboxEvents, outboxDeliveries, inbox };
}

export type EventTables = ReturnType<typeof eventTables>;
