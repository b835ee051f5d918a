import { todayUtc } from '../../../lib/dates.js';
import { trimDecimal } from '../../../lib/money.js';
import type { FulfilmentContext } from '../context.js';
import type { ProductRow } from '../db/schema.js';
import type { ProductResolvers } from '../generated/resolvers.js';
import { availableOf, availableToPromise, sumOf } from '../rules.js';

/** Available stock of a product, summed over its warehouses (never below zero per warehouse). */
async function available(product: ProductRow, ctx: FulfilmentContext) {
  const levels = await ctx.loaders.levelsOfProduct.load(product.id);
  return sumOf(levels.map((l) => availableOf(l).toFixed()));
}

export const Product: ProductResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.product.load(ref.id),
  listPrice: (p) => ({ amount: trimDecimal(p.listPrice, 2), currency: p.currency }),
  unitCost: (p) => ({ amount: trimDecimal(p.unitCost, 2), currency: p.currency }),
  reorderPoint: (p) => trimDecimal(p.reorderPoint),
  reorderQuantity: (p) => trimDecimal(p.reorderQuantity),
  stock: (p, _, ctx) => ctx.loaders.levelsOfProduct.load(p.id),
  availableQuantity: async (p, _, ctx) => trimDecimal((await available(p, ctx)).toFixed()),
  incomingQuantity: async (p, _, ctx) =>
    trimDecimal(sumOf((await ctx.loaders.openRequestsOfProduct.load(p.id)).map((r) => r.quantity)).toFixed()),
  availableToPromise: async (p, args, ctx) => {
    const [now, requests, backlog] = await Promise.all([
      available(p, ctx),
      ctx.loaders.openRequestsOfProduct.load(p.id),
      ctx.loaders.backlogOfProduct.load(p.id),
    ]);
    const atp = availableToPromise(args.quantity, now.toFixed(), requests, backlog, todayUtc());
    return { quantity: trimDecimal(atp.quantity), date: atp.date };
  },
};
