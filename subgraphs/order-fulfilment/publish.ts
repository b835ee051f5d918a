import { dayOf } from '../../lib/dates.js';
import type { Queryable } from '../../lib/db.js';
import { dec } from '../../lib/money.js';
import { documentNumber } from '../../lib/numbers.js';
import type { FulfilmentWrite } from './context.js';
import { productsByIds } from './db/queries.js';
import type { OrderLineRow, OrderRow, ShipmentLineRow, ShipmentRow } from './db/schema.js';

/** The events order-fulfilment publishes, each in the transaction of the change it reports (or of the seed that wrote it). */
type Publisher = Pick<FulfilmentWrite, 'tenantId' | 'outbox'>;

export const publishOrderConfirmed = (tx: Queryable, ctx: Publisher, order: OrderRow) =>
  ctx.outbox.publish(tx, ctx.tenantId, 'salesOrder.confirmed', {
    orderId: order.id,
    number: documentNumber('SO', order.number),
    customerId: order.customerId,
    opportunityId: order.opportunityId,
    total: order.total,
    currency: order.currency,
  });

export const publishOrderCancelled = (tx: Queryable, ctx: Publisher, order: OrderRow, wasConfirmed: boolean) =>
  ctx.outbox.publish(tx, ctx.tenantId, 'salesOrder.cancelled', {
    orderId: order.id,
    number: documentNumber('SO', order.number),
    customerId: order.customerId,
    total: order.total,
    currency: order.currency,
    wasConfirmed,
  });

/**
 * What finance needs to bill the shipment and post its cost: quantities, the order's prices, unit
 * costs, and per line what earlier shipments took of the order line (published in the transaction
 * that ships, after the stock flush: the order line's `shipped` already counts this shipment).
 */
export async function publishShipped(
  tx: Queryable,
  ctx: Publisher,
  shipment: ShipmentRow,
  order: OrderRow,
  shipped: ShipmentLineRow[],
  orderLines: OrderLineRow[],
) {
  const products = new Map(
    (await productsByIds(tx, ctx.tenantId, [...new Set(shipped.map((l) => l.productId))])).map((p) => [p.id, p]),
  );
  await ctx.outbox.publish(tx, ctx.tenantId, 'shipment.shipped', {
    shipmentId: shipment.id,
    number: documentNumber('SH', shipment.number),
    orderId: order.id,
    orderNumber: documentNumber('SO', order.number),
    customerId: order.customerId,
    currency: order.currency,
    shippedOn: dayOf(shipment.shippedAt!),
    lines: shipped.map((line) => {
      const orderLine = orderLines.find((l) => l.id === line.orderLineId)!;
      const product = products.get(line.productId)!;
      return {
        orderLineId: line.orderLineId,
        productId: line.productId,
        sku: product.sku,
        name: product.name,
        quantity: line.quantity,
        unitPrice: orderLine.unitPrice,
        discountPercent: orderLine.discountPercent,
        unitCost: product.unitCost,
        shippedBefore: dec(orderLine.shipped).minus(line.quantity).toFixed(),
      };
    }),
  });
}

export const publishDelivered = (tx: Queryable, ctx: Publisher, shipment: ShipmentRow, order: OrderRow) =>
  ctx.outbox.publish(tx, ctx.tenantId, 'shipment.delivered', {
    shipmentId: shipment.id,
    orderId: order.id,
    customerId: order.customerId,
    deliveredOn: dayOf(shipment.deliveredAt!),
    orderTotal: order.total,
    currency: order.currency,
  });

/** stock.belowReorderPoint for each product a change took below its reorder point. */
export const publishBelowReorderPoint = (
  tx: Queryable,
  ctx: Publisher,
  crossings: { productId: string; sku: string; available: string; reorderPoint: string }[],
) => ctx.outbox.publishMany(tx, ctx.tenantId, 'stock.belowReorderPoint', crossings);
