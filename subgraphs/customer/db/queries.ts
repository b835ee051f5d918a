import { and, eq, gte, isNull, lt, sql, type SQL } from 'drizzle-orm';
import { anyOf, containsText } from '../../../lib/sql.js';
import type { Queryable } from '../../../lib/db.js';
import { countOf, type KeysetOrder, pageOf } from '../../../lib/keyset.js';
import type { PageWindow } from '../../../lib/pagination.js';
import {
  customFieldDefinitions,
  customers,
  tenants,
  type CustomerRow,
  type CustomFieldDefinitionRow,
  type TenantRow,
} from './schema.js';
import { insightCondition, type InsightFilter } from './insight-queries.js';
import { todayUtc } from '../../../lib/dates.js';

export async function provisionTenant(db: Queryable, tenantId: string): Promise<void> {
  await db.insert(tenants).values({ id: tenantId }).onConflictDoNothing();
}

/** The tenant's settings (provisioned on its first request, so always there). */
export async function getTenant(db: Queryable, tenantId: string): Promise<TenantRow> {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  return row;
}

export async function customersByIds(db: Queryable, tenantId: string, ids: readonly string[]): Promise<CustomerRow[]> {
  if (ids.length === 0) return [];
  return db
    .select()
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), anyOf(customers.id, ids)));
}

/** Locks the customer row for the rest of the transaction (serialises writers of one customer). */
export async function lockCustomer(db: Queryable, tenantId: string, id: string): Promise<CustomerRow | null> {
  const [row] = await db
    .select()
    .from(customers)
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, id)))
    .for('update');
  return row ?? null;
}

/** The list filter; the insight filters (repurchase, last purchase, health) read customerInsightsSql. */
export interface CustomerFilter extends InsightFilter {
  search?: string | null;
  tags?: string[] | null;
  segment?: string | null;
  ownerId?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  includeArchived?: boolean | null;
  customField?: { key: string; equals: string } | null;
  updatedSince?: Date | null;
}

function customerConditions(tenantId: string, filter: CustomerFilter): SQL {
  const conditions: (SQL | undefined)[] = [eq(customers.tenantId, tenantId)];
  // A sync must see archivals, so updatedSince lists archived customers too.
  if (!filter.includeArchived && !filter.updatedSince) conditions.push(isNull(customers.archivedAt));
  if (filter.updatedSince) conditions.push(gte(customers.updatedAt, filter.updatedSince));
  if (filter.search?.trim()) conditions.push(containsText(customers.searchText, filter.search));
  if (filter.tags?.length) conditions.push(sql`${customers.tags} @> ${sql.param(filter.tags)}::text[]`);
  if (filter.segment) conditions.push(eq(customers.segment, filter.segment));
  if (filter.ownerId) conditions.push(eq(customers.ownerId, filter.ownerId));
  if (filter.createdAfter) conditions.push(gte(customers.createdAt, filter.createdAfter));
  if (filter.createdBefore) conditions.push(lt(customers.createdAt, filter.createdBefore));
  if (filter.customField)
    conditions.push(sql`${customers.customFields} ->> ${filter.customField.key} = ${filter.customField.equals}`);
  conditions.push(insightCondition(tenantId, todayUtc(), filter));
  return and(...conditions)!;
}

export const customerOrders = {
  NAME: { column: customers.name, cast: 'text', id: customers.id },
  CREATED_AT: { column: customers.createdAt, cast: 'timestamptz', id: customers.id },
  UPDATED_AT: { column: customers.updatedAt, cast: 'timestamptz', id: customers.id },
} as const;

export async function listCustomers(
  db: Queryable,
  tenantId: string,
  filter: CustomerFilter,
  order: KeysetOrder,
  window: PageWindow,
) {
  return pageOf<typeof customers.$inferSelect>(db, customers, customerConditions(tenantId, filter), order, window);
}

export async function countCustomers(db: Queryable, tenantId: string, filter: CustomerFilter): Promise<number> {
  return countOf(db, customers, customerConditions(tenantId, filter));
}

export type NewCustomer = typeof customers.$inferInsert;

/** Inserts a customer; returns undefined when one with the same id exists already. */
export async function insertCustomer(db: Queryable, values: NewCustomer): Promise<CustomerRow | undefined> {
  const [row] = await db.insert(customers).values(values).onConflictDoNothing().returning();
  return row;
}

export async function updateCustomer(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Partial<NewCustomer>,
): Promise<CustomerRow> {
  const [row] = await db
    .update(customers)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(customers.tenantId, tenantId), eq(customers.id, id)))
    .returning();
  return row;
}

/** Adds or removes tags on many customers in one statement; returns the rows that exist. */
export async function retagCustomers(
  db: Queryable,
  tenantId: string,
  ids: string[],
  tags: string[],
  mode: 'add' | 'remove',
) {
  const newTags =
    mode === 'add'
      ? sql`array(select distinct unnest(${customers.tags} || ${sql.param(tags)}::text[]) order by 1)`
      : sql`array(select t from unnest(${customers.tags}) as t where t <> all(${sql.param(tags)}::text[]))`;
  return db
    .update(customers)
    .set({ tags: newTags, updatedAt: new Date() })
    .where(and(eq(customers.tenantId, tenantId), anyOf(customers.id, ids)))
    .returning();
}

/** The tenant's custom field definitions of one entity (CUSTOMER, LEAD), in the order they were made. */
export async function customFieldDefinitionsFor(
  db: Queryable,
  tenantId: string,
  entity: string,
): Promise<CustomFieldDefinitionRow[]> {
  return db
    .select()
    .from(customFieldDefinitions)
    .where(and(eq(customFieldDefinitions.tenantId, tenantId), eq(customFieldDefinitions.entity, entity)))
    .orderBy(customFieldDefinitions.createdAt, customFieldDefinitions.key);
}

export async function insertCustomFieldDefinition(db: Queryable, values: typeof customFieldDefinitions.$inferInsert) {
  const rows = await db.insert(customFieldDefinitions).values(values).onConflictDoNothing().returning();
  return rows[0] ?? null;
}
