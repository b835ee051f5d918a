import { and, asc, eq, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { uuidv7 } from '../../../lib/ids.js';
import { countOf, type KeysetOrder, pageOf } from '../../../lib/keyset.js';
import type { PageWindow } from '../../../lib/pagination.js';
import { anyOf, idEquals } from '../../../lib/sql.js';
import {
  replenishmentRequests,
  shipmentLines,
  shipments,
  type ReplenishmentRow,
  type ShipmentLineRow,
  type ShipmentRow,
} from './schema.js';

// ---- shipments

export async function shipmentsByIds(db: Queryable, tenantId: string, ids: readonly string[]): Promise<ShipmentRow[]> {
  return db
    .select()
    .from(shipments)
    .where(and(eq(shipments.tenantId, tenantId), anyOf(shipments.id, ids)));
}

export async function shipmentsOfOrders(
  db: Queryable,
  tenantId: string,
  orderIds: readonly string[],
): Promise<ShipmentRow[]> {
  return db
    .select()
    .from(shipments)
    .where(and(eq(shipments.tenantId, tenantId), anyOf(shipments.orderId, orderIds)))
    .orderBy(asc(shipments.number));
}

export async function lockShipment(db: Queryable, tenantId: string, id: string): Promise<ShipmentRow | null> {
  const [row] = await db
    .select()
    .from(shipments)
    .where(and(eq(shipments.tenantId, tenantId), eq(shipments.id, id)))
    .for('update');
  return row ?? null;
}

export async function linesOfShipments(
  db: Queryable,
  tenantId: string,
  shipmentIds: readonly string[],
): Promise<ShipmentLineRow[]> {
  return db
    .select()
    .from(shipmentLines)
    .where(and(eq(shipmentLines.tenantId, tenantId), anyOf(shipmentLines.shipmentId, shipmentIds)));
}

/** Quantities already on PICKING shipments, per order line and warehouse. */
export async function pickingOfOrder(db: Queryable, tenantId: string, orderId: string) {
  return db
    .select({
      orderLineId: shipmentLines.orderLineId,
      warehouseId: shipments.warehouseId,
      quantity: sql<string>`sum(${shipmentLines.quantity})::text`,
    })
    .from(shipmentLines)
    .innerJoin(
      shipments,
      and(eq(shipments.tenantId, shipmentLines.tenantId), eq(shipments.id, shipmentLines.shipmentId)),
    )
    .where(and(eq(shipments.tenantId, tenantId), eq(shipments.orderId, orderId), eq(shipments.status, 'PICKING')))
    .groupBy(shipmentLines.orderLineId, shipments.warehouseId);
}

export async function insertShipment(
  db: Queryable,
  values: typeof shipments.$inferInsert,
  lines: Omit<typeof shipmentLines.$inferInsert, 'tenantId' | 'shipmentId'>[],
) {
  const [row] = await db.insert(shipments).values(values).returning();
  await db.insert(shipmentLines).values(lines.map((l) => ({ ...l, tenantId: values.tenantId, shipmentId: row.id })));
  return row;
}

export async function updateShipment(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Partial<typeof shipments.$inferInsert>,
) {
  const [row] = await db
    .update(shipments)
    .set(patch)
    .where(and(eq(shipments.tenantId, tenantId), eq(shipments.id, id)))
    .returning();
  return row;
}

// ---- replenishment

export async function requestsByIds(
  db: Queryable,
  tenantId: string,
  ids: readonly string[],
): Promise<ReplenishmentRow[]> {
  return db
    .select()
    .from(replenishmentRequests)
    .where(and(eq(replenishmentRequests.tenantId, tenantId), anyOf(replenishmentRequests.id, ids)));
}

export async function lockRequest(db: Queryable, tenantId: string, id: string): Promise<ReplenishmentRow | null> {
  const [row] = await db
    .select()
    .from(replenishmentRequests)
    .where(and(eq(replenishmentRequests.tenantId, tenantId), eq(replenishmentRequests.id, id)))
    .for('update');
  return row ?? null;
}

/** Open requests of these products, earliest due first. */
export async function openRequestsOfProducts(
  db: Queryable,
  tenantId: string,
  productIds: readonly string[],
): Promise<ReplenishmentRow[]> {
  return db
    .select()
    .from(replenishmentRequests)
    .where(
      and(
        eq(replenishmentRequests.tenantId, tenantId),
        anyOf(replenishmentRequests.productId, productIds),
        eq(replenishmentRequests.status, 'OPEN'),
      ),
    )
    .orderBy(asc(replenishmentRequests.dueDate), asc(replenishmentRequests.number));
}

/**
 * Raises a request unless one is open for the product already (a partial unique index makes
 * that hold between concurrent transactions too). Returns the open request either way.
 */
export async function raiseRequestIfNoneOpen(
  db: Queryable,
  tenantId: string,
  values: { productId: string; kind: string; quantity: string; dueDate: string },
): Promise<ReplenishmentRow> {
  await db.execute(sql`
    with existing as (
      select 1 from fulfilment.replenishment_requests
      where tenant_id = ${tenantId} and product_id = ${values.productId} and status = 'OPEN'
    ), seq as (
      update fulfilment.tenants set replenishment_seq = replenishment_seq + 1
      where id = ${tenantId} and not exists (select 1 from existing)
      returning replenishment_seq
    )
    insert into fulfilment.replenishment_requests (tenant_id, id, number, product_id, kind, quantity, due_date, status, created_at)
    select ${tenantId}, ${uuidv7()}, seq.replenishment_seq, ${values.productId}, ${values.kind}, ${values.quantity}::numeric, ${values.dueDate}::date, 'OPEN', now()
    from seq
    on conflict (tenant_id, product_id) where status = 'OPEN' do nothing`);
  const [open] = await openRequestsOfProducts(db, tenantId, [values.productId]);
  return open;
}

export async function insertRequest(db: Queryable, values: typeof replenishmentRequests.$inferInsert) {
  const [row] = await db.insert(replenishmentRequests).values(values).onConflictDoNothing().returning();
  return row;
}

export async function updateRequest(
  db: Queryable,
  tenantId: string,
  id: string,
  patch: Partial<typeof replenishmentRequests.$inferInsert>,
) {
  const [row] = await db
    .update(replenishmentRequests)
    .set(patch)
    .where(and(eq(replenishmentRequests.tenantId, tenantId), eq(replenishmentRequests.id, id)))
    .returning();
  return row;
}

export interface RequestFilter {
  status?: string[] | null;
  productId?: string | null;
}

function requestConditions(tenantId: string, filter: RequestFilter): SQL {
  return and(
    eq(replenishmentRequests.tenantId, tenantId),
    filter.status?.length ? anyOf(replenishmentRequests.status, filter.status, 'text') : undefined,
    filter.productId ? idEquals(replenishmentRequests.productId, filter.productId) : undefined,
  )!;
}

export const requestOrder: KeysetOrder = {
  column: replenishmentRequests.createdAt,
  cast: 'timestamptz',
  id: replenishmentRequests.id,
  direction: 'DESC',
};

export async function listRequests(db: Queryable, tenantId: string, filter: RequestFilter, window: PageWindow) {
  return pageOf<typeof replenishmentRequests.$inferSelect>(
    db,
    replenishmentRequests,
    requestConditions(tenantId, filter),
    requestOrder,
    window,
  );
}

export async function countRequests(db: Queryable, tenantId: string, filter: RequestFilter): Promise<number> {
  return countOf(db, replenishmentRequests, requestConditions(tenantId, filter));
}
