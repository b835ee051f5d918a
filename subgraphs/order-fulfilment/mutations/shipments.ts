import { notFound, userError, type UserError } from '../../../lib/errors.js';
import { uuidv7 } from '../../../lib/ids.js';
import { checkDecimal, dec, MAX_QUANTITY } from '../../../lib/money.js';
import { failOn, findOrFail, inTransaction } from '../../../lib/mutation.js';
import { InputCheck } from '../../../lib/validate.js';
import type { FulfilmentContext } from '../context.js';
import * as orders from '../db/order-queries.js';
import { nextNumber } from '../db/queries.js';
import * as shipmentsQ from '../db/shipment-queries.js';
import { formatNumber } from '../rules.js';
import { publishDelivered, publishShipped } from '../publish.js';
import { LockedStock } from '../stock.js';
import { warehouseFor } from './catalogue.js';
import { orderForUpdate } from './orders.js';

type Shippable = Map<string, Map<string, ReturnType<typeof dec>>>;

/** Per warehouse and order line: allocated and not already on a PICKING shipment. */
async function shippable(
  tx: Parameters<typeof orders.linesOfOrders>[0],
  ctx: FulfilmentContext,
  orderId: string,
  lineIds: string[],
): Promise<Shippable> {
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
    const byLine = result.get(a.warehouseId) ?? new Map();
    byLine.set(a.orderLineId, free);
    result.set(a.warehouseId, byLine);
  }
  return result;
}

const carrierFields = (input: { carrier?: string | null; trackingNumber?: string | null }) => {
  const check = new InputCheck();
  const carrier = check.text('carrier', input.carrier, { max: 100 });
  const trackingNumber = check.text('trackingNumber', input.trackingNumber, { max: 100 });
  failOn(check.errors);
  return { ...(carrier !== undefined ? { carrier } : {}), ...(trackingNumber !== undefined ? { trackingNumber } : {}) };
};

export const shipmentMutations = {
  createShipment: (
    _: unknown,
    {
      input,
    }: {
      input: {
        orderId: string;
        warehouseId?: string | null;
        lines?: { orderLineId: string; quantity: string }[] | null;
        carrier?: string | null;
        trackingNumber?: string | null;
      };
    },
    ctx: FulfilmentContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const order = await orderForUpdate(tx, ctx, input.orderId, ['input', 'orderId']);
      if (order.status !== 'CONFIRMED' && order.status !== 'PARTIALLY_SHIPPED') {
        failOn([
          userError('INVALID_STATUS', ['input', 'orderId'], `The order is ${order.status}; only confirmed orders ship`),
        ]);
      }
      const lines = await orders.linesOfOrders(tx, ctx.tenantId, [order.id]);
      const free = await shippable(
        tx,
        ctx,
        order.id,
        lines.map((l) => l.id),
      );
      if (input.warehouseId) await warehouseFor(tx, ctx, input.warehouseId, ['input', 'warehouseId']);
      let warehouseId = input.warehouseId ?? null;
      if (warehouseId === null) {
        if (free.size > 1)
          failOn([
            userError(
              'WAREHOUSE_REQUIRED',
              ['input', 'warehouseId'],
              'The allocations sit in several warehouses: say which one ships',
            ),
          ]);
        warehouseId = [...free.keys()][0] ?? null;
      }
      const available = (warehouseId && free.get(warehouseId)) || new Map<string, ReturnType<typeof dec>>();
      const errors: UserError[] = [];
      const seen = new Set<string>();
      const wanted = input.lines
        ? input.lines.map((l, i) => {
            const field = ['input', 'lines', String(i)];
            const quantity = checkDecimal(
              l.quantity,
              { field: [...field, 'quantity'], min: '0', exclusiveMin: true, max: MAX_QUANTITY, scale: 4 },
              errors,
            );
            if (!lines.some((ol) => ol.id === l.orderLineId))
              errors.push(notFound('Order line', [...field, 'orderLineId']));
            else if (seen.has(l.orderLineId))
              errors.push(userError('DUPLICATE_LINE', [...field, 'orderLineId'], 'Each order line may appear once'));
            else if (quantity && dec(quantity).gt(available.get(l.orderLineId) ?? 0)) {
              errors.push(
                userError(
                  'EXCEEDS_ALLOCATED',
                  [...field, 'quantity'],
                  `Only ${(available.get(l.orderLineId) ?? dec(0)).toFixed()} is allocated there and not being picked`,
                ),
              );
            }
            seen.add(l.orderLineId);
            return { orderLineId: l.orderLineId, quantity: quantity ?? '0' };
          })
        : [...available.entries()].map(([orderLineId, quantity]) => ({ orderLineId, quantity: quantity.toFixed() }));
      failOn(errors);
      if (wanted.length === 0 || !warehouseId)
        failOn([
          userError(
            'NOTHING_TO_SHIP',
            ['input', 'orderId'],
            'Nothing of this order is allocated and waiting to be picked',
          ),
        ]);
      const shipment = await shipmentsQ.insertShipment(
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
      return { shipment };
    }),

  markShipmentShipped: (
    _: unknown,
    { input }: { input: { id: string; carrier?: string | null; trackingNumber?: string | null } },
    ctx: FulfilmentContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const shipment = await findOrFail(input.id, (id) => shipmentsQ.lockShipment(tx, ctx.tenantId, id), 'Shipment', [
        'input',
        'id',
      ]);
      if (shipment.status !== 'PICKING')
        failOn([userError('INVALID_STATUS', ['input', 'id'], `The shipment is ${shipment.status} already`)]);
      const carrier = carrierFields(input);
      const order = await orderForUpdate(tx, ctx, shipment.orderId);
      const shipped = await shipmentsQ.linesOfShipments(tx, ctx.tenantId, [shipment.id]);
      const stock = await LockedStock.lock(
        tx,
        ctx.tenantId,
        shipped.map((l) => l.productId),
      );
      for (const line of shipped)
        stock.ship(
          { id: line.orderLineId, productId: line.productId },
          shipment.warehouseId,
          line.quantity,
          formatNumber('SH', shipment.number),
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
      return { shipment: sent };
    }),

  markShipmentDelivered: (_: unknown, { input }: { input: { id: string } }, ctx: FulfilmentContext) =>
    inTransaction(ctx.database, async (tx) => {
      const shipment = await findOrFail(input.id, (id) => shipmentsQ.lockShipment(tx, ctx.tenantId, id), 'Shipment', [
        'input',
        'id',
      ]);
      if (shipment.status !== 'SHIPPED')
        failOn([
          userError(
            'INVALID_STATUS',
            ['input', 'id'],
            `The shipment is ${shipment.status}; only shipped ones are delivered`,
          ),
        ]);
      const order = await orderForUpdate(tx, ctx, shipment.orderId);
      const now = new Date();
      const delivered = await shipmentsQ.updateShipment(tx, ctx.tenantId, shipment.id, {
        status: 'DELIVERED',
        deliveredAt: now,
      });
      const all = await shipmentsQ.shipmentsOfOrders(tx, ctx.tenantId, [order.id]);
      // The order is delivered when it is fully shipped and every shipment has arrived.
      if (order.status === 'SHIPPED' && all.every((s) => s.status === 'DELIVERED')) {
        await orders.updateOrder(tx, ctx.tenantId, order.id, { status: 'DELIVERED', deliveredAt: now });
      }
      await publishDelivered(tx, ctx, delivered, order);
      return { shipment: delivered };
    }),
};
