import { addDays } from '../../../lib/dates.js';
import { badInput } from '../../../lib/errors.js';
import type { OrderArg } from '../../../lib/keyset.js';
import { orderedConnection } from '../../../lib/list-connection.js';
import { dec, ratio } from '../../../lib/money.js';
import { pageWindow, timeKey, toConnection, type PageArgs } from '../../../lib/pagination.js';
import type { FulfilmentContext } from '../context.js';
import { fulfilmentMetrics } from '../db/analytics-queries.js';
import { countOrders, listOrders, orderByNumber, orderOrders, type OrderFilter } from '../db/order-queries.js';
import {
  countProducts,
  listProducts,
  productBySku,
  productOrders,
  warehousesOf,
  type ProductFilter,
} from '../db/queries.js';
import type { OrderRow, ProductRow } from '../db/schema.js';
import { countRequests, listRequests, type RequestFilter } from '../db/shipment-queries.js';
import { countMovements, movementsPage } from '../db/stock-queries.js';
import { parseNumber } from '../rules.js';

const productCursor: Record<keyof typeof productOrders, (p: ProductRow) => string> = {
  SKU: (p) => p.sku,
  NAME: (p) => p.name,
  CREATED_AT: (p) => timeKey(p.createdAt),
};

const orderCursor: Record<keyof typeof orderOrders, (o: OrderRow) => string> = {
  CREATED_AT: (o) => timeKey(o.createdAt),
  TOTAL: (o) => o.total,
  NUMBER: (o) => String(o.number),
};

export const Query = {
  product: (_: unknown, args: { id: string }, ctx: FulfilmentContext) => ctx.loaders.product.load(args.id),
  productBySku: (_: unknown, args: { sku: string }, ctx: FulfilmentContext) =>
    productBySku(ctx.database.db, ctx.tenantId, args.sku.trim()),
  products: async (
    _: unknown,
    args: PageArgs & { filter?: ProductFilter | null; orderBy?: OrderArg<keyof typeof productOrders> },
    ctx: FulfilmentContext,
  ) => {
    return orderedConnection(args, ctx, {
      orders: productOrders,
      fallback: 'SKU',
      cursor: productCursor,
      list: listProducts,
      count: countProducts,
      loader: ctx.loaders.product,
    });
  },
  warehouses: (_: unknown, __: unknown, ctx: FulfilmentContext) => warehousesOf(ctx.database.db, ctx.tenantId),
  stockMovements: async (_: unknown, args: PageArgs & { productId: string }, ctx: FulfilmentContext) => {
    const window = pageWindow({ first: args.first, after: args.after });
    const rows = await movementsPage(ctx.database.db, ctx.tenantId, args.productId, window);
    return toConnection(
      rows,
      window,
      (r) => ({ value: timeKey(r.occurredAt), id: r.id }),
      () => countMovements(ctx.database.db, ctx.tenantId, args.productId),
    );
  },
  salesOrder: (_: unknown, args: { id: string }, ctx: FulfilmentContext) => ctx.loaders.order.load(args.id),
  salesOrderByNumber: (_: unknown, args: { number: string }, ctx: FulfilmentContext) => {
    const n = parseNumber('SO', args.number);
    return n === null ? null : orderByNumber(ctx.database.db, ctx.tenantId, n);
  },
  salesOrders: async (
    _: unknown,
    args: PageArgs & { filter?: OrderFilter | null; orderBy?: OrderArg<keyof typeof orderOrders> },
    ctx: FulfilmentContext,
  ) => {
    return orderedConnection(args, ctx, {
      orders: orderOrders,
      fallback: 'CREATED_AT',
      cursor: orderCursor,
      list: listOrders,
      count: countOrders,
      loader: ctx.loaders.order,
    });
  },
  shipment: (_: unknown, args: { id: string }, ctx: FulfilmentContext) => ctx.loaders.shipment.load(args.id),
  replenishmentRequests: async (
    _: unknown,
    args: PageArgs & { filter?: RequestFilter | null },
    ctx: FulfilmentContext,
  ) => {
    const window = pageWindow({ first: args.first, after: args.after });
    const filter = args.filter ?? {};
    const rows = await listRequests(ctx.database.db, ctx.tenantId, filter, window);
    return toConnection(
      rows,
      window,
      (r) => ({ value: timeKey(r.createdAt), id: r.id }),
      () => countRequests(ctx.database.db, ctx.tenantId, filter),
    );
  },
  fulfilmentMetrics: async (_: unknown, args: { from: string; to: string }, ctx: FulfilmentContext) => {
    if (args.from > args.to) throw badInput('"from" must not be after "to"', 'from');
    const m = await fulfilmentMetrics(ctx.database.db, ctx.tenantId, args.from, addDays(args.to, 1));
    const averageInventory = dec(m.inventory_start).plus(m.inventory_end).div(2);
    return {
      from: args.from,
      to: args.to,
      onTimeDeliveryRate: ratio(m.on_time, m.delivered_with_promise),
      averageLeadTimeDays: m.average_lead_days === null ? null : Number(m.average_lead_days),
      inventoryTurnover: averageInventory.lte(0) ? null : ratio(m.cost_shipped, averageInventory.toFixed()),
      backorderRate: ratio(m.lines_backordered, m.lines_confirmed),
    };
  },
};
