import { FieldCheck } from '../../../lib/check.js';
import type { Queryable } from '../../../lib/db.js';
import type { EventEnvelope } from '../../../lib/events/catalog.js';
import type { FinanceWrite } from '../context.js';
import { cancelOrderExposure, confirmOrderExposure } from '../db/exposure-queries.js';

type OrderEvent = EventEnvelope<'salesOrder.confirmed'> | EventEnvelope<'salesOrder.cancelled'>;

/** The order's ids and total, in the tenant's currency, or the reasons it can never apply. */
function orderExposureOf(ctx: FinanceWrite, { payload }: OrderEvent) {
  const check = new FieldCheck(['payload']);
  const orderId = check.uuid('orderId', payload.orderId);
  const customerId = check.uuid('customerId', payload.customerId);
  const amount = check.decimalText('total', payload.total, { scale: 2 });
  check.currency('currency', payload.currency, ctx.settings.currency);
  check.done();
  return { tenantId: ctx.tenantId, orderId, customerId, amount };
}

/**
 * salesOrder.confirmed: the order's total counts as exposure until it is invoiced, replacing the
 * reservation made when it was confirmed (which would otherwise expire); never after a cancellation.
 */
export async function onOrderConfirmed(tx: Queryable, ctx: FinanceWrite, event: EventEnvelope<'salesOrder.confirmed'>) {
  await confirmOrderExposure(tx, orderExposureOf(ctx, event));
}

/** salesOrder.cancelled: the order stops counting, for good (also when its confirmation arrives later). */
export async function onOrderCancelled(tx: Queryable, ctx: FinanceWrite, event: EventEnvelope<'salesOrder.cancelled'>) {
  await cancelOrderExposure(tx, orderExposureOf(ctx, event));
}
