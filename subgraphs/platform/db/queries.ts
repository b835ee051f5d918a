import { and, arrayContains, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { AuditRecord } from '../../../lib/audit.js';
import type { Queryable } from '../../../lib/db.js';
import { countOf, pageOf, type KeysetOrder } from '../../../lib/keyset.js';
import type { PageWindow } from '../../../lib/pagination.js';
import { anyOf } from '../../../lib/sql.js';
import type { AuditLogFilter } from '../generated/resolvers.js';
import { apiKeys, auditLog, tenants, type ApiKeyRow, type AuditEntryRow, type TenantRow } from './schema.js';

export async function provisionTenant(db: Queryable, tenantId: string): Promise<void> {
  await db.insert(tenants).values({ id: tenantId }).onConflictDoNothing();
}

export async function getTenant(db: Queryable, tenantId: string): Promise<TenantRow> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  return row;
}

// ---- API keys

/** Newest first (ids are UUIDv7, created_at breaks no ties they don't). */
export const API_KEY_ORDER: KeysetOrder = {
  column: apiKeys.createdAt,
  cast: 'timestamptz',
  id: apiKeys.id,
  direction: 'DESC',
};

export const listApiKeys = (db: Queryable, tenantId: string, window: PageWindow) =>
  pageOf<ApiKeyRow>(db, apiKeys, eq(apiKeys.tenantId, tenantId), API_KEY_ORDER, window);

export const countApiKeys = (db: Queryable, tenantId: string) => countOf(db, apiKeys, eq(apiKeys.tenantId, tenantId));

export const apiKeysByIds = (db: Queryable, tenantId: string, ids: readonly string[]) =>
  db
    .select()
    .from(apiKeys)
    .where(and(eq(apiKeys.tenantId, tenantId), anyOf(apiKeys.id, ids)));

/**
 * The key a presented secret hashes to, whatever its tenant (the key names its tenant), and marks it
 * used: `last_used_at` moves at most once a minute, so a busy key costs one write a minute.
 */
export async function useApiKey(db: Queryable, secretHash: string): Promise<ApiKeyRow | null> {
  const [row] = await db
    .update(apiKeys)
    .set({
      lastUsedAt: sql`case when ${apiKeys.lastUsedAt} is null or ${apiKeys.lastUsedAt} < now() - interval '1 minute'
        then now() else ${apiKeys.lastUsedAt} end`,
    })
    .where(eq(apiKeys.secretHash, secretHash))
    .returning();
  return row ?? null;
}

// ---- the audit log

export const auditOrders = {
  OCCURRED_AT: { column: auditLog.occurredAt, cast: 'timestamptz', id: auditLog.id },
  UPDATED_AT: { column: auditLog.recordedAt, cast: 'timestamptz', id: auditLog.id },
} as const;

function auditWhere(tenantId: string, filter: AuditLogFilter): SQL {
  return and(
    eq(auditLog.tenantId, tenantId),
    filter.actorId ? eq(auditLog.actorId, filter.actorId) : undefined,
    filter.field ? eq(auditLog.field, filter.field) : undefined,
    filter.entityId ? arrayContains(auditLog.entityIds, [filter.entityId]) : undefined,
    filter.since ? gte(auditLog.occurredAt, filter.since) : undefined,
    filter.until ? lt(auditLog.occurredAt, filter.until) : undefined,
    filter.updatedSince ? gte(auditLog.recordedAt, filter.updatedSince) : undefined,
  )!;
}

export const listAuditEntries = (
  db: Queryable,
  tenantId: string,
  filter: AuditLogFilter,
  order: KeysetOrder,
  window: PageWindow,
) => pageOf<AuditEntryRow>(db, auditLog, auditWhere(tenantId, filter), order, window);

export const countAuditEntries = (db: Queryable, tenantId: string, filter: AuditLogFilter) =>
  countOf(db, auditLog, auditWhere(tenantId, filter));

/** Appends an entry under the id it was made with; the same entry again changes nothing. */
export async function insertAuditEntry(db: Queryable, tenantId: string, record: AuditRecord): Promise<void> {
  await db
    .insert(auditLog)
    .values({ ...record, tenantId, occurredAt: new Date(record.occurredAt) })
    .onConflictDoNothing();
}
