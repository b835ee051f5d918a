import { FieldCheck } from '../../lib/check.js';
import { todayUtc } from '../../lib/dates.js';
import type { Queryable } from '../../lib/db.js';
import { badInput, forbidden, notFoundFault } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import { dec, money } from '../../lib/money.js';
import type { FinanceContext, FinanceWrite } from './context.js';
import { lockAccount, reserveOrderExposure, unbilledOfCustomers } from './db/exposure-queries.js';
import { receivablesOfCustomers } from './db/receivables-queries.js';
import type { Credit, CreditCheck, CreditReservation, MoneyInput, ReserveCreditInput } from './generated/resolvers.js';
import { checkCredit, creditStatus } from './rules.js';

/**
 * How long a reservation counts without its order's salesOrder.confirmed. Long enough for the
 * confirmation's transaction and the event's delivery (normally milliseconds, more when the relay
 * retries); short enough that a confirmation that failed after reserving soon stops holding credit.
 */
export const RESERVATION_MINUTES = 10;

/** Limit, exposure (outstanding today + unbilled orders), available and status from their parts. */
function creditFrom(limit: string | null, outstanding: string, unbilled: string, oldestOverdueDays: number) {
  const exposure = dec(outstanding).plus(unbilled).toFixed(2);
  return {
    limit,
    exposure,
    oldestOverdueDays,
    available: limit === null ? null : dec(limit).minus(exposure).toFixed(2),
    status: creditStatus(limit, exposure, oldestOverdueDays),
  };
}

/** A customer's limit, exposure (outstanding today + unbilled confirmed and reserved orders) and oldest overdue days. */
export async function creditOf(ctx: FinanceContext, customerId: string) {
  const [account, receivables, unbilled] = await Promise.all([
    ctx.loaders.account.load(customerId),
    ctx.loaders.receivables(todayUtc()).load(customerId),
    ctx.loaders.unbilled.load(customerId),
  ]);
  return creditFrom(
    account.creditLimit,
    receivables?.outstanding ?? '0',
    unbilled,
    receivables?.oldest_overdue_days ?? 0,
  );
}

/** Customer.credit: the customer's credit now, in the tenant's currency. */
export async function creditSummary(ctx: FinanceContext, customerId: string): Promise<Credit> {
  const [credit, tenant] = await Promise.all([creditOf(ctx, customerId), ctx.loaders.tenant()]);
  return {
    limit: credit.limit === null ? null : money(credit.limit, tenant.currency),
    exposure: money(credit.exposure, tenant.currency),
    available: credit.available === null ? null : money(credit.available, tenant.currency),
    status: credit.status,
  };
}

// ---- internal calls (creditCheck, reserveCredit): faults, not user errors, as the caller is a program

/** An amount argument in the tenant's currency, or BAD_USER_INPUT at `argument` with the first problem. */
function amountOrFault(input: MoneyInput, currency: string, argument: string): string {
  const check = new FieldCheck([]);
  const amount = check.money(argument, input, { currency });
  if (!check.ok) throw badInput(check.errors[0].message, argument);
  return amount!;
}

/** NOT_FOUND unless the customer subgraph knows the customer (asked before any transaction opens). */
async function knownCustomerOrFault(ctx: FinanceContext, customerId: string) {
  const known = isUuid(customerId) && (await ctx.customers.existing(ctx, [customerId])).has(customerId);
  if (!known) throw notFoundFault('Customer');
}

/** Query.creditCheck: whether `amount` more can go on the customer's account now (nothing is reserved). */
export async function creditCheck(
  ctx: FinanceContext,
  customerId: string,
  amountInput: MoneyInput,
): Promise<CreditCheck> {
  const tenant = await ctx.loaders.tenant();
  const amount = amountOrFault(amountInput, tenant.currency, 'amount');
  await knownCustomerOrFault(ctx, customerId);
  const credit = await creditOf(ctx, customerId);
  const verdict = checkCredit(credit.limit, credit.exposure, amount, credit.oldestOverdueDays);
  return {
    allowed: verdict.allowed,
    reason: verdict.reason,
    exposure: money(credit.exposure, tenant.currency),
    limit: credit.limit === null ? null : money(credit.limit, tenant.currency),
    available: credit.available === null ? null : money(credit.available, tenant.currency),
  };
}

export interface ReservationRequest {
  orderId: string;
  customerId: string;
  amount: string;
  /** Reserve even when it does not fit (the caller checked the override scope). */
  override: boolean;
}

/**
 * reserveCredit's input checked before its transaction opens (order-fulfilment's signed call while
 * it confirms an order): BAD_USER_INPUT, FORBIDDEN or NOT_FOUND faults. The customer is checked
 * with the customer subgraph here, so that no lock waits on another service.
 */
export async function reservationOf(ctx: FinanceContext, input: ReserveCreditInput): Promise<ReservationRequest> {
  const tenant = await ctx.loaders.tenant();
  const amount = amountOrFault(input.amount, tenant.currency, 'input.amount');
  if (!isUuid(input.orderId)) throw badInput('orderId must be a UUID', 'input.orderId');
  // order-fulfilment decides whether its user may override and grants the call the scope; an override without it is a fault.
  if (input.override && !ctx.scopes.has('finance:credit-override'))
    throw forbidden('Overriding a credit hold needs the finance:credit-override scope');
  await knownCustomerOrFault(ctx, input.customerId);
  return { orderId: input.orderId, customerId: input.customerId, amount, override: input.override ?? false };
}

/**
 * Decides and, when allowed or overridden, reserves an order's amount, in the caller's transaction.
 * The customer's account row is locked first, so that two orders of one customer are decided one
 * after the other: the second sees the first's reservation (read committed: every statement after
 * the lock reads what committed before it). The order's own row is left out of its exposure, so a
 * retried reservation does not count itself twice. It has no user errors: the whole answer comes back.
 */
export async function reserveCredit(
  tx: Queryable,
  ctx: FinanceWrite,
  request: ReservationRequest,
): Promise<CreditReservation> {
  const limit = await lockAccount(tx, ctx.tenantId, request.customerId);
  const [receivables] = await receivablesOfCustomers(tx, ctx.tenantId, [request.customerId], todayUtc());
  const [unbilled] = await unbilledOfCustomers(tx, ctx.tenantId, [request.customerId], request.orderId);
  const credit = creditFrom(
    limit,
    receivables?.outstanding ?? '0',
    unbilled?.unbilled ?? '0',
    receivables?.oldest_overdue_days ?? 0,
  );
  const verdict = checkCredit(limit, credit.exposure, request.amount, credit.oldestOverdueDays);
  const reserved = verdict.allowed || request.override;
  const row = reserved
    ? await reserveOrderExposure(
        tx,
        { tenantId: ctx.tenantId, orderId: request.orderId, customerId: request.customerId, amount: request.amount },
        RESERVATION_MINUTES,
      )
    : null;
  const currency = ctx.settings.currency;
  return {
    allowed: verdict.allowed,
    reserved,
    reason: verdict.reason,
    exposure: money(credit.exposure, currency),
    limit: credit.limit === null ? null : money(credit.limit, currency),
    // An order already CONFIRMED (or CANCELLED) keeps its state: nothing of it expires.
    reservedUntil: row?.status === 'RESERVED' ? row.reservedUntil : null,
  };
}
