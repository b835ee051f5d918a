import { trimDecimal } from '../../../lib/money.js';
import type { ShipmentLineResolvers } from '../generated/resolvers.js';

export const ShipmentLine: ShipmentLineResolvers = {
  product: async (l, _, ctx) => (await ctx.loaders.product.load(l.productId))!,
  quantity: (l) => trimDecimal(l.quantity),
};
