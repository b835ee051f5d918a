import type Big from 'big.js';
import { FieldCheck } from '../../lib/check.js';
import type { Queryable } from '../../lib/db.js';
import { uuidv7 } from '../../lib/ids.js';
import { dec } from '../../lib/money.js';
import { documentNumber } from '../../lib/numbers.js';
import { findOrFail } from '../../lib/transaction.js';
import { warehouseFor } from './catalogue.js';
import type { FulfilmentWrite } from './context.js';
import * as orders from './db/order-queries.js';
import { nextNumber } from './db/queries.js';
import type { OrderLineRow, ShipmentRow } from './db/schema.js';
import * as shipmentsQ from './db/shipment-queries.js';
import { Code, refuse } from './errors.js';
import type {
  CreateShipmentInput,
  MarkShipmentDeliveredInput,
  MarkShipmentShippedInput,
  ShipmentLineInput,
} from './generated/resolvers.js';
import { orderForUpdate } from './orders.js';
import { publishDelivered, publishShipped } from './publish.js';
import { LockedStock } from './stock.js';

/** Per warehouse, per order line: what is allocated there and not already on a PICKING shipment. */
type Shippable = Map<string, Map<string, Big>>;

async function shippable(tx: Queryable, ctx: FulfilmentWrite, orderId: string, lineIds: string[]): Promise<Shippable> {
  const [allocated, picking] = await Promise.all([
    orders.allocationsOfLines(tx, ctx.tenantId, lineIds),
    shipmentsQ.pickingOfOrder(tx, ctx.tenantId, orderId),
  ]);
  const result: Shippable = new Map();
  for (const a of allocated) {
    const inPicking =
      picking.find((p) => p.orderLineId === a.orderLineId && p.warehouseId === a.warehouseId)?.quantity ?? '0';
    const free = dec(a.quantity).minus(inPicking);
    if (free.lte(0)) continue;
    const byLine = result.get(a.warehouseId) ?? new Map<string, Big>();
    byLine.set(a.orderLineId, free);
    result.set(a.warehouseId, byLine);
  }
  return result;
}

/** The warehouse that ships: the one asked for (active), or the only one holding the order's allocations. */
async function shippingWarehouse(
  tx: Queryable,
  ctx: FulfilmentWrite,
  input: CreateShipmentInput,
  free: Shippable,
): Promise<string | null> {
  if (input.warehouseId) return (await warehouseFor(tx, ctx, input.warehouseId, ['input', 'warehouseId'])).id;
  if (free.size > 1)
    refuse(Code.REQUIRED, ['input', 'warehouseId'], 'The allocations sit in several warehouses: say which one ships');
  return [...free.keys()][0] ?? null;
}

/**
 * The shipment's lines: those asked for (each order line once, within what is free to ship), or
 * by default everything free to ship from the warehouse.
 */
function shipmentLines(
  requested: ShipmentLineInput[] | null | undefined,
  orderLines: OrderLineRow[],
  available: Map<string, Big>,
) {
  if (!requested)
    return [...available.entries()].map(([orderLineId, quantity]) => ({ orderLineId, quantity: quantity.toFixed() }));
  const check = new FieldCheck();
  const seen = new Set<string>();
  const wanted = requested.map((l, i) => {
    const at = (field: string) => `lines.${i}.${field}`;
    const quantity = check.quantity(at('quantity'), l.quantity);
    if (!orderLines.some((ol) => ol.id === l.orderLineId))
      check.add(at('orderLineId'), Code.NOT_FOUND, 'Order line not found');
    else if (seen.has(l.orderLineId)) check.add(at('orderLineId'), Code.DUPLICATE, 'Each order line may appear once');
    else if (quantity && dec(quantity).gt(available.get(l.orderLineId) ?? 0)) {
      check.add(
        at('quantity'),
        Code.EXCEEDS_ALLOCATED,
        `Only ${(available.get(l.orderLineId) ?? dec(0)).toFixed()} is allocated there and not being picked`,
      );
    }
    seen.add(l.orderLineId);
    return { orderLineId: l.orderLineId, quantity: quantity ?? '0' };
  });
  check.done();
  return wanted;
}

const carrierFields = (input: { carrier?: string | null; trackingNumber?: string | null }) => {
  const check = new FieldCheck();
  const carrier = check.text('carrier', input.carrier, { max: 100 });
  const trackingNumber = check.text('trackingNumber', input.trackingNumber, { max: 100 });
  check.done();
  return { ...(carrier !== undefined ? { carrier } : {}), ...(trackingNumber !== undefined ? { trackingNumber } : {}) };
};

/** A PICKING shipment from one warehouse, of allocated quantities only (default: everything allocated there). */
export async function createShipment(tx: Queryable, ctx: FulfilmentWrite, input: CreateShipmentInput) {
  const order = await orderForUpdate(tx, ctx, input.orderId, ['input', 'orderId']);
  if (order.status !== 'CONFIRMED' && order.status !== 'PARTIALLY_SHIPPED')
    refuse(Code.INVALID_STATUS, ['input', 'orderId'], `The order is ${order.status}; only confirmed orders ship`);
  const lines = await orders.linesOfOrders(tx, ctx.tenantId, [order.id]);
  const free = await shippable(
    tx,
    ctx,
    order.id,
    lines.map((l) => l.id),
  );
  const warehouseId = await shippingWarehouse(tx, ctx, input, free);
  const available = (warehouseId && free.get(warehouseId)) || new Map<string, Big>();
  const wanted = shipmentLines(input.lines, lines, available);
  if (wanted.length === 0 || !warehouseId)
    refuse(Code.NOTHING_TO_SHIP, ['input', 'orderId'], 'Nothing of this order is allocated and waiting to be picked');
  return shipmentsQ.insertShipment(
    tx,
    {
      tenantId: ctx.tenantId,
      id: uuidv7(),
      number: await nextNumber(tx, ctx.tenantId, 'shipmentSeq'),
      orderId: order.id,
      warehouseId: warehouseId!,
      status: 'PICKING',
      ...carrierFields(input),
      createdAt: new Date(),
    },
    wanted.map((w) => ({ ...w, productId: lines.find((l) => l.id === w.orderLineId)!.productId })),
  );
}

const shipmentForUpdate = (tx: Queryable, ctx: FulfilmentWrite, id: string): Promise<ShipmentRow> =>
  findOrFail(id, (id) => shipmentsQ.lockShipment(tx, ctx.tenantId, id), 'Shipment', ['input', 'id']);

/** Ships: consumes on-hand stock and the reservation; the order is shipped once every line is. */
export async function markShipped(tx: Queryable, ctx: FulfilmentWrite, input: MarkShipmentShippedInput) {
  const shipment = await shipmentForUpdate(tx, ctx, input.id);
  if (shipment.status !== 'PICKING')
    refuse(Code.INVALID_STATUS, ['input', 'id'], `The shipment is ${shipment.status} already`);
  const carrier = carrierFields(input);
  const order = await orderForUpdate(tx, ctx, shipment.orderId);
  const shipped = await shipmentsQ.linesOfShipments(tx, ctx.tenantId, [shipment.id]);
  const stock = await LockedStock.lock(
    tx,
    ctx,
    shipped.map((l) => l.productId),
  );
  for (const line of shipped)
    stock.ship(
      { id: line.orderLineId, productId: line.productId },
      shipment.warehouseId,
      line.quantity,
      documentNumber('SH', shipment.number),
    );
  await stock.flush();
  const now = new Date();
  const lines = await orders.linesOfOrders(tx, ctx.tenantId, [order.id]);
  const complete = lines.every((l) => dec(l.shipped).eq(l.quantity));
  await orders.updateOrder(
    tx,
    ctx.tenantId,
    order.id,
    complete ? { status: 'SHIPPED', shippedAt: now } : { status: 'PARTIALLY_SHIPPED' },
  );
  const sent = await shipmentsQ.updateShipment(tx, ctx.tenantId, shipment.id, {
    status: 'SHIPPED',
    shippedAt: now,
    ...carrier,
  });
  await publishShipped(tx, ctx, sent, order, shipped, lines);
  return sent;
}

/** The order is delivered when it is fully shipped and every shipment has arrived. */
export async function markDelivered(tx: Queryable, ctx: FulfilmentWrite, input: MarkShipmentDeliveredInput) {
  const shipment = await shipmentForUpdate(tx, ctx, input.id);
  if (shipment.status !== 'SHIPPED')
    refuse(Code.INVALID_STATUS, ['input', 'id'], `The shipment is ${shipment.status}; only shipped ones are delivered`);
  const order = await orderForUpdate(tx, ctx, shipment.orderId);
  const now = new Date();
  const delivered = await shipmentsQ.updateShipment(tx, ctx.tenantId, shipment.id, {
    status: 'DELIVERED',
    deliveredAt: now,
  });
  const all = await shipmentsQ.shipmentsOfOrders(tx, ctx.tenantId, [order.id]);
  if (order.status === 'SHIPPED' && all.every((s) => s.status === 'DELIVERED'))
    await orders.updateOrder(tx, ctx.tenantId, order.id, { status: 'DELIVERED', deliveredAt: now });
  await publishDelivered(tx, ctx, delivered, order);
  return delivered;
}
