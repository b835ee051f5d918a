import { eventTables } from '../../../lib/events/tables.js';
import { idempotencyTable } from '../../../lib/idempotency/table.js';
import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  numeric,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
  boolean,
} from 'drizzle-orm/pg-core';

/** Everything the order-fulfilment subgraph stores lives in this Postgres schema. */
export const fulfilmentSchema = pgSchema('fulfilment');

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
const qty = (name: string) => numeric(name, { precision: 18, scale: 4 });
const price = (name: string) => numeric(name, { precision: 18, scale: 4 });
const money = (name: string) => numeric(name, { precision: 18, scale: 2 });

export const tenants = fulfilmentSchema.table('tenants', {
  id: text('id').primaryKey(),
  currency: text('currency').notNull().default('CNY'),
  orderSeq: integer('order_seq').notNull().default(0),
  shipmentSeq: integer('shipment_seq').notNull().default(0),
  replenishmentSeq: integer('replenishment_seq').notNull().default(0),
  createdAt: ts('created_at').notNull().defaultNow(),
});

export const warehouses = fulfilmentSchema.table(
  'warehouses',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    address: text('address'),
    active: boolean('active').notNull().default(true),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('warehouses_code_idx').on(t.tenantId, t.code)],
);

export const products = fulfilmentSchema.table(
  'products',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    sku: text('sku').notNull(),
    name: text('name').notNull(),
    unit: text('unit').notNull(),
    listPrice: price('list_price').notNull(),
    unitCost: price('unit_cost').notNull().default('0'),
    currency: text('currency').notNull(),
    active: boolean('active').notNull().default(true),
    replenishment: text('replenishment').notNull(),
    reorderPoint: qty('reorder_point').notNull().default('0'),
    reorderQuantity: qty('reorder_quantity').notNull().default('0'),
    leadTimeDays: integer('lead_time_days').notNull(),
    searchText: text('search_text')
      .notNull()
      .generatedAlwaysAs(sql`lower(sku || ' ' || name)`),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    // SKUs are unique regardless of case: "wid-1" and "WID-1" are the same article.
    uniqueIndex('products_sku_idx').on(t.tenantId, sql`lower(${t.sku})`),
    index('products_name_idx').on(t.tenantId, t.name, t.id),
    index('products_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('products_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    index('products_search_idx').using('gin', t.searchText.op('gin_trgm_ops')),
  ],
);

/**
 * On hand and reserved per product and warehouse. The CHECK makes overselling impossible whatever
 * the interleaving: a reservation that would exceed on-hand fails in the database itself.
 */
export const stockLevels = fulfilmentSchema.table(
  'stock_levels',
  {
    tenantId: text('tenant_id').notNull(),
    productId: uuid('product_id').notNull(),
    warehouseId: uuid('warehouse_id').notNull(),
    onHand: qty('on_hand').notNull().default('0'),
    reserved: qty('reserved').notNull().default('0'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.productId, t.warehouseId] }),
    check('stock_levels_never_oversold', sql`${t.reserved} >= 0 and ${t.onHand} >= ${t.reserved}`),
  ],
);

/** The stock ledger: every change of on-hand or reserved is one row; the levels are its sums. */
export const stockMovements = fulfilmentSchema.table(
  'stock_movements',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    productId: uuid('product_id').notNull(),
    warehouseId: uuid('warehouse_id').notNull(),
    kind: text('kind').notNull(),
    quantity: qty('quantity').notNull(),
    onHandChange: qty('on_hand_change').notNull(),
    reservedChange: qty('reserved_change').notNull(),
    reference: text('reference'),
    occurredAt: ts('occurred_at').notNull(),
    /** When the row was written, by its transaction's clock (never set by the code): the sync order (lib/sync.ts). */
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('stock_movements_product_idx').on(t.tenantId, t.productId, t.occurredAt, t.id),
    index('stock_movements_recorded_idx').on(t.tenantId, t.recordedAt, t.id),
  ],
);

export const salesOrders = fulfilmentSchema.table(
  'sales_orders',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    number: integer('number').notNull(),
    customerId: uuid('customer_id').notNull(),
    opportunityId: uuid('opportunity_id'),
    status: text('status').notNull(),
    priority: text('priority').notNull(),
    requestedDate: date('requested_date'),
    promisedDate: date('promised_date'),
    currency: text('currency').notNull(),
    /** The sum of the line amounts, kept in step with the lines in the same transaction. */
    total: money('total').notNull().default('0'),
    createdAt: ts('created_at').notNull(),
    updatedAt: ts('updated_at').notNull(),
    confirmedAt: ts('confirmed_at'),
    shippedAt: ts('shipped_at'),
    deliveredAt: ts('delivered_at'),
    cancelledAt: ts('cancelled_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('sales_orders_number_idx').on(t.tenantId, t.number),
    index('sales_orders_customer_idx').on(t.tenantId, t.customerId, t.createdAt),
    index('sales_orders_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('sales_orders_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    index('sales_orders_status_idx').on(t.tenantId, t.status),
    // One live order per opportunity: a redelivered opportunity.won, or a manual order racing the
    // automatic one, can never make a second.
    uniqueIndex('sales_orders_opportunity_idx')
      .on(t.tenantId, t.opportunityId)
      .where(sql`opportunity_id is not null and status <> 'CANCELLED'`),
  ],
);

export const salesOrderLines = fulfilmentSchema.table(
  'sales_order_lines',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    orderId: uuid('order_id').notNull(),
    productId: uuid('product_id').notNull(),
    quantity: qty('quantity').notNull(),
    unitPrice: price('unit_price').notNull(),
    discountPercent: numeric('discount_percent', { precision: 5, scale: 2 }).notNull().default('0'),
    amount: money('amount')
      .notNull()
      .generatedAlwaysAs(sql`round(quantity * unit_price * (100 - discount_percent) / 100, 2)`),
    /** Reserved for this line and not yet shipped (the sum of its allocations). */
    allocated: qty('allocated').notNull().default('0'),
    shipped: qty('shipped').notNull().default('0'),
    /** What could not be reserved when the order was confirmed (for the backorder rate). */
    backorderedOnConfirm: qty('backordered_on_confirm'),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('sales_order_lines_order_idx').on(t.tenantId, t.orderId, t.position),
    index('sales_order_lines_product_idx').on(t.tenantId, t.productId),
    check(
      'sales_order_lines_within_quantity',
      sql`${t.allocated} >= 0 and ${t.shipped} >= 0 and ${t.allocated} + ${t.shipped} <= ${t.quantity}`,
    ),
  ],
);

/** Which warehouse holds each line's reservation. */
export const allocations = fulfilmentSchema.table(
  'allocations',
  {
    tenantId: text('tenant_id').notNull(),
    orderLineId: uuid('order_line_id').notNull(),
    warehouseId: uuid('warehouse_id').notNull(),
    quantity: qty('quantity').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.orderLineId, t.warehouseId] }),
    check('allocations_positive', sql`${t.quantity} >= 0`),
  ],
);

export const shipments = fulfilmentSchema.table(
  'shipments',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    number: integer('number').notNull(),
    orderId: uuid('order_id').notNull(),
    warehouseId: uuid('warehouse_id').notNull(),
    status: text('status').notNull(),
    carrier: text('carrier'),
    trackingNumber: text('tracking_number'),
    createdAt: ts('created_at').notNull(),
    shippedAt: ts('shipped_at'),
    deliveredAt: ts('delivered_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('shipments_order_idx').on(t.tenantId, t.orderId)],
);

export const shipmentLines = fulfilmentSchema.table(
  'shipment_lines',
  {
    tenantId: text('tenant_id').notNull(),
    shipmentId: uuid('shipment_id').notNull(),
    orderLineId: uuid('order_line_id').notNull(),
    productId: uuid('product_id').notNull(),
    quantity: qty('quantity').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.shipmentId, t.orderLineId] })],
);

export const replenishmentRequests = fulfilmentSchema.table(
  'replenishment_requests',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    number: integer('number').notNull(),
    productId: uuid('product_id').notNull(),
    kind: text('kind').notNull(),
    quantity: qty('quantity').notNull(),
    dueDate: date('due_date').notNull(),
    status: text('status').notNull(),
    warehouseId: uuid('warehouse_id'),
    createdAt: ts('created_at').notNull(),
    completedAt: ts('completed_at'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('replenishment_product_idx').on(t.tenantId, t.productId, t.status),
    // At most one automatic request open per product, whatever the interleaving of confirmations.
    uniqueIndex('replenishment_one_open_idx')
      .on(t.tenantId, t.productId)
      .where(sql`status = 'OPEN'`),
  ],
);

export type TenantRow = typeof tenants.$inferSelect;
export type ProductRow = typeof products.$inferSelect;
export type WarehouseRow = typeof warehouses.$inferSelect;
export type StockLevelRow = typeof stockLevels.$inferSelect;
export type MovementRow = typeof stockMovements.$inferSelect;
export type OrderRow = typeof salesOrders.$inferSelect;
export type OrderLineRow = typeof salesOrderLines.$inferSelect;
export type AllocationRow = typeof allocations.$inferSelect;
export type ShipmentRow = typeof shipments.$inferSelect;
export type ShipmentLineRow = typeof shipmentLines.$inferSelect;
export type ReplenishmentRow = typeof replenishmentRequests.$inferSelect;

/** Events it publishes (outbox + deliveries) and the events it has consumed (inbox). */
export const { outboxEvents, outboxDeliveries, inbox } = eventTables(fulfilmentSchema);
export const idempotencyKeys = idempotencyTable(fulfilmentSchema);
