import { and, asc, eq, gte, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { countOf, type KeysetOrder, pageOf } from '../../../lib/keyset.js';
import type { PageWindow } from '../../../lib/pagination.js';
import { anyOf, containsText } from '../../../lib/sql.js';
import { products, tenants, warehouses, type ProductRow } from './schema.js';

export async function provisionTenant(db: Queryable, tenantId: string): Promise<void> {
  await db.insert(tenants).values({ id: tenantId }).onConflictDoNothing();
}

export async function tenantById(db: Queryable, tenantId: string) {
  const [row] = await db.select().from(tenants).where(eq(tenants.id, tenantId));
  return row;
}

type Sequence = 'orderSeq' | 'shipmentSeq' | 'replenishmentSeq';

/** The next number of a per-tenant sequence (the row lock orders concurrent writers). */
export async function nextNumber(db: Queryable, tenantId: string, sequence: Sequence): Promise<number> {
  const column = tenants[sequence];
  const [row] = await db
    .update(tenants)
    .set({ [sequence]: sql`${column} + 1` })
    .where(eq(tenants.id, tenantId))
    .returning({ n: column });
  return row.n;
}

// ---- warehouses

export async function warehousesOf(db: Queryable, tenantId: string) {
  return db.select().from(warehouses).where(eq(warehouses.tenantId, tenantId)).orderBy(asc(warehouses.code));
}

export async function warehousesByIds(db: Queryable, tenantId: string, ids: readonly string[]) {
  return db
    .select()
    .from(warehouses)
    .where(and(eq(warehouses.tenantId, tenantId), anyOf(warehouses.id, ids)));
}

/** Inserts a warehouse; undefined when the code is taken. */
export async function insertWarehouse(db: Queryable, values: typeof warehouses.$inferInsert) {
  const [row] = await db.insert(warehouses).values(values).onConflictDoNothing().returning();
  return row;
}

// ---- products

export async function productsByIds(db: Queryable, tenantId: string, ids: readonly string[]): Promise<ProductRow[]> {
  return db
    .select()
    .from(products)
    .where(and(eq(products.tenantId, tenantId), anyOf(products.id, ids)));
}

export async function productBySku(db: Queryable, tenantId: string, sku: string): Promise<ProductRow | null> {
  const [row] = await db
    .select()
    .from(products)
    .where(and(eq(products.tenantId, tenantId), sql`lower(${products.sku}) = lower(${sku})`));
  return row ?? null;
}

export interface ProductFilter {
  search?: string | null;
  active?: boolean | null;
  belowReorderPoint?: boolean | null;
  updatedSince?: Date | null;
}

/** Available (on hand - reserved) plus open incoming, per product, as a correlated expression. */
const availablePlusIncoming = sql`(
  coalesce((select sum(l.on_hand - l.reserved) from fulfilment.stock_levels l where l.tenant_id = ${products.tenantId} and l.product_id = ${products.id}), 0)
  + coalesce((select sum(r.quantity) from fulfilment.replenishment_requests r where r.tenant_id = ${products.tenantId} and r.product_id = ${products.id} and r.status = 'OPEN'), 0))`;

function productConditions(tenantId: string, filter: ProductFilter): SQL {
  return and(
    eq(products.tenantId, tenantId),
    filter.search?.trim() ? containsText(products.searchText, filter.search) : undefined,
    filter.active != null ? eq(products.active, filter.active) : undefined,
    filter.belowReorderPoint === true ? sql`${availablePlusIncoming} <= ${products.reorderPoint}` : undefined,
    filter.belowReorderPoint === false ? sql`${availablePlusIncoming} > ${products.reorderPoint}` : undefined,
    filter.updatedSince ? gte(products.updatedAt, filter.updatedSince) : undefined,
  )!;
}

export const productOrders = {
  SKU: { column: products.sku, cast: 'text', id: products.id },
  NAME: { column: products.name, cast: 'text', id: products.id },
  CREATED_AT: { column: products.createdAt, cast: 'timestamptz', id: products.id },
  UPDATED_AT: { column: products.updatedAt, cast: 'timestamptz', id: products.id },
} as const;

export async function listProducts(
  db: Queryable,
  tenantId: string,
  filter: ProductFilter,
  order: KeysetOrder,
  window: PageWindow,
) {
  return pageOf<typeof products.$inferSelect>(db, products, productConditions(tenantId, filter), order, window);
}

export async function countProducts(db: Queryable, tenantId: string, filter: ProductFilter): Promise<number> {
  return countOf(db, products, productConditions(tenantId, filter));
}

/** Inserts a product; undefined when the SKU is taken. */
export async function insertProduct(db: Queryable, values: typeof products.$inferInsert) {
  const [row] = await db.insert(products).values(values).onConflictDoNothing().returning();
  return row;
}

export async function updateProduct(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Partial<typeof products.$inferInsert>,
) {
  const [row] = await db
    .update(products)
    .set({ ...patch, updatedAt: new Date() })
    .where(and(eq(products.tenantId, tenantId), eq(products.id, id)))
    .returning();
  return row;
}
