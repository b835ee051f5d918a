import { todayUtc } from '../../../lib/dates.js';
import { dec, trimDecimal } from '../../../lib/money.js';
import type { FulfilmentContext } from '../context.js';
import type { MovementRow, ProductRow, ReplenishmentRow, StockLevelRow } from '../db/schema.js';
import { availableToPromise, formatNumber } from '../rules.js';

const sum = (values: string[]) => values.reduce((total, v) => total.plus(v), dec(0));
/** Available never reads below zero per warehouse. */
const availableOf = (l: StockLevelRow) => (dec(l.onHand).gt(l.reserved) ? dec(l.onHand).minus(l.reserved) : dec(0));

async function available(product: ProductRow, ctx: FulfilmentContext) {
  const levels = await ctx.loaders.levelsOfProduct.load(product.id);
  return sum(levels.map((l) => availableOf(l).toFixed()));
}

export const Product = {
  __resolveReference: (ref: { id: string }, ctx: FulfilmentContext) => ctx.loaders.product.load(ref.id),
  listPrice: (p: ProductRow) => ({ amount: trimDecimal(p.listPrice, 2), currency: p.currency }),
  unitCost: (p: ProductRow) => ({ amount: trimDecimal(p.unitCost, 2), currency: p.currency }),
  reorderPoint: (p: ProductRow) => trimDecimal(p.reorderPoint),
  reorderQuantity: (p: ProductRow) => trimDecimal(p.reorderQuantity),
  stock: (p: ProductRow, _: unknown, ctx: FulfilmentContext) => ctx.loaders.levelsOfProduct.load(p.id),
  availableQuantity: async (p: ProductRow, _: unknown, ctx: FulfilmentContext) =>
    trimDecimal((await available(p, ctx)).toFixed()),
  incomingQuantity: async (p: ProductRow, _: unknown, ctx: FulfilmentContext) =>
    trimDecimal(sum((await ctx.loaders.openRequestsOfProduct.load(p.id)).map((r) => r.quantity)).toFixed()),
  availableToPromise: async (p: ProductRow, args: { quantity: string }, ctx: FulfilmentContext) => {
    const [now, requests, backlog] = await Promise.all([
      available(p, ctx),
      ctx.loaders.openRequestsOfProduct.load(p.id),
      ctx.loaders.backlogOfProduct.load(p.id),
    ]);
    const atp = availableToPromise(args.quantity, now.toFixed(), requests, backlog, todayUtc());
    return { quantity: trimDecimal(atp.quantity), date: atp.date };
  },
};

export const StockLevel = {
  warehouse: async (l: StockLevelRow, _: unknown, ctx: FulfilmentContext) =>
    (await ctx.loaders.warehouse.load(l.warehouseId))!,
  onHand: (l: StockLevelRow) => trimDecimal(l.onHand),
  reserved: (l: StockLevelRow) => trimDecimal(l.reserved),
  available: (l: StockLevelRow) => trimDecimal(availableOf(l).toFixed()),
  incoming: async (l: StockLevelRow, _: unknown, ctx: FulfilmentContext) => {
    // Requests raised automatically name no warehouse: they count in the product's incomingQuantity only.
    const requests = await ctx.loaders.openRequestsOfProduct.load(l.productId);
    return trimDecimal(sum(requests.filter((r) => r.warehouseId === l.warehouseId).map((r) => r.quantity)).toFixed());
  },
};

export const StockMovement = {
  product: async (m: MovementRow, _: unknown, ctx: FulfilmentContext) => (await ctx.loaders.product.load(m.productId))!,
  warehouse: async (m: MovementRow, _: unknown, ctx: FulfilmentContext) =>
    (await ctx.loaders.warehouse.load(m.warehouseId))!,
  quantity: (m: MovementRow) => trimDecimal(m.quantity),
  onHandChange: (m: MovementRow) => trimDecimal(m.onHandChange),
  reservedChange: (m: MovementRow) => trimDecimal(m.reservedChange),
};

export const ReplenishmentRequest = {
  number: (r: ReplenishmentRow) => formatNumber('RR', r.number),
  product: async (r: ReplenishmentRow, _: unknown, ctx: FulfilmentContext) =>
    (await ctx.loaders.product.load(r.productId))!,
  quantity: (r: ReplenishmentRow) => trimDecimal(r.quantity),
  warehouse: (r: ReplenishmentRow, _: unknown, ctx: FulfilmentContext) =>
    r.warehouseId ? ctx.loaders.warehouse.load(r.warehouseId) : null,
};
