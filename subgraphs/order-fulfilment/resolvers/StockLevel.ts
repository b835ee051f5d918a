import { trimDecimal } from '../../../lib/money.js';
import type { StockLevelResolvers } from '../generated/resolvers.js';
import { availableOf, sumOf } from '../rules.js';

export const StockLevel: StockLevelResolvers = {
  warehouse: async (l, _, ctx) => (await ctx.loaders.warehouse.load(l.warehouseId))!,
  onHand: (l) => trimDecimal(l.onHand),
  reserved: (l) => trimDecimal(l.reserved),
  available: (l) => trimDecimal(availableOf(l).toFixed()),
  incoming: async (l, _, ctx) => {
    // Requests raised automatically name no warehouse: they count in the product's incomingQuantity only.
    const requests = await ctx.loaders.openRequestsOfProduct.load(l.productId);
    return trimDecimal(sumOf(requests.filter((r) => r.warehouseId === l.warehouseId).map((r) => r.quantity)).toFixed());
  },
};
