import { trimDecimal } from '../../../lib/money.js';
import { documentNumber } from '../../../lib/numbers.js';
import type { ReplenishmentRequestResolvers } from '../generated/resolvers.js';

export const ReplenishmentRequest: ReplenishmentRequestResolvers = {
  number: (r) => documentNumber('RR', r.number),
  product: async (r, _, ctx) => (await ctx.loaders.product.load(r.productId))!,
  quantity: (r) => trimDecimal(r.quantity),
  warehouse: (r, _, ctx) => (r.warehouseId ? ctx.loaders.warehouse.load(r.warehouseId) : null),
};
