import { addDays } from '../../../lib/dates.js';
import { badInput } from '../../../lib/errors.js';
import { orderedConnection } from '../../../lib/list-connection.js';
import { dec, ratio } from '../../../lib/money.js';
import { parseDocumentNumber } from '../../../lib/numbers.js';
import { pageWindow, timeKey, toConnection } from '../../../lib/pagination.js';
import { fulfilmentMetrics } from '../db/analytics-queries.js';
import { countOrders, listOrders, orderByNumber, orderOrders } from '../db/order-queries.js';
import { countProducts, listProducts, productBySku, productOrders, warehousesOf } from '../db/queries.js';
import type { OrderRow, ProductRow, MovementRow } from '../db/schema.js';
import { countRequests, listRequests } from '../db/shipment-queries.js';
import { countMovements, movementOrders, movementsPage } from '../db/stock-queries.js';
import type { QueryResolvers } from '../generated/resolvers.js';

const productCursor: Record<keyof typeof productOrders, (p: ProductRow) => string> = {
  SKU: (p) => p.sku,
  NAME: (p) => p.name,
  CREATED_AT: (p) => timeKey(p.createdAt),
  UPDATED_AT: (p) => timeKey(p.updatedAt),
};

const orderCursor: Record<keyof typeof orderOrders, (o: OrderRow) => string> = {
  CREATED_AT: (o) => timeKey(o.createdAt),
  TOTAL: (o) => o.total,
  NUMBER: (o) => String(o.number),
  UPDATED_AT: (o) => timeKey(o.updatedAt),
};

const movementCursor: Record<keyof typeof movementOrders, (m: MovementRow) => string> = {
  OCCURRED_AT: (m) => timeKey(m.occurredAt),
  UPDATED_AT: (m) => timeKey(m.recordedAt),
};

export const Query: QueryResolvers = {
  product: (_, args, ctx) => ctx.loaders.product.load(args.id),
  productBySku: (_, args, ctx) => productBySku(ctx.database.db, ctx.tenantId, args.sku.trim()),
  products: (_, args, ctx) =>
    orderedConnection(args, ctx, {
      orders: productOrders,
      fallback: 'SKU',
      cursor: productCursor,
      list: listProducts,
      count: countProducts,
      loader: ctx.loaders.product,
      sync: { field: 'UPDATED_AT', updatedAt: (p) => p.updatedAt },
    }),
  warehouses: (_, __, ctx) => warehousesOf(ctx.database.db, ctx.tenantId),

  stockMovements: (_, args, ctx) =>
    orderedConnection(
      {
        ...args,
        filter: { ...args.filter, productId: args.productId },
        orderBy: args.orderBy ?? { field: 'OCCURRED_AT', direction: 'DESC' },
      },
      ctx,
      {
        orders: movementOrders,
        fallback: 'OCCURRED_AT',
        cursor: movementCursor,
        list: movementsPage,
        count: countMovements,
        sync: { field: 'UPDATED_AT', updatedAt: (m) => m.recordedAt },
      },
    ),

  salesOrder: (_, args, ctx) => ctx.loaders.order.load(args.id),
  salesOrderByNumber: (_, args, ctx) => {
    const n = parseDocumentNumber('SO', args.number);
    return n === null ? null : orderByNumber(ctx.database.db, ctx.tenantId, n);
  },
  salesOrders: (_, args, ctx) =>
    orderedConnection(args, ctx, {
      orders: orderOrders,
      fallback: 'CREATED_AT',
      cursor: orderCursor,
      list: listOrders,
      count: countOrders,
      loader: ctx.loaders.order,
      sync: { field: 'UPDATED_AT', updatedAt: (o) => o.updatedAt },
    }),

  shipment: (_, args, ctx) => ctx.loaders.shipment.load(args.id),

  replenishmentRequests: async (_, args, ctx) => {
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

  fulfilmentMetrics: async (_, args, ctx) => {
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
