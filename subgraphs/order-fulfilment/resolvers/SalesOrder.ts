import { dayOf } from '../../../lib/dates.js';
import { dec, money, trimDecimal } from '../../../lib/money.js';
import { pageWindow, timeKey, toConnection, type PageArgs } from '../../../lib/pagination.js';
import type { FulfilmentContext } from '../context.js';
import type { OrderLineRow, OrderRow, ShipmentLineRow, ShipmentRow } from '../db/schema.js';
import { formatNumber } from '../rules.js';

const waiting = (o: OrderRow) => o.status === 'CONFIRMED' || o.status === 'PARTIALLY_SHIPPED';

export const SalesOrder = {
  __resolveReference: (ref: { id: string }, ctx: FulfilmentContext) => ctx.loaders.order.load(ref.id),
  number: (o: OrderRow) => formatNumber('SO', o.number),
  customer: (o: OrderRow) => ({ __typename: 'Customer', id: o.customerId }),
  opportunity: (o: OrderRow) => (o.opportunityId ? { __typename: 'Opportunity', id: o.opportunityId } : null),
  lines: async (o: OrderRow, _: unknown, ctx: FulfilmentContext) =>
    (await ctx.loaders.linesOfOrder.load(o.id)).map((line) => ({
      ...line,
      currency: o.currency,
      backorderable: waiting(o),
    })),
  total: (o: OrderRow) => money(o.total, o.currency),
  shipments: (o: OrderRow, _: unknown, ctx: FulfilmentContext) => ctx.loaders.shipmentsOfOrder.load(o.id),
  onTime: (o: OrderRow) => (o.deliveredAt && o.promisedDate ? dayOf(o.deliveredAt) <= o.promisedDate : null),
};

/** The opportunity side of the link: its order, by opportunity id, one query per batch. */
export const Opportunity = {
  __resolveReference: (ref: { id: string }) => ref,
  salesOrder: (o: { id: string }, _: unknown, ctx: FulfilmentContext) => ctx.loaders.orderOfOpportunity.load(o.id),
};

type Line = OrderLineRow & { currency: string; backorderable: boolean };

export const SalesOrderLine = {
  product: async (l: Line, _: unknown, ctx: FulfilmentContext) => (await ctx.loaders.product.load(l.productId))!,
  quantity: (l: Line) => trimDecimal(l.quantity),
  unitPrice: (l: Line) => ({ amount: trimDecimal(l.unitPrice, 2), currency: l.currency }),
  discountPercent: (l: Line) => trimDecimal(l.discountPercent),
  amount: (l: Line) => money(l.amount, l.currency),
  allocatedQuantity: (l: Line) => trimDecimal(l.allocated),
  shippedQuantity: (l: Line) => trimDecimal(l.shipped),
  backorderedQuantity: (l: Line) =>
    l.backorderable ? trimDecimal(dec(l.quantity).minus(l.allocated).minus(l.shipped).toFixed()) : '0',
};

export const Shipment = {
  number: (s: ShipmentRow) => formatNumber('SH', s.number),
  order: async (s: ShipmentRow, _: unknown, ctx: FulfilmentContext) => (await ctx.loaders.order.load(s.orderId))!,
  warehouse: async (s: ShipmentRow, _: unknown, ctx: FulfilmentContext) =>
    (await ctx.loaders.warehouse.load(s.warehouseId))!,
  lines: (s: ShipmentRow, _: unknown, ctx: FulfilmentContext) => ctx.loaders.linesOfShipment.load(s.id),
};

export const ShipmentLine = {
  product: async (l: ShipmentLineRow, _: unknown, ctx: FulfilmentContext) =>
    (await ctx.loaders.product.load(l.productId))!,
  quantity: (l: ShipmentLineRow) => trimDecimal(l.quantity),
};

/** Order-fulfilment's fields on the Customer entity. */
export const Customer = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),
  orders: async (customer: { id: string }, args: PageArgs & { status?: string | null }, ctx: FulfilmentContext) => {
    const window = pageWindow({ first: args.first, after: args.after });
    const status = args.status ?? null;
    const rows = await ctx.loaders.ordersOfCustomer({ status, window }).load(customer.id);
    return toConnection(
      rows,
      window,
      (r) => ({ value: timeKey(r.createdAt), id: r.id }),
      () => ctx.loaders.orderCountOfCustomer(status).load(customer.id),
    );
  },
  lastOrderAt: async (customer: { id: string }, _: unknown, ctx: FulfilmentContext) => {
    const stats = await ctx.loaders.orderStatsOfCustomer.load(customer.id);
    return stats.lastOrderAt ? new Date(stats.lastOrderAt) : null;
  },
  orderStats: async (customer: { id: string }, _: unknown, ctx: FulfilmentContext) => {
    const [stats, tenant] = await Promise.all([
      ctx.loaders.orderStatsOfCustomer.load(customer.id),
      ctx.loaders.tenant(),
    ]);
    return { count: stats.count, total: money(stats.total, tenant.currency) };
  },
};
