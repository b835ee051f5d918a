import type { Queryable } from '../../../lib/db.js';
import type { EventEnvelope } from '../../../lib/events/catalog.js';
import { failOn } from '../../../lib/mutation.js';
import type { FinanceContext } from '../context.js';
import { cancelOrderExposure, confirmOrderExposure } from '../db/exposure-queries.js';
import { PayloadCheck } from '../../../lib/events/payload-check.js';

type OrderEvent = EventEnvelope<'salesOrder.confirmed'> | EventEnvelope<'salesOrder.cancelled'>;

/** The order's ids and total, in the tenant's currency, or the reasons it can never apply. */
async function orderExposureOf(event: OrderEvent, ctx: FinanceContext) {
  const { payload } = event;
  const tenant = await ctx.loaders.tenant();
  const check = new PayloadCheck();
  const orderId = check.uuid('orderId', payload.orderId);
  const customerId = check.uuid('customerId', payload.customerId);
  const amount = check.decimal('total', payload.total, { scale: 2 });
  check.currency('currency', payload.currency, tenant.currency);
  failOn(check.errors);
  return { tenantId: ctx.tenantId, orderId, customerId, amount };
}

/**
 * salesOrder.confirmed: the order's total counts as exposure until it is invoiced, replacing the
 * reservation made when it was confirmed (which would otherwise expire); never after a cancellation.
 */
export async function onOrderConfirmed(
  tx: Queryable,
  event: EventEnvelope<'salesOrder.confirmed'>,
  ctx: FinanceContext,
) {
  await confirmOrderExposure(tx, await orderExposureOf(event, ctx));
}

/** salesOrder.cancelled: the order stops counting, for good (also when its confirmation arrives later). */
export async function onOrderCancelled(
  tx: Queryable,
  event: EventEnvelope<'salesOrder.cancelled'>,
  ctx: FinanceContext,
) {
  await cancelOrderExposure(tx, await orderExposureOf(event, ctx));
}
