import { dec, money } from '../../../lib/money.js';
import type { PaymentResolvers } from '../generated/resolvers.js';

export const Payment: PaymentResolvers = {
  customer: (p) => ({ id: p.customerId }),
  amount: (p) => money(p.amount, p.currency),
  allocations: (p, _, ctx) => ctx.loaders.allocationsOfPayment.load(p.id),
  unallocated: (p) => money(dec(p.amount).minus(p.allocated).toFixed(2), p.currency),
};
