import { FieldCheck } from '../../../lib/check.js';
import type { Queryable } from '../../../lib/db.js';
import type { EventEnvelope, EventPayloads } from '../../../lib/events/catalog.js';
import { uuidv7 } from '../../../lib/ids.js';
import { MAX_QUANTITY } from '../../../lib/money.js';
import type { FulfilmentWrite } from '../context.js';
import { draftFromWonDeal, MAX_ORDER_LINES } from '../orders.js';

type WonLine = EventPayloads['opportunity.won']['lines'][number];

/**
 * opportunity.won: a won deal becomes a DRAFT sales order (orders.ts draftFromWonDeal). Every
 * field of the payload is checked like an order line's input; a payload that doesn't check out,
 * or in another currency, can never apply: the event is refused and kept as a dead letter to fix
 * and replay.
 */
export async function onOpportunityWon(
  tx: Queryable,
  ctx: FulfilmentWrite,
  { payload }: EventEnvelope<'opportunity.won'>,
) {
  const check = new FieldCheck(['payload']);
  const opportunityId = check.uuid('opportunityId', payload.opportunityId);
  const customerId = check.uuid('customerId', payload.customerId);
  check.currency('currency', payload.currency, ctx.settings.currency);
  const lines = check.list('lines', payload.lines, { min: 0, max: MAX_ORDER_LINES }).map((raw, i) => {
    const line = (raw ?? {}) as Partial<WonLine>;
    const at = (field: string) => `lines.${i}.${field}`;
    return {
      id: uuidv7(),
      productId: check.uuid(at('productId'), line.productId),
      quantity: check.decimalText(at('quantity'), line.quantity, { scale: 4, exclusiveMin: true, max: MAX_QUANTITY }),
      unitPrice: check.decimalText(at('unitPrice'), line.unitPrice, { scale: 4 }),
      discountPercent: check.decimalText(at('discountPercent'), line.discountPercent, { scale: 2, max: '100' }),
    };
  });
  check.done();
  // The draft order (null when there was nothing to draft) names what changed, for the audit entry.
  return draftFromWonDeal(tx, ctx, { opportunityId, customerId, lines });
}
