import { FieldCheck } from '../../lib/check.js';
import type { Queryable } from '../../lib/db.js';
import { failOn, notFound, type UserError } from '../../lib/errors.js';
import { isUuid, uuidv7 } from '../../lib/ids.js';
import { dec, MAX_AMOUNT } from '../../lib/money.js';
import { documentNumber } from '../../lib/numbers.js';
import { findOrFail } from '../../lib/transaction.js';
import type { FulfilmentWrite } from './context.js';
import * as orders from './db/order-queries.js';
import { nextNumber, productsByIds } from './db/queries.js';
import type { OrderRow, ProductRow } from './db/schema.js';
import { shipmentsOfOrders } from './db/shipment-queries.js';
import { Code, refuse } from './errors.js';
import type {
  CancelSalesOrderInput,
  CreateSalesOrderInput,
  SalesOrderLineInput,
  SetSalesOrderPriorityInput,
  UpdateSalesOrderInput,
} from './generated/resolvers.js';
import { publishOrderCancelled } from './publish.js';
import { LockedStock } from './stock.js';

export const MAX_ORDER_LINES = 200;

/** An order line as it is written: checked, priced, with its id. */
export type NewOrderLine = orders.NewLine & { id: string };

/** Validates order lines; products must exist and be active; prices default to the list price. */
async function orderLines(
  tx: Queryable,
  ctx: FulfilmentWrite,
  lines: SalesOrderLineInput[],
  currency: string,
): Promise<NewOrderLine[]> {
  const check = new FieldCheck();
  if (lines.length === 0) check.add('lines', Code.NO_LINES, 'An order needs at least one line');
  else check.count('lines', lines, { max: MAX_ORDER_LINES, what: 'line' });
  const known = new Map<string, ProductRow>(
    (await productsByIds(tx, ctx.tenantId, lines.map((l) => l.productId).filter(isUuid))).map((p) => [p.id, p]),
  );
  const values = lines.map((line, i) => {
    const at = (field: string) => `lines.${i}.${field}`;
    const product = known.get(line.productId);
    if (!product) check.add(at('productId'), Code.NOT_FOUND, 'Product not found');
    else if (!product.active) check.add(at('productId'), Code.PRODUCT_INACTIVE, `${product.sku} is not sold any more`);
    const quantity = check.quantity(at('quantity'), line.quantity);
    const unitPrice = line.unitPrice
      ? check.money(at('unitPrice'), line.unitPrice, { currency, scale: 4 })
      : product?.listPrice;
    const discountPercent = check.percent(at('discountPercent'), line.discountPercent ?? '0');
    if (quantity && unitPrice && dec(quantity).times(unitPrice).gt(MAX_AMOUNT))
      check.add(at('quantity'), Code.OUT_OF_RANGE, `quantity x unit price must be at most ${MAX_AMOUNT}`);
    return {
      id: uuidv7(),
      productId: line.productId,
      quantity: quantity!,
      unitPrice: unitPrice!,
      discountPercent: discountPercent!,
    };
  });
  check.done();
  return values;
}

type NewDraft = Pick<OrderRow, 'customerId' | 'opportunityId' | 'priority' | 'requestedDate' | 'currency'>;

/** Writes a DRAFT order with its lines (number from the tenant's sequence, total from the lines). */
async function insertDraft(tx: Queryable, ctx: FulfilmentWrite, draft: NewDraft, lines: NewOrderLine[]) {
  const now = new Date();
  const created = await orders.insertOrder(tx, {
    tenantId: ctx.tenantId,
    id: uuidv7(),
    number: await nextNumber(tx, ctx.tenantId, 'orderSeq'),
    ...draft,
    status: 'DRAFT',
    createdAt: now,
    updatedAt: now,
  });
  await orders.replaceLines(tx, ctx.tenantId, created.id, lines);
  return orders.updateOrder(tx, ctx.tenantId, created.id);
}

/** The order to change, locked; NOT_FOUND at `field` otherwise. */
export const orderForUpdate = (
  tx: Queryable,
  ctx: FulfilmentWrite,
  id: string,
  field: string[] = ['input', 'id'],
): Promise<OrderRow> => findOrFail(id, (id) => orders.lockOrder(tx, ctx.tenantId, id), 'Sales order', field);

export function requireStatus(order: OrderRow, allowed: string[], field = ['input', 'id']) {
  if (!allowed.includes(order.status))
    refuse(Code.INVALID_STATUS, field, `The order is ${order.status}; this needs ${allowed.join(' or ')}`);
}

/**
 * A DRAFT order, lines priced at the product's list price unless a price is given. The customer
 * was looked up in the customer subgraph before the transaction: `customerErrors` is its answer.
 */
export async function createOrder(
  tx: Queryable,
  ctx: FulfilmentWrite,
  input: CreateSalesOrderInput,
  customerErrors: UserError[],
) {
  failOn(customerErrors);
  if (input.opportunityId && !isUuid(input.opportunityId))
    failOn([notFound('Opportunity', ['input', 'opportunityId'])]);
  if (input.opportunityId && (await orders.ordersOfOpportunities(tx, ctx.tenantId, [input.opportunityId])).length > 0) {
    refuse(
      Code.OPPORTUNITY_HAS_ORDER,
      ['input', 'opportunityId'],
      'This opportunity has an order already (cancel it first to make another)',
    );
  }
  const { currency } = ctx.settings;
  const lines = await orderLines(tx, ctx, input.lines, currency);
  return insertDraft(
    tx,
    ctx,
    {
      customerId: input.customerId,
      opportunityId: input.opportunityId ?? null,
      priority: input.priority ?? 'NORMAL',
      requestedDate: input.requestedDate ?? null,
      currency,
    },
    lines,
  );
}

/**
 * A won deal's DRAFT order, linked to the opportunity, with the deal's product lines (checked by
 * the consumer). Nothing happens when the opportunity has an order already (made by hand) or the
 * deal has no product lines; products the catalogue doesn't know can never apply. Inactive
 * products are kept: a draft can still be edited before it is confirmed.
 */
export async function draftFromWonDeal(
  tx: Queryable,
  ctx: FulfilmentWrite,
  deal: { opportunityId: string; customerId: string; lines: NewOrderLine[] },
): Promise<OrderRow | null> {
  if (deal.lines.length === 0) return null;
  if ((await orders.ordersOfOpportunities(tx, ctx.tenantId, [deal.opportunityId])).length > 0) return null;
  const known = new Set(
    (
      await productsByIds(
        tx,
        ctx.tenantId,
        deal.lines.map((l) => l.productId),
      )
    ).map((p) => p.id),
  );
  const unknown = deal.lines.filter((l) => !known.has(l.productId)).map((l) => l.productId);
  if (unknown.length)
    refuse(Code.NOT_FOUND, ['payload', 'lines'], `Products not in the catalogue: ${unknown.join(', ')}`);
  return insertDraft(
    tx,
    ctx,
    {
      customerId: deal.customerId,
      opportunityId: deal.opportunityId,
      priority: 'NORMAL',
      requestedDate: null,
      currency: ctx.settings.currency,
    },
    deal.lines,
  );
}

/** Changes a DRAFT order; `lines`, when given, replace the order's lines. */
export async function updateDraft(tx: Queryable, ctx: FulfilmentWrite, input: UpdateSalesOrderInput) {
  const order = await orderForUpdate(tx, ctx, input.id);
  requireStatus(order, ['DRAFT']);
  if (input.lines)
    await orders.replaceLines(tx, ctx.tenantId, order.id, await orderLines(tx, ctx, input.lines, order.currency));
  return orders.updateOrder(
    tx,
    ctx.tenantId,
    order.id,
    input.requestedDate !== undefined ? { requestedDate: input.requestedDate } : {},
  );
}

/** Releases every reservation of an order and lets waiting orders have the stock. */
async function releaseAll(tx: Queryable, ctx: FulfilmentWrite, order: OrderRow) {
  const lines = await orders.linesOfOrders(tx, ctx.tenantId, [order.id]);
  const productIds = [...new Set(lines.map((l) => l.productId))];
  const stock = await LockedStock.lock(tx, ctx, productIds);
  const byLine = new Map(lines.map((l) => [l.id, l]));
  for (const allocation of await orders.allocationsOfLines(
    tx,
    ctx.tenantId,
    lines.map((l) => l.id),
  )) {
    stock.release(
      byLine.get(allocation.orderLineId)!,
      allocation.warehouseId,
      allocation.quantity,
      documentNumber('SO', order.number),
    );
  }
  await stock.flush();
  await stock.allocateWaiting(productIds);
  await stock.flush();
}

/** Cancels a DRAFT or CONFIRMED order (nothing shipped yet) and releases its reservations. */
export async function cancelOrder(tx: Queryable, ctx: FulfilmentWrite, input: CancelSalesOrderInput) {
  const order = await orderForUpdate(tx, ctx, input.id);
  requireStatus(order, ['DRAFT', 'CONFIRMED']);
  const shipping = await shipmentsOfOrders(tx, ctx.tenantId, [order.id]);
  if (shipping.some((s) => s.status === 'PICKING'))
    refuse(Code.SHIPMENT_IN_PROGRESS, ['input', 'id'], 'A shipment of this order is being picked');
  const cancelled = await orders.updateOrder(tx, ctx.tenantId, order.id, {
    status: 'CANCELLED',
    cancelledAt: new Date(),
  });
  if (order.status === 'CONFIRMED') await releaseAll(tx, ctx, order);
  await publishOrderCancelled(tx, ctx, cancelled, order.status === 'CONFIRMED');
  return cancelled;
}

export async function setOrderPriority(tx: Queryable, ctx: FulfilmentWrite, input: SetSalesOrderPriorityInput) {
  const order = await orderForUpdate(tx, ctx, input.id);
  requireStatus(order, ['DRAFT', 'CONFIRMED', 'PARTIALLY_SHIPPED']);
  return orders.updateOrder(tx, ctx.tenantId, order.id, { priority: input.priority });
}
