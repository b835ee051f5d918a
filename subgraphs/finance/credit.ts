import { todayUtc } from '../../lib/dates.js';
import type { Queryable } from '../../lib/db.js';
import { dec } from '../../lib/money.js';
import type { FinanceContext } from './context.js';
import { lockAccount, reserveOrderExposure, unbilledOfCustomers } from './db/exposure-queries.js';
import { receivablesOfCustomers } from './db/receivables-queries.js';
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

export interface ReservationRequest {
  orderId: string;
  customerId: string;
  amount: string;
  /** Reserve even when it does not fit (the caller checked the override scope). */
  override: boolean;
}

/**
 * Decides and, when allowed or overridden, reserves an order's amount, in the caller's transaction.
 * The customer's account row is locked first, so that two orders of one customer are decided one
 * after the other: the second sees the first's reservation (read committed: every statement after
 * the lock reads what committed before it). The order's own row is left out of its exposure, so a
 * retried reservation does not count itself twice.
 */
export async function reserveCredit(tx: Queryable, ctx: FinanceContext, request: ReservationRequest) {
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
  // An order already CONFIRMED (or CANCELLED) keeps its state: nothing of it expires.
  return { ...verdict, reserved, credit, reservedUntil: row?.status === 'RESERVED' ? row.reservedUntil : null };
}
