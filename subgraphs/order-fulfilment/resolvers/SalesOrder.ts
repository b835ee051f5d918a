import { dayOf } from '../../../lib/dates.js';
import { money } from '../../../lib/money.js';
import { documentNumber } from '../../../lib/numbers.js';
import type { SalesOrderResolvers } from '../generated/resolvers.js';

export const SalesOrder: SalesOrderResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.order.load(ref.id),
  number: (o) => documentNumber('SO', o.number),
  customer: (o) => ({ id: o.customerId }),
  opportunity: (o) => (o.opportunityId ? { id: o.opportunityId } : null),
  // Lines are seen through their order: its currency, and backorders only while it waits for stock.
  lines: async (o, _, ctx) =>
    (await ctx.loaders.linesOfOrder.load(o.id)).map((line) => ({
      ...line,
      currency: o.currency,
      backorderable: o.status === 'CONFIRMED' || o.status === 'PARTIALLY_SHIPPED',
    })),
  total: (o) => money(o.total, o.currency),
  shipments: (o, _, ctx) => ctx.loaders.shipmentsOfOrder.load(o.id),
  onTime: (o) => (o.deliveredAt && o.promisedDate ? dayOf(o.deliveredAt) <= o.promisedDate : null),
};
