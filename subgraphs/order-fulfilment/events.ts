import { userError } from '../../lib/errors.js';
import type { EventHandlers } from '../../lib/events/inbox.js';
import { Outbox } from '../../lib/events/outbox.js';
import { uuidv7 } from '../../lib/ids.js';
import type { EventPayloads } from '../../lib/events/catalog.js';
import { PayloadCheck } from '../../lib/events/payload-check.js';
import { MAX_QUANTITY } from '../../lib/money.js';
import { failOn } from '../../lib/mutation.js';
import type { FulfilmentContext } from './context.js';
import { ordersOfOpportunities } from './db/order-queries.js';
import { productsByIds } from './db/queries.js';
import { inbox, outboxDeliveries, outboxEvents } from './db/schema.js';
import { insertDraft, MAX_ORDER_LINES } from './mutations/orders.js';

/** Publishes salesOrder.confirmed/cancelled and shipment.shipped/delivered. */
export const outbox = new Outbox('order-fulfilment', { outboxEvents, outboxDeliveries, inbox });

/** The won deal as order-fulfilment uses it, every field checked like an order line's input. */
function wonDeal(payload: EventPayloads['opportunity.won'], currency: string) {
  const check = new PayloadCheck();
  const opportunityId = check.uuid('opportunityId', payload.opportunityId);
  const customerId = check.uuid('customerId', payload.customerId);
  check.currency('currency', payload.currency, currency);
  const lines = check.list('lines', payload.lines, { min: 0, max: MAX_ORDER_LINES }).map((raw, i) => {
    const line = (raw ?? {}) as Partial<EventPayloads['opportunity.won']['lines'][number]>;
    const at = (field: string) => `lines.${i}.${field}`;
    return {
      id: uuidv7(),
      productId: check.uuid(at('productId'), line.productId),
      quantity: check.decimal(at('quantity'), line.quantity, { scale: 4, exclusiveMin: true, max: MAX_QUANTITY }),
      unitPrice: check.decimal(at('unitPrice'), line.unitPrice, { scale: 4 }),
      discountPercent: check.decimal(at('discountPercent'), line.discountPercent, { scale: 2, max: '100' }),
    };
  });
  failOn(check.errors);
  return { opportunityId, customerId, lines };
}

/** Consumes opportunity.won: a won deal becomes a draft sales order. */
export const consumes: EventHandlers<FulfilmentContext> = {
  /**
   * A DRAFT order with the deal's product lines (quantity, price, discount), linked to the
   * opportunity. Nothing happens when the opportunity has an order already (made by hand) or no
   * product lines. A payload that doesn't check out, products the catalogue doesn't know, or
   * another currency can never apply: the event is refused and kept as a dead letter to fix and
   * replay. Inactive products are kept: a draft can still be edited before it is confirmed.
   */
  'opportunity.won': async (tx, { payload }, ctx) => {
    const tenant = await ctx.loaders.tenant();
    const deal = wonDeal(payload, tenant.currency);
    if (deal.lines.length === 0) return;
    if ((await ordersOfOpportunities(tx, ctx.tenantId, [deal.opportunityId])).length > 0) return;
    const known = new Set(
      (
        await productsByIds(
          tx,
          ctx.tenantId,
          deal.lines.map((l) => l.productId),
        )
      ).map((p) => p.id),
    );
    const unknown = deal.lines.filter((l) => !known.has(l.productId)).map((l) => l.productId);
    if (unknown.length)
      failOn([userError('NOT_FOUND', ['payload', 'lines'], `Products not in the catalogue: ${unknown.join(', ')}`)]);
    await insertDraft(
      tx,
      ctx,
      {
        customerId: deal.customerId,
        opportunityId: deal.opportunityId,
        priority: 'NORMAL',
        requestedDate: null,
        currency: tenant.currency,
      },
      deal.lines,
    );
  },
};
