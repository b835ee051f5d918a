import { and, asc, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { countOf, type KeysetOrder, pageOf } from '../../../lib/keyset.js';
import type { ChildList } from '../../../lib/list-connection.js';
import { timeKey, type PageWindow } from '../../../lib/pagination.js';
import { dec } from '../../../lib/money.js';
import { anyOf, idEquals } from '../../../lib/sql.js';
import {
  allocations,
  salesOrderLines,
  salesOrders,
  type AllocationRow,
  type OrderLineRow,
  type OrderRow,
} from './schema.js';

export async function ordersByIds(db: Queryable, tenantId: string, ids: readonly string[]): Promise<OrderRow[]> {
  return db
    .select()
    .from(salesOrders)
    .where(and(eq(salesOrders.tenantId, tenantId), anyOf(salesOrders.id, ids)));
}

/** The live (not cancelled) order of each opportunity. */
export async function ordersOfOpportunities(
  db: Queryable,
  tenantId: string,
  opportunityIds: readonly string[],
): Promise<OrderRow[]> {
  return db
    .select()
    .from(salesOrders)
    .where(
      and(
        eq(salesOrders.tenantId, tenantId),
        anyOf(salesOrders.opportunityId, opportunityIds),
        sql`${salesOrders.status} <> 'CANCELLED'`,
      ),
    );
}

export async function orderByNumber(db: Queryable, tenantId: string, number: number): Promise<OrderRow | null> {
  const [row] = await db
    .select()
    .from(salesOrders)
    .where(and(eq(salesOrders.tenantId, tenantId), eq(salesOrders.number, number)));
  return row ?? null;
}

export async function lockOrder(db: Queryable, tenantId: string, id: string): Promise<OrderRow | null> {
  const [row] = await db
    .select()
    .from(salesOrders)
    .where(and(eq(salesOrders.tenantId, tenantId), eq(salesOrders.id, id)))
    .for('update');
  return row ?? null;
}

export interface OrderFilter {
  status?: string[] | null;
  customerId?: string | null;
  priority?: string | null;
  createdAfter?: Date | null;
  createdBefore?: Date | null;
  backordered?: boolean | null;
  updatedSince?: Date | null;
}

/** Lines still waiting for stock: confirmed orders whose lines are neither reserved nor shipped in full. */
const hasBackorder = sql`exists (select 1 from fulfilment.sales_order_lines l
  where l.tenant_id = ${salesOrders.tenantId} and l.order_id = ${salesOrders.id} and l.quantity > l.allocated + l.shipped)
  and ${salesOrders.status} in ('CONFIRMED', 'PARTIALLY_SHIPPED')`;

export function orderConditions(tenantId: string, filter: OrderFilter): SQL {
  return and(
    eq(salesOrders.tenantId, tenantId),
    filter.status?.length ? anyOf(salesOrders.status, filter.status, 'text') : undefined,
    filter.customerId ? idEquals(salesOrders.customerId, filter.customerId) : undefined,
    filter.priority ? eq(salesOrders.priority, filter.priority) : undefined,
    filter.createdAfter ? gte(salesOrders.createdAt, filter.createdAfter) : undefined,
    filter.createdBefore ? lt(salesOrders.createdAt, filter.createdBefore) : undefined,
    filter.backordered === true ? hasBackorder : undefined,
    filter.backordered === false ? sql`not (${hasBackorder})` : undefined,
    filter.updatedSince ? gte(salesOrders.updatedAt, filter.updatedSince) : undefined,
  )!;
}

export const orderOrders = {
  CREATED_AT: { column: salesOrders.createdAt, cast: 'timestamptz', id: salesOrders.id },
  TOTAL: { column: salesOrders.total, cast: 'numeric', id: salesOrders.id },
  // The integer number, compared as the numeric its cursor holds (keyset orders take an expression where a column goes).
  NUMBER: { column: sql`${salesOrders.number}::numeric`, cast: 'numeric', id: salesOrders.id },
  UPDATED_AT: { column: salesOrders.updatedAt, cast: 'timestamptz', id: salesOrders.id },
} as const;

export async function listOrders(
  db: Queryable,
  tenantId: string,
  filter: OrderFilter,
  order: KeysetOrder,
  window: PageWindow,
) {
  return pageOf<typeof salesOrders.$inferSelect>(db, salesOrders, orderConditions(tenantId, filter), order, window);
}

export async function countOrders(db: Queryable, tenantId: string, filter: OrderFilter): Promise<number> {
  return countOf(db, salesOrders, orderConditions(tenantId, filter));
}

/** A customer's orders, newest first, of one status or all (Customer.orders). */
export const ordersOfCustomer: ChildList<OrderRow, { status: string | null }> = {
  table: salesOrders,
  tenant: salesOrders.tenantId,
  parent: salesOrders.customerId,
  parentOf: (r) => r.customerId,
  order: { column: salesOrders.createdAt, cast: 'timestamptz', id: salesOrders.id, direction: 'DESC' },
  cursor: (r) => timeKey(r.createdAt),
  where: ({ status }) => (status ? eq(salesOrders.status, status) : undefined),
};

/** Per customer: orders that count as placed (not drafts, not cancelled), their total and the latest. */
export async function orderStatsOfCustomers(db: Queryable, tenantId: string, customerIds: readonly string[]) {
  return db
    .select({
      customerId: salesOrders.customerId,
      count: sql<number>`count(*)::int`,
      total: sql<string>`sum(${salesOrders.total})::text`,
      lastOrderAt: sql<string>`max(${salesOrders.createdAt})`,
    })
    .from(salesOrders)
    .where(
      and(
        eq(salesOrders.tenantId, tenantId),
        anyOf(salesOrders.customerId, customerIds),
        sql`${salesOrders.status} not in ('DRAFT', 'CANCELLED')`,
      ),
    )
    .groupBy(salesOrders.customerId);
}

export async function insertOrder(db: Queryable, values: typeof salesOrders.$inferInsert): Promise<OrderRow> {
  const [row] = await db.insert(salesOrders).values(values).returning();
  return row;
}

/** Applies a patch and recomputes the total from the lines. */
export async function updateOrder(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Partial<typeof salesOrders.$inferInsert> = {},
): Promise<OrderRow> {
  const [row] = await db
    .update(salesOrders)
    .set({
      ...patch,
      total: sql`coalesce((select sum(l.amount) from fulfilment.sales_order_lines l where l.tenant_id = ${tenantId} and l.order_id = ${id}), 0)`,
      updatedAt: new Date(),
    })
    .where(and(eq(salesOrders.tenantId, tenantId), eq(salesOrders.id, id)))
    .returning();
  return row;
}

// ---- lines and allocations

export async function linesOfOrders(
  db: Queryable,
  tenantId: string,
  orderIds: readonly string[],
): Promise<OrderLineRow[]> {
  return db
    .select()
    .from(salesOrderLines)
    .where(and(eq(salesOrderLines.tenantId, tenantId), anyOf(salesOrderLines.orderId, orderIds)))
    .orderBy(asc(salesOrderLines.position), asc(salesOrderLines.id));
}

export type NewLine = Pick<
  typeof salesOrderLines.$inferInsert,
  'productId' | 'quantity' | 'unitPrice' | 'discountPercent'
>;

export async function replaceLines(
  db: Queryable,
  tenantId: string,
  orderId: string,
  lines: (NewLine & { id: string })[],
) {
  await db
    .delete(salesOrderLines)
    .where(and(eq(salesOrderLines.tenantId, tenantId), eq(salesOrderLines.orderId, orderId)));
  if (lines.length)
    await db.insert(salesOrderLines).values(lines.map((l, i) => ({ ...l, tenantId, orderId, position: i + 1 })));
}

/** Sets lines' allocated / shipped / backorderedOnConfirm by adding deltas, in one statement. */
export async function adjustLines(
  db: Queryable,
  tenantId: string,
  changes: { id: string; allocated: string; shipped: string; backorderedOnConfirm?: string | null }[],
) {
  if (changes.length === 0) return;
  await db.execute(sql`
    update fulfilment.sales_order_lines l
    set allocated = l.allocated + v.allocated, shipped = l.shipped + v.shipped,
        backordered_on_confirm = coalesce(v.backordered_on_confirm, l.backordered_on_confirm)
    from unnest(${sql.param(changes.map((c) => c.id))}::uuid[], ${sql.param(changes.map((c) => c.allocated))}::text[]::numeric[],
                ${sql.param(changes.map((c) => c.shipped))}::text[]::numeric[], ${sql.param(changes.map((c) => c.backorderedOnConfirm ?? null))}::text[]::numeric[])
      as v(id, allocated, shipped, backordered_on_confirm)
    where l.tenant_id = ${tenantId} and l.id = v.id`);
}

export async function allocationsOfLines(
  db: Queryable,
  tenantId: string,
  lineIds: readonly string[],
): Promise<AllocationRow[]> {
  return db
    .select()
    .from(allocations)
    .where(and(eq(allocations.tenantId, tenantId), anyOf(allocations.orderLineId, lineIds)));
}

/**
 * Adds (or, negative, removes) reserved quantities per line and warehouse; empty allocations go
 * away. Existing rows are updated, new ones inserted: the CHECK refuses a negative allocation.
 */
export async function adjustAllocations(
  db: Queryable,
  tenantId: string,
  changes: { orderLineId: string; warehouseId: string; quantity: string }[],
) {
  if (changes.length === 0) return;
  const totals = new Map<string, { orderLineId: string; warehouseId: string; quantity: ReturnType<typeof dec> }>();
  for (const c of changes) {
    const key = `${c.orderLineId}/${c.warehouseId}`;
    const t = totals.get(key) ?? { orderLineId: c.orderLineId, warehouseId: c.warehouseId, quantity: dec(0) };
    t.quantity = t.quantity.plus(c.quantity);
    totals.set(key, t);
  }
  const rows = [...totals.values()].filter((t) => !t.quantity.eq(0));
  if (rows.length === 0) return;
  const updated = (await db.execute(sql`
    update fulfilment.allocations a set quantity = a.quantity + v.quantity
    from unnest(${sql.param(rows.map((r) => r.orderLineId))}::uuid[], ${sql.param(rows.map((r) => r.warehouseId))}::uuid[], ${sql.param(rows.map((r) => r.quantity.toFixed()))}::text[]::numeric[])
      as v(line, warehouse, quantity)
    where a.tenant_id = ${tenantId} and a.order_line_id = v.line and a.warehouse_id = v.warehouse
    returning a.order_line_id, a.warehouse_id`)) as unknown as { order_line_id: string; warehouse_id: string }[];
  const done = new Set(updated.map((u) => `${u.order_line_id}/${u.warehouse_id}`));
  const fresh = rows.filter((r) => !done.has(`${r.orderLineId}/${r.warehouseId}`));
  if (fresh.length)
    await db.insert(allocations).values(
      fresh.map((r) => ({
        tenantId,
        orderLineId: r.orderLineId,
        warehouseId: r.warehouseId,
        quantity: r.quantity.toFixed(),
      })),
    );
  await db.delete(allocations).where(and(eq(allocations.tenantId, tenantId), sql`${allocations.quantity} = 0`));
}

export interface WaitingLine {
  id: string;
  order_id: string;
  order_number: number;
  product_id: string;
  waiting: string;
}

/**
 * Lines of confirmed orders still waiting for stock of these products, in allocation priority
 * (URGENT, HIGH, NORMAL; then the larger order total; then the older order), locked.
 */
export async function waitingLines(
  db: Queryable,
  tenantId: string,
  productIds: readonly string[],
): Promise<WaitingLine[]> {
  return (await db.execute(sql`
    select l.id, l.order_id, o.number as order_number, l.product_id, (l.quantity - l.allocated - l.shipped)::text as waiting
    from fulfilment.sales_order_lines l
    join fulfilment.sales_orders o on o.tenant_id = l.tenant_id and o.id = l.order_id
    where l.tenant_id = ${tenantId} and l.product_id = any(${sql.param([...productIds])}::uuid[])
      and o.status in ('CONFIRMED', 'PARTIALLY_SHIPPED') and l.quantity > l.allocated + l.shipped
    order by case o.priority when 'URGENT' then 0 when 'HIGH' then 1 else 2 end, o.total desc, o.created_at, o.number, l.position
    for update of l`)) as unknown as WaitingLine[];
}

/** Per product: how much confirmed orders are still waiting for (the backlog incoming stock must serve first). */
export async function backlogOfProducts(
  db: Queryable,
  tenantId: string,
  productIds: readonly string[],
  exceptOrderId: string | null = null,
) {
  return (await db.execute(sql`
    select l.product_id, sum(l.quantity - l.allocated - l.shipped)::text as backlog
    from fulfilment.sales_order_lines l
    join fulfilment.sales_orders o on o.tenant_id = l.tenant_id and o.id = l.order_id
    where l.tenant_id = ${tenantId} and l.product_id = any(${sql.param([...productIds])}::uuid[])
      and o.status in ('CONFIRMED', 'PARTIALLY_SHIPPED') and l.quantity > l.allocated + l.shipped
      and (${exceptOrderId}::uuid is null or o.id <> ${exceptOrderId}::uuid)
    group by l.product_id`)) as unknown as { product_id: string; backlog: string }[];
}
