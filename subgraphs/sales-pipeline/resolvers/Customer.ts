import { money } from '../../../lib/money.js';
import { opportunitiesOfCustomer } from '../db/opportunity-queries.js';
import type { CustomerResolvers } from '../generated/resolvers.js';

/** Sales' fields on the Customer entity (the customer subgraph owns the rest). */
export const Customer: CustomerResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),

  opportunities: (customer, args, ctx) =>
    ctx.loaders.children(opportunitiesOfCustomer, customer.id, args, { status: args.status ?? null }),

  pipeline: async (customer, _, ctx) => {
    const [totals, tenant] = await Promise.all([
      ctx.loaders.pipelineOfCustomer.load(customer.id),
      ctx.loaders.tenant(),
    ]);
    return {
      openCount: totals.openCount,
      openAmount: money(totals.openAmount, tenant.currency),
      weightedAmount: money(totals.weightedAmount, tenant.currency),
    };
  },
};
