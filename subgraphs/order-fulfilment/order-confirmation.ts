import type Big from 'big.js';
import { addDays, todayUtc } from '../../lib/dates.js';
import type { Queryable } from '../../lib/db.js';
import { failOn, type UserError } from '../../lib/errors.js';
import { dec } from '../../lib/money.js';
import { documentNumber } from '../../lib/numbers.js';
import type { FulfilmentContext, FulfilmentWrite } from './context.js';
import * as orders from './db/order-queries.js';
import { productsByIds } from './db/queries.js';
import type { OrderRow } from './db/schema.js';
import { openRequestsOfProducts, raiseRequestIfNoneOpen } from './db/shipment-queries.js';
import { Code, refuse, userError } from './errors.js';
import type { ConfirmSalesOrderInput } from './generated/resolvers.js';
import { orderForUpdate, requireStatus } from './orders.js';
import { publishOrderConfirmed } from './publish.js';
import { availableToPromise, replenishmentQuantity } from './rules.js';
import { LockedStock } from './stock.js';

/*
 * Confirming a draft: the customer's credit reserved with finance first (outside any transaction),
 * then, under the order's lock, stock reserved line by line, the shortfall backordered and
 * replenished, a delivery date promised and salesOrder.confirmed published.
 */

/** What finance said about a draft's credit, asked before the confirmation's transaction opened. */
export interface CreditAnswer {
  /** The draft as it was when its amount was reserved (null: no such order, or not a draft). */
  draft: OrderRow | null;
  /** Why finance refuses it; empty when finance reserved its amount. */
  refusal: UserError[];
}

/**
 * Reserves a draft's amount against the customer's credit in finance (within the limit, or over
 * it with an override by someone allowed to give one), before any transaction opens: no
 * transaction waits on finance. No answer from finance refuses too (fail safe). Anything but a
 * draft is left to the confirmation to refuse.
 */
export async function reserveCreditFor(ctx: FulfilmentContext, input: ConfirmSalesOrderInput): Promise<CreditAnswer> {
  const found = await ctx.loaders.order.load(input.id);
  if (found?.status !== 'DRAFT') return { draft: null, refusal: [] };
  const askedOverride = input.overrideCreditHold ?? false;
  const mayOverride = askedOverride && ctx.scopes.has('finance:credit-override');
  const verdict = await ctx.credit.reserveCredit(ctx, {
    orderId: found.id,
    customerId: found.customerId,
    amount: { amount: found.total, currency: found.currency },
    override: mayOverride,
  });
  const refused = (refusal: UserError) => ({ draft: found, refusal: [refusal] });
  if ('unavailable' in verdict) {
    return refused(
      userError(
        Code.CREDIT_CHECK_UNAVAILABLE,
        ['input', 'id'],
        'The credit check could not be made; no stock was reserved (any credit finance held for it lapses by itself). Try again shortly',
      ),
    );
  }
  if ('unknownCustomer' in verdict)
    return refused(
      userError(Code.NOT_FOUND, ['input', 'id'], "The order's customer was not found; nothing was reserved"),
    );
  if (verdict.reserved) {
    if (verdict.overridden) ctx.log.info({ order: found.id, reason: verdict.reason }, 'credit hold overridden');
    return { draft: found, refusal: [] };
  }
  if (askedOverride && !mayOverride) {
    return refused(
      userError(
        Code.CREDIT_LIMIT_EXCEEDED,
        ['input', 'overrideCreditHold'],
        `${verdict.reason}; overriding needs the finance:credit-override scope`,
      ),
    );
  }
  return refused(userError(Code.CREDIT_LIMIT_EXCEEDED, ['input', 'id'], verdict.reason));
}

/**
 * Confirms a draft whose credit finance reserved (`credit`, from reserveCreditFor): reserves
 * stock line by line, backorders the rest, raises replenishment, promises a date. The order's
 * total is checked again under the lock, so what was reserved is what gets confirmed; when this
 * transaction fails after finance reserved, the reservation simply expires.
 */
export async function confirmOrder(
  tx: Queryable,
  ctx: FulfilmentWrite,
  input: ConfirmSalesOrderInput,
  credit: CreditAnswer,
): Promise<OrderRow> {
  const order = await orderForUpdate(tx, ctx, input.id);
  requireStatus(order, ['DRAFT']);
  failOn(credit.refusal);
  if (!credit.draft || order.total !== credit.draft.total)
    refuse(Code.ORDER_CHANGED, ['input', 'id'], 'The order changed while it was being checked: confirm again');

  const lines = await orders.linesOfOrders(tx, ctx.tenantId, [order.id]);
  if (lines.length === 0) refuse(Code.NO_LINES, ['input', 'id'], 'The order has no lines');
  const productIds = [...new Set(lines.map((l) => l.productId))];
  const stock = await LockedStock.lock(tx, ctx, productIds);
  const reference = documentNumber('SO', order.number);
  const shortfalls = new Map<string, Big>();
  for (const line of lines) {
    const shortfall = stock.reserve(line, line.quantity, reference);
    stock.noteBackorder(line.id, shortfall);
    if (dec(shortfall).gt(0))
      shortfalls.set(line.productId, (shortfalls.get(line.productId) ?? dec(0)).plus(shortfall));
  }
  await stock.flush();

  const today = todayUtc();
  const products = new Map((await productsByIds(tx, ctx.tenantId, productIds)).map((p) => [p.id, p]));
  for (const [productId, shortfall] of shortfalls) {
    const product = products.get(productId)!;
    await raiseRequestIfNoneOpen(tx, ctx.tenantId, {
      productId,
      kind: product.replenishment,
      quantity: replenishmentQuantity(product.reorderQuantity, shortfall.toFixed()),
      dueDate: addDays(today, product.leadTimeDays),
    });
  }
  const confirmed = await orders.updateOrder(tx, ctx.tenantId, order.id, {
    status: 'CONFIRMED',
    confirmedAt: new Date(),
    promisedDate: await promiseDate(tx, ctx, order, shortfalls, today),
  });
  await publishOrderConfirmed(tx, ctx, confirmed);
  return confirmed;
}

/**
 * The date the whole order can ship: today (or the requested date, if later) when everything is
 * reserved; otherwise the latest available-to-promise date of its backordered products, after the
 * backlog of earlier orders; null when incoming stock does not cover it.
 */
async function promiseDate(
  tx: Queryable,
  ctx: FulfilmentWrite,
  order: OrderRow,
  shortfalls: Map<string, Big>,
  today: string,
) {
  let date: string | null = today;
  if (shortfalls.size) {
    const ids = [...shortfalls.keys()];
    const [requests, backlog] = await Promise.all([
      openRequestsOfProducts(tx, ctx.tenantId, ids),
      orders.backlogOfProducts(tx, ctx.tenantId, ids, order.id),
    ]);
    for (const [productId, shortfall] of shortfalls) {
      const waiting = backlog.find((b) => b.product_id === productId)?.backlog ?? '0';
      const atp = availableToPromise(
        shortfall.toFixed(),
        '0',
        requests.filter((r) => r.productId === productId),
        waiting,
        today,
      );
      if (atp.date === null) return null;
      if (atp.date > date!) date = atp.date;
    }
  }
  return order.requestedDate && order.requestedDate > date! ? order.requestedDate : date;
}
