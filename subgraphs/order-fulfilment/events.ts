import { userError } from '../../lib/errors.js';
import type { EventHandlers } from '../../lib/events/inbox.js';
import { Outbox } from '../../lib/events/outbox.js';
import { uuidv7 } from '../../lib/ids.js';
import { failOn } from '../../lib/mutation.js';
import type { FulfilmentContext } from './context.js';
import { ordersOfOpportunities } from './db/order-queries.js';
import { productsByIds } from './db/queries.js';
import { inbox, outboxDeliveries, outboxEvents } from './db/schema.js';
import { insertDraft } from './mutations/orders.js';

/** Publishes salesOrder.confirmed/cancelled and shipment.shipped/delivered. */
export const outbox = new Outbox('order-fulfilment', { outboxEvents, outboxDeliveries, inbox });

/** Consumes opportunity.won: a won deal becomes a draft sales order. */
export const consumes: EventHandlers<FulfilmentContext> = {
  /**
   * A DRAFT order with the deal's product lines (quantity, price, discount), linked to the
   * opportunity. Nothing happens when the opportunity has an order already (made by hand) or no
   * product lines. Products the catalogue doesn't know, or another currency, can never apply: the
   * event is refused and kept as a dead letter to fix and replay.
   */
  'opportunity.won': async (tx, { payload }, ctx) => {
    if (payload.lines.length === 0) return;
    if ((await ordersOfOpportunities(tx, ctx.tenantId, [payload.opportunityId])).length > 0) return;
    const tenant = await ctx.loaders.tenant();
    if (payload.currency !== tenant.currency) {
      failOn([userError('CURRENCY_MISMATCH', ['payload', 'currency'], `The deal is in ${payload.currency}, orders are in ${tenant.currency}`)]);
    }
    const known = new Set((await productsByIds(tx, ctx.tenantId, payload.lines.map((l) => l.productId))).map((p) => p.id));
    const unknown = payload.lines.filter((l) => !known.has(l.productId)).map((l) => l.productId);
    if (unknown.length) failOn([userError('NOT_FOUND', ['payload', 'lines'], `Products not in the catalogue: ${unknown.join(', ')}`)]);
    await insertDraft(
      tx,
      ctx,
      { customerId: payload.customerId, opportunityId: payload.opportunityId, priority: 'NORMAL', requestedDate: null, currency: tenant.currency },
      payload.lines.map((l) => ({ id: uuidv7(), productId: l.productId, quantity: l.quantity, unitPrice: l.unitPrice, discountPercent: l.discountPercent })),
    );
  },
};
