import { FieldCheck } from '../../../lib/check.js';
import type { Queryable } from '../../../lib/db.js';
import type { EventEnvelope, EventPayloads } from '../../../lib/events/catalog.js';
import { dec, MAX_AMOUNT, MAX_QUANTITY } from '../../../lib/money.js';
import type { FinanceWrite } from '../context.js';
import { post } from '../db/queries.js';
import { Code } from '../errors.js';
import { invoiceShipment } from '../invoices.js';
import { costOfGoods, costOfGoodsPostings, netAmount } from '../rules.js';

type Shipped = EventPayloads['shipment.shipped'];

/** The shipment as finance uses it, every field checked; anything wrong can never apply. */
function shipmentOf(payload: Shipped, currency: string) {
  const check = new FieldCheck(['payload']);
  const shipmentId = check.uuid('shipmentId', payload.shipmentId);
  const orderId = check.uuid('orderId', payload.orderId);
  const customerId = check.uuid('customerId', payload.customerId);
  const number = check.someText('number', payload.number, 50);
  check.currency('currency', payload.currency, currency);
  const shippedOn = check.day('shippedOn', payload.shippedOn);
  const lines = check.list('lines', payload.lines, { min: 1, max: 1000 }).map((raw, i) => {
    const line = (raw ?? {}) as Partial<Shipped['lines'][number]>;
    const at = (field: string) => `lines.${i}.${field}`;
    const value = {
      productId: check.uuid(at('productId'), line.productId),
      sku: check.someText(at('sku'), line.sku, 100),
      name: check.someText(at('name'), line.name, 300),
      quantity: check.decimalText(at('quantity'), line.quantity, { scale: 4, exclusiveMin: true, max: MAX_QUANTITY }),
      unitPrice: check.decimalText(at('unitPrice'), line.unitPrice, { scale: 4 }),
      discountPercent: check.decimalText(at('discountPercent'), line.discountPercent, { scale: 2, max: '100' }),
      unitCost: check.decimalText(at('unitCost'), line.unitCost, { scale: 4 }),
      shippedBefore: check.decimalText(at('shippedBefore'), line.shippedBefore, { scale: 4, max: MAX_QUANTITY }),
    };
    const upTo = dec(value.shippedBefore).plus(value.quantity);
    if (upTo.gt(MAX_QUANTITY)) {
      check.add(at('shippedBefore'), Code.OUT_OF_RANGE, `shippedBefore + quantity must be at most ${MAX_QUANTITY}`);
    } else if (upTo.times(value.unitPrice).gt(MAX_AMOUNT) || dec(value.quantity).times(value.unitCost).gt(MAX_AMOUNT)) {
      check.add(at('quantity'), Code.OUT_OF_RANGE, `quantity x price must be at most ${MAX_AMOUNT}`);
    }
    return value;
  });
  check.done();
  return { shipmentId, orderId, customerId, number, shippedOn, lines };
}

/**
 * shipment.shipped: bills exactly what shipped, at the order's prices and discounts, at the
 * tenant's tax rate (an invoice only when there is something to bill), each line after what
 * earlier shipments of its order line billed (cumulative rounding: an order shipped in parts is
 * billed exactly its total, never a cent more), and posts the cost of the goods that left:
 * Dr 5000 / Cr 1200 (only when they cost something).
 */
export async function onShipmentShipped(tx: Queryable, ctx: FinanceWrite, event: EventEnvelope<'shipment.shipped'>) {
  const shipment = shipmentOf(event.payload, ctx.settings.currency);
  const billable = shipment.lines.some((l) =>
    dec(netAmount(l.quantity, l.unitPrice, l.discountPercent, l.shippedBefore)).gt(0),
  );
  if (billable && !(await invoiceShipment(tx, ctx, shipment))) {
    ctx.log.warn({ shipment: shipment.number, event: event.id }, 'shipment already invoiced; event ignored');
    return;
  }
  const cost = costOfGoods(shipment.lines);
  if (dec(cost).gt(0)) {
    await post(
      tx,
      ctx.tenantId,
      { postedOn: shipment.shippedOn, description: 'Cost of goods shipped', reference: shipment.number },
      costOfGoodsPostings(cost),
    );
  }
}
