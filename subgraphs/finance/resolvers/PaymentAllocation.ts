import { money } from '../../../lib/money.js';
import type { PaymentAllocationResolvers } from '../generated/resolvers.js';

export const PaymentAllocation: PaymentAllocationResolvers = {
  invoice: async (a, _, ctx) => (await ctx.loaders.invoice.load(a.invoiceId))!,
  payment: async (a, _, ctx) => (await ctx.loaders.payment.load(a.paymentId))!,
  amount: async (a, _, ctx) => money(a.amount, (await ctx.loaders.tenant()).currency),
};
