import { money } from '../../../lib/money.js';
import { pageWindow, timeKey, toConnection, type PageArgs } from '../../../lib/pagination.js';
import type { SalesContext } from '../context.js';

/** Sales' fields on the Customer entity (the customer subgraph owns the rest). */
export const Customer = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),

  opportunities: async (customer: { id: string }, args: PageArgs & { status?: string | null }, ctx: SalesContext) => {
    const window = pageWindow({ first: args.first, after: args.after });
    const status = args.status ?? null;
    const rows = await ctx.loaders.opportunitiesOfCustomer({ status, window }).load(customer.id);
    return toConnection(
      rows,
      window,
      (r) => ({ value: timeKey(r.createdAt), id: r.id }),
      () => ctx.loaders.opportunityCountOfCustomer(status).load(customer.id),
    );
  },

  pipeline: async (customer: { id: string }, _: unknown, ctx: SalesContext) => {
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
