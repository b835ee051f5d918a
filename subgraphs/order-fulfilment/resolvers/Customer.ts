import { money } from '../../../lib/money.js';
import { ordersOfCustomer } from '../db/order-queries.js';
import type { CustomerResolvers } from '../generated/resolvers.js';

/** Order-fulfilment's fields on the Customer entity (owned by the customer subgraph). */
export const Customer: CustomerResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),
  orders: (c, args, ctx) => ctx.loaders.children(ordersOfCustomer, c.id, args, { status: args.status ?? null }),
  lastOrderAt: async (c, _, ctx) => {
    const stats = await ctx.loaders.orderStatsOfCustomer.load(c.id);
    return stats.lastOrderAt ? new Date(stats.lastOrderAt) : null;
  },
  orderStats: async (c, _, ctx) => {
    const [stats, tenant] = await Promise.all([ctx.loaders.orderStatsOfCustomer.load(c.id), ctx.loaders.tenant()]);
    return { count: stats.count, total: money(stats.total, tenant.currency) };
  },
};
