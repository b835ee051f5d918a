import DataLoader from 'dataloader';
import type { Queryable } from '../../lib/db.js';
import { childConnections } from '../../lib/list-connection.js';
import { aggregateOf, childrenOf, rowsById } from '../../lib/loaders.js';
import * as orders from './db/order-queries.js';
import * as q from './db/queries.js';
import type { TenantRow, WarehouseRow } from './db/schema.js';
import * as shipmentsQ from './db/shipment-queries.js';
import { levelsOfProducts } from './db/stock-queries.js';

/** The request's DataLoaders: every list and entity reference is one query per batch. */
export function createLoaders(db: Queryable, tenantId: string) {
  let tenant: Promise<TenantRow> | undefined;
  let warehouses: Promise<Map<string, WarehouseRow>> | undefined;
  const warehouseMap = () =>
    (warehouses ??= q.warehousesOf(db, tenantId).then((rows) => new Map(rows.map((w) => [w.id, w]))));
  return {
    tenant: () => (tenant ??= q.tenantById(db, tenantId)),
    warehouse: new DataLoader<string, WarehouseRow | null>(async (ids) => {
      const map = await warehouseMap();
      return ids.map((id) => map.get(id) ?? null);
    }),
    product: rowsById((ids) => q.productsByIds(db, tenantId, ids)),
    levelsOfProduct: childrenOf(
      (ids) => levelsOfProducts(db, tenantId, ids),
      (l) => l.productId,
    ),
    openRequestsOfProduct: childrenOf(
      (ids) => shipmentsQ.openRequestsOfProducts(db, tenantId, ids),
      (r) => r.productId,
    ),
    backlogOfProduct: aggregateOf(
      (ids) => orders.backlogOfProducts(db, tenantId, ids),
      (r) => r.product_id,
      (r) => r.backlog,
      '0',
    ),
    order: rowsById((ids) => orders.ordersByIds(db, tenantId, ids)),
    orderOfOpportunity: rowsById(
      (ids) => orders.ordersOfOpportunities(db, tenantId, ids),
      (o) => o.opportunityId!,
    ),
    linesOfOrder: childrenOf(
      (ids) => orders.linesOfOrders(db, tenantId, ids),
      (l) => l.orderId,
    ),
    shipmentsOfOrder: childrenOf(
      (ids) => shipmentsQ.shipmentsOfOrders(db, tenantId, ids),
      (s) => s.orderId,
    ),
    linesOfShipment: childrenOf(
      (ids) => shipmentsQ.linesOfShipments(db, tenantId, ids),
      (l) => l.shipmentId,
    ),
    shipment: rowsById((ids) => shipmentsQ.shipmentsByIds(db, tenantId, ids)),
    request: rowsById((ids) => shipmentsQ.requestsByIds(db, tenantId, ids)),
    /** Connections under a customer (its orders). */
    children: childConnections(db, tenantId),
    orderStatsOfCustomer: aggregateOf(
      (ids) => orders.orderStatsOfCustomers(db, tenantId, ids),
      (r) => r.customerId,
      (r) => ({ count: r.count, total: r.total, lastOrderAt: r.lastOrderAt as string | null }),
      { count: 0, total: '0', lastOrderAt: null as string | null },
    ),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
