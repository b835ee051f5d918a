import type { Queryable } from '../../../lib/db.js';
import type { EventEnvelope, EventPayloads } from '../../../lib/events/catalog.js';
import { userError } from '../../../lib/errors.js';
import { uuidv7 } from '../../../lib/ids.js';
import { dec, MAX_AMOUNT, MAX_QUANTITY } from '../../../lib/money.js';
import { failOn } from '../../../lib/mutation.js';
import type { FinanceContext } from '../context.js';
import * as inv from '../db/invoice-queries.js';
import { post } from '../db/queries.js';
import { issue } from '../mutations/invoices.js';
import { costOfGoods, costOfGoodsPostings, netAmount, shipmentInvoiceLines, type ShippedLine } from '../rules.js';
import { PayloadCheck } from '../../../lib/events/payload-check.js';

type Shipped = EventPayloads['shipment.shipped'];

/** The shipment as finance uses it, every field checked; anything wrong can never apply. */
function shipmentOf(payload: Shipped, currency: string) {
  const check = new PayloadCheck();
  const shipmentId = check.uuid('shipmentId', payload.shipmentId);
  const orderId = check.uuid('orderId', payload.orderId);
  const customerId = check.uuid('customerId', payload.customerId);
  const number = check.text('number', payload.number, 50);
  check.currency('currency', payload.currency, currency);
  const shippedOn = check.day('shippedOn', payload.shippedOn);
  const lines = check.list('lines', payload.lines, { min: 1, max: 1000 }).map((raw, i) => {
    const line = (raw ?? {}) as Partial<Shipped['lines'][number]>;
    const at = (field: string) => `lines.${i}.${field}`;
    const value = {
      productId: check.uuid(at('productId'), line.productId),
      sku: check.text(at('sku'), line.sku, 100),
      name: check.text(at('name'), line.name, 300),
      quantity: check.decimal(at('quantity'), line.quantity, { scale: 4, exclusiveMin: true, max: MAX_QUANTITY }),
      unitPrice: check.decimal(at('unitPrice'), line.unitPrice, { scale: 4 }),
      discountPercent: check.decimal(at('discountPercent'), line.discountPercent, { scale: 2, max: '100' }),
      unitCost: check.decimal(at('unitCost'), line.unitCost, { scale: 4 }),
      shippedBefore: check.decimal(at('shippedBefore'), line.shippedBefore, { scale: 4, max: MAX_QUANTITY }),
    };
    const upTo = dec(value.shippedBefore).plus(value.quantity);
    if (upTo.gt(MAX_QUANTITY)) {
      check.errors.push(
        userError(
          'OUT_OF_RANGE',
          ['payload', 'lines', String(i), 'shippedBefore'],
          `shippedBefore + quantity must be at most ${MAX_QUANTITY}`,
        ),
      );
    } else if (upTo.times(value.unitPrice).gt(MAX_AMOUNT) || dec(value.quantity).times(value.unitCost).gt(MAX_AMOUNT)) {
      check.errors.push(
        userError(
          'OUT_OF_RANGE',
          ['payload', 'lines', String(i), 'quantity'],
          `quantity x price must be at most ${MAX_AMOUNT}`,
        ),
      );
    }
    return value;
  });
  failOn(check.errors);
  return { shipmentId, orderId, customerId, number, shippedOn, lines };
}

type Shipment = ReturnType<typeof shipmentOf>;

/**
 * The shipment's invoice, issued on the day it shipped; null when the shipment already has one
 * (published twice under different event ids: billed once all the same).
 */
async function invoiceShipment(tx: Queryable, ctx: FinanceContext, shipment: Shipment, lines: ShippedLine[]) {
  const tenant = await ctx.loaders.tenant();
  const id = uuidv7();
  const draft = await inv.insertShipmentInvoice(tx, {
    tenantId: ctx.tenantId,
    id,
    customerId: shipment.customerId,
    orderId: shipment.orderId,
    shipmentId: shipment.shipmentId,
    status: 'DRAFT',
    currency: tenant.currency,
    createdAt: new Date(),
  });
  if (!draft) return null;
  await inv.insertLines(
    tx,
    shipmentInvoiceLines(lines, tenant.taxRate).map((l) => ({
      ...l,
      tenantId: ctx.tenantId,
      id: uuidv7(),
      invoiceId: id,
    })),
  );
  return issue(tx, ctx, await inv.updateInvoice(tx, ctx.tenantId, id), shipment.shippedOn);
}

/**
 * shipment.shipped: bills exactly what shipped, at the order's prices and discounts, at the
 * tenant's tax rate (an invoice only when there is something to bill), each line after what
 * earlier shipments of its order line billed (cumulative rounding: an order shipped in parts is
 * billed exactly its total, never a cent more), and posts the cost of the goods that left:
 * Dr 5000 / Cr 1200 (only when they cost something).
 */
export async function onShipmentShipped(tx: Queryable, event: EventEnvelope<'shipment.shipped'>, ctx: FinanceContext) {
  const tenant = await ctx.loaders.tenant();
  const shipment = shipmentOf(event.payload, tenant.currency);
  const billable = shipment.lines.some((l) =>
    dec(netAmount(l.quantity, l.unitPrice, l.discountPercent, l.shippedBefore)).gt(0),
  );
  if (billable && !(await invoiceShipment(tx, ctx, shipment, shipment.lines))) {
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
