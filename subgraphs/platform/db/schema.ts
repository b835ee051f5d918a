import { sql } from 'drizzle-orm';
import { check, index, jsonb, primaryKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { eventTables } from '../../../lib/events/tables.js';
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
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('audit_log_actor_idx').on(t.tenantId, t.actorId, t.id),
    index('audit_log_field_idx').on(t.tenantId, t.field, t.id),
    index('audit_log_entities_idx').using('gin', t.entityIds),
    check('audit_log_actor_kind', sql`${t.actorKind} in ('USER', 'API_KEY', 'EVENT')`),
  ],
);

export type TenantRow = typeof tenants.$inferSelect;
export type ApiKeyRow = typeof apiKeys.$inferSelect;
export type AuditEntryRow = typeof auditLog.$inferSelect;

/** Events it publishes (outbox + deliveries) and the events it has consumed (inbox). */
export const { outboxEvents, outboxDeliveries, inbox } = eventTables(platformSchema);
