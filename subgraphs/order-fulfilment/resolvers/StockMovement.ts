import { trimDecimal } from '../../../lib/money.js';
import type { StockMovementResolvers } from '../generated/resolvers.js';

export const StockMovement: StockMovementResolvers = {
  product: async (m, _, ctx) => (await ctx.loaders.product.load(m.productId))!,
  warehouse: async (m, _, ctx) => (await ctx.loaders.warehouse.load(m.warehouseId))!,
  quantity: (m) => trimDecimal(m.quantity),
  onHandChange: (m) => trimDecimal(m.onHandChange),
  reservedChange: (m) => trimDecimal(m.reservedChange),
  // Movements never change: their updatedAt is when they were recorded.
  updatedAt: (m) => m.recordedAt,
};
