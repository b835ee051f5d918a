import { addDays, todayUtc } from '../../../lib/dates.js';
import type { Queryable } from '../../../lib/db.js';
import { notFound, userError, type UserError } from '../../../lib/errors.js';
import { isUuid, uuidv7 } from '../../../lib/ids.js';
import { checkDecimal, checkMoney, dec, MAX_AMOUNT, MAX_QUANTITY, type MoneyInput } from '../../../lib/money.js';
import { failOn, findOrFail, inTransaction } from '../../../lib/mutation.js';
import { missingCustomer } from '../../../lib/customer-directory.js';
import type { FulfilmentContext } from '../context.js';
import * as orders from '../db/order-queries.js';
import { nextNumber, productsByIds } from '../db/queries.js';
import type { OrderRow, ProductRow } from '../db/schema.js';
import { openRequestsOfProducts, raiseRequestIfNoneOpen, shipmentsOfOrders } from '../db/shipment-queries.js';
import { availableToPromise, formatNumber, replenishmentQuantity } from '../rules.js';
import { publishOrderCancelled, publishOrderConfirmed } from '../publish.js';
import { LockedStock } from '../stock.js';

interface LineInput {
  productId: string;
  quantity: string;
  unitPrice?: MoneyInput | null;
  discountPercent?: string | null;
}

export const MAX_ORDER_LINES = 200;

/** Validates order lines; products must exist and be active; prices default to the list price. */
async function orderLines(tx: Queryable, ctx: FulfilmentContext, lines: LineInput[], currency: string) {
  const errors: UserError[] = [];
  if (lines.length === 0) errors.push(userError('NO_LINES', ['input', 'lines'], 'An order needs at least one line'));
  if (lines.length > MAX_ORDER_LINES)
    errors.push(userError('TOO_MANY_LINES', ['input', 'lines'], `At most ${MAX_ORDER_LINES} lines`));
  const known = new Map<string, ProductRow>(
    (await productsByIds(tx, ctx.tenantId, lines.map((l) => l.productId).filter(isUuid))).map((p) => [p.id, p]),
  );
  const values = lines.map((line, i) => {
    const field = ['input', 'lines', String(i)];
    const product = known.get(line.productId);
    if (!product) errors.push(notFound('Product', [...field, 'productId']));
    else if (!product.active)
      errors.push(userError('PRODUCT_INACTIVE', [...field, 'productId'], `${product.sku} is not sold any more`));
    const quantity = checkDecimal(
      line.quantity,
      { field: [...field, 'quantity'], min: '0', exclusiveMin: true, max: MAX_QUANTITY, scale: 4 },
      errors,
    );
    const unitPrice = line.unitPrice
      ? checkMoney(line.unitPrice, { currency, field: [...field, 'unitPrice'], scale: 4 }, errors)
      : (product?.listPrice ?? null);
    const discountPercent = checkDecimal(
      line.discountPercent ?? '0',
      { field: [...field, 'discountPercent'], min: '0', max: '100', scale: 2 },
      errors,
    );
    if (quantity && unitPrice && dec(quantity).times(unitPrice).gt(MAX_AMOUNT)) {
      errors.push(
        userError('OUT_OF_RANGE', [...field, 'quantity'], `quantity x unit price must be at most ${MAX_AMOUNT}`),
      );
    }
    return {
      id: uuidv7(),
      productId: line.productId,
      quantity: quantity!,
      unitPrice: unitPrice!,
      discountPercent: discountPercent!,
    };
  });
  failOn(errors);
  return values;
}

type NewDraft = Pick<OrderRow, 'customerId' | 'opportunityId' | 'priority' | 'requestedDate' | 'currency'>;

/** Writes a DRAFT order with its lines (number from the tenant's sequence, total from the lines). */
export async function insertDraft(
  tx: Queryable,
  ctx: FulfilmentContext,
  draft: NewDraft,
  lines: Awaited<ReturnType<typeof orderLines>>,
) {
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

export async function orderForUpdate(
  tx: Queryable,
  ctx: FulfilmentContext,
  id: string,
  field: string[] = ['input', 'id'],
): Promise<OrderRow> {
  const order = await findOrFail(id, (id) => orders.lockOrder(tx, ctx.tenantId, id), 'Sales order', field);
  return order;
}

function requireStatus(order: OrderRow, allowed: string[], field = ['input', 'id']) {
  if (!allowed.includes(order.status)) {
    failOn([userError('INVALID_STATUS', field, `The order is ${order.status}; this needs ${allowed.join(' or ')}`)]);
  }
}

/** Confirms a draft: reserves stock line by line, backorders the rest, raises replenishment, promises a date. */
async function confirm(tx: Queryable, ctx: FulfilmentContext, order: OrderRow): Promise<OrderRow> {
  const lines = await orders.linesOfOrders(tx, ctx.tenantId, [order.id]);
  if (lines.length === 0) failOn([userError('NO_LINES', ['input', 'id'], 'The order has no lines')]);
  const productIds = [...new Set(lines.map((l) => l.productId))];
  const stock = await LockedStock.lock(tx, ctx.tenantId, productIds);
  const reference = formatNumber('SO', order.number);
  const shortfalls = new Map<string, ReturnType<typeof dec>>();
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
  ctx: FulfilmentContext,
  order: OrderRow,
  shortfalls: Map<string, ReturnType<typeof dec>>,
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

/**
 * Why finance refuses the order (as user errors), or nothing: finance reserved its amount against
 * the customer's credit (within the limit, or over it with an override by someone allowed to give
 * one). No answer from finance refuses too (fail safe).
 */
async function creditRefusal(ctx: FulfilmentContext, order: OrderRow, askedOverride: boolean): Promise<UserError[]> {
  const mayOverride = askedOverride && ctx.scopes.has('finance:credit-override');
  const amount = { amount: order.total, currency: order.currency };
  const verdict = await ctx.checkCredit(ctx, {
    orderId: order.id,
    customerId: order.customerId,
    amount,
    override: mayOverride,
  });
  if ('unavailable' in verdict) {
    return [
      userError(
        'CREDIT_CHECK_UNAVAILABLE',
        ['input', 'id'],
        'The credit check could not be made; no stock was reserved (any credit finance held for it lapses by itself). Try again shortly',
      ),
    ];
  }
  if ('unknownCustomer' in verdict)
    return [userError('NOT_FOUND', ['input', 'id'], "The order's customer was not found; nothing was reserved")];
  if (verdict.reserved) {
    if (verdict.overridden) ctx.log.info({ order: order.id, reason: verdict.reason }, 'credit hold overridden');
    return [];
  }
  if (askedOverride && !mayOverride) {
    return [
      userError(
        'CREDIT_LIMIT_EXCEEDED',
        ['input', 'overrideCreditHold'],
        `${verdict.reason}; overriding needs the finance:credit-override scope`,
      ),
    ];
  }
  return [userError('CREDIT_LIMIT_EXCEEDED', ['input', 'id'], verdict.reason)];
}

/** Releases every reservation of an order and lets waiting orders have the stock. */
async function releaseAll(tx: Queryable, ctx: FulfilmentContext, order: OrderRow) {
  const lines = await orders.linesOfOrders(tx, ctx.tenantId, [order.id]);
  const productIds = [...new Set(lines.map((l) => l.productId))];
  const stock = await LockedStock.lock(tx, ctx.tenantId, productIds);
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
      formatNumber('SO', order.number),
    );
  }
  await stock.flush();
  await stock.allocateWaiting(productIds);
  await stock.flush();
}

export const orderMutations = {
  createSalesOrder: (
    _: unknown,
    {
      input,
    }: {
      input: {
        customerId: string;
        opportunityId?: string | null;
        priority?: string | null;
        requestedDate?: string | null;
        lines: LineInput[];
      };
    },
    ctx: FulfilmentContext,
  ) =>
    missingCustomer(ctx.customers, ctx, input.customerId, ['input', 'customerId']).then((missing) =>
      inTransaction(ctx.database, async (tx) => {
        failOn(missing);
        if (input.opportunityId && !isUuid(input.opportunityId))
          failOn([notFound('Opportunity', ['input', 'opportunityId'])]);
        if (
          input.opportunityId &&
          (await orders.ordersOfOpportunities(tx, ctx.tenantId, [input.opportunityId])).length > 0
        ) {
          failOn([
            userError(
              'OPPORTUNITY_HAS_ORDER',
              ['input', 'opportunityId'],
              'This opportunity has an order already (cancel it first to make another)',
            ),
          ]);
        }
        const tenant = await ctx.loaders.tenant();
        const lines = await orderLines(tx, ctx, input.lines, tenant.currency);
        const order = await insertDraft(
          tx,
          ctx,
          {
            customerId: input.customerId,
            opportunityId: input.opportunityId ?? null,
            priority: input.priority ?? 'NORMAL',
            requestedDate: input.requestedDate ?? null,
            currency: tenant.currency,
          },
          lines,
        );
        return { order };
      }),
    ),

  updateSalesOrder: (
    _: unknown,
    { input }: { input: { id: string; requestedDate?: string | null; lines?: LineInput[] | null } },
    ctx: FulfilmentContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const order = await orderForUpdate(tx, ctx, input.id);
      requireStatus(order, ['DRAFT']);
      if (input.lines)
        await orders.replaceLines(tx, ctx.tenantId, order.id, await orderLines(tx, ctx, input.lines, order.currency));
      return {
        order: await orders.updateOrder(
          tx,
          ctx.tenantId,
          order.id,
          input.requestedDate !== undefined ? { requestedDate: input.requestedDate } : {},
        ),
      };
    }),

  confirmSalesOrder: async (
    _: unknown,
    { input }: { input: { id: string; overrideCreditHold?: boolean | null } },
    ctx: FulfilmentContext,
  ) => {
    // The credit reservation runs before the transaction (no transaction waits on finance); the
    // order's total is checked again under the lock, so what was reserved is what gets confirmed.
    // When this transaction fails after finance reserved, the reservation simply expires.
    const [draft] = isUuid(input.id) ? await orders.ordersByIds(ctx.database.db, ctx.tenantId, [input.id]) : [];
    const refusal = draft?.status === 'DRAFT' ? await creditRefusal(ctx, draft, input.overrideCreditHold ?? false) : [];
    return inTransaction(ctx.database, async (tx) => {
      const order = await orderForUpdate(tx, ctx, input.id);
      requireStatus(order, ['DRAFT']);
      failOn(refusal);
      if (order.total !== draft!.total)
        failOn([
          userError('ORDER_CHANGED', ['input', 'id'], 'The order changed while it was being checked: confirm again'),
        ]);
      return { order: await confirm(tx, ctx, order) };
    });
  },

  cancelSalesOrder: (
    _: unknown,
    { input }: { input: { id: string; reason?: string | null } },
    ctx: FulfilmentContext,
  ) =>
    inTransaction(ctx.database, async (tx) => {
      const order = await orderForUpdate(tx, ctx, input.id);
      requireStatus(order, ['DRAFT', 'CONFIRMED']);
      const shipping = await shipmentsOfOrders(tx, ctx.tenantId, [order.id]);
      if (shipping.some((s) => s.status === 'PICKING')) {
        failOn([userError('SHIPMENT_IN_PROGRESS', ['input', 'id'], 'A shipment of this order is being picked')]);
      }
      const cancelled = await orders.updateOrder(tx, ctx.tenantId, order.id, {
        status: 'CANCELLED',
        cancelledAt: new Date(),
      });
      if (order.status === 'CONFIRMED') await releaseAll(tx, ctx, order);
      await publishOrderCancelled(tx, ctx, cancelled, order.status === 'CONFIRMED');
      return { order: cancelled };
    }),

  setSalesOrderPriority: (_: unknown, { input }: { input: { id: string; priority: string } }, ctx: FulfilmentContext) =>
    inTransaction(ctx.database, async (tx) => {
      const order = await orderForUpdate(tx, ctx, input.id);
      requireStatus(order, ['DRAFT', 'CONFIRMED', 'PARTIALLY_SHIPPED']);
      return { order: await orders.updateOrder(tx, ctx.tenantId, order.id, { priority: input.priority }) };
    }),
};
