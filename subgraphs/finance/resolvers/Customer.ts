import { todayUtc } from '../../../lib/dates.js';
import { creditSummary } from '../credit.js';
import { invoicesOfCustomer } from '../db/invoice-queries.js';
import { paymentsOfCustomer } from '../db/payment-queries.js';
import type { CustomerResolvers } from '../generated/resolvers.js';
import { receivablesOf } from '../receivables.js';

/** Finance's fields on the Customer entity. */
export const Customer: CustomerResolvers = {
  __resolveReference: (ref) => ({ id: ref.id }),

  receivables: (c, args, ctx) => receivablesOf(ctx, c.id, args.asOf ?? todayUtc()),

  invoices: (c, args, ctx) => ctx.loaders.children(invoicesOfCustomer, c.id, args, { status: args.status ?? null }),

  payments: (c, args, ctx) => ctx.loaders.children(paymentsOfCustomer, c.id, args, {}),

  credit: (c, _, ctx) => creditSummary(ctx, c.id),

  paymentTermsDays: async (c, _, ctx) =>
    (await ctx.loaders.account.load(c.id)).paymentTermsDays ?? (await ctx.loaders.tenant()).paymentTermsDays,
};
