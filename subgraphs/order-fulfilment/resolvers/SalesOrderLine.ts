import { dec, money, trimDecimal } from '../../../lib/money.js';
import type { SalesOrderLineResolvers } from '../generated/resolvers.js';

export const SalesOrderLine: SalesOrderLineResolvers = {
  product: async (l, _, ctx) => (await ctx.loaders.product.load(l.productId))!,
  quantity: (l) => trimDecimal(l.quantity),
  unitPrice: (l) => ({ amount: trimDecimal(l.unitPrice, 2), currency: l.currency }),
  discountPercent: (l) => trimDecimal(l.discountPercent),
  amount: (l) => money(l.amount, l.currency),
  allocatedQuantity: (l) => trimDecimal(l.allocated),
  shippedQuantity: (l) => trimDecimal(l.shipped),
  backorderedQuantity: (l) =>
    l.backorderable ? trimDecimal(dec(l.quantity).minus(l.allocated).minus(l.shipped).toFixed()) : '0',
};
