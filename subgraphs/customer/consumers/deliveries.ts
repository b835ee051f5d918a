import type { Queryable } from '../../../lib/db.js';
import type { EventEnvelope } from '../../../lib/events/catalog.js';
import type { CustomerWrite } from '../context.js';
import { recordPurchase } from '../db/insight-queries.js';
import { checked } from './payload.js';

/** shipment.delivered: an order is a purchase on its first delivery (later deliveries of it change nothing). */
export async function onShipmentDelivered(
  tx: Queryable,
  ctx: CustomerWrite,
  { payload }: EventEnvelope<'shipment.delivered'>,
) {
  const p = await checked(tx, ctx.tenantId, (c) => ({
    orderId: c.uuid('orderId', payload.orderId),
    customerId: c.uuid('customerId', payload.customerId),
    deliveredOn: c.day('deliveredOn', payload.deliveredOn),
    orderTotal: c.decimalText('orderTotal', payload.orderTotal, { scale: 2 }),
    currency: c.currencyCode('currency', payload.currency),
  }));
  await recordPurchase(tx, {
    tenantId: ctx.tenantId,
    sourceId: p.orderId,
    source: 'ORDER',
    customerId: p.customerId,
    purchasedOn: p.deliveredOn,
    amount: p.orderTotal,
    currency: p.currency,
  });
}
