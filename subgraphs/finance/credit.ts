import { todayUtc } from '../../lib/dates.js';
import { dec } from '../../lib/money.js';
import type { FinanceContext } from './context.js';
import { creditStatus } from './rules.js';

/** A customer's limit, exposure (outstanding today + unbilled confirmed orders) and oldest overdue days. */
export async function creditOf(ctx: FinanceContext, customerId: string) {
  const [account, receivables, unbilled] = await Promise.all([
    ctx.loaders.account.load(customerId),
    ctx.loaders.receivables(todayUtc()).load(customerId),
    ctx.loaders.unbilled.load(customerId),
  ]);
  const exposure = dec(receivables?.outstanding ?? '0').plus(unbilled).toFixed(2);
  const oldestOverdueDays = receivables?.oldest_overdue_days ?? 0;
  const limit = account.creditLimit;
  return {
    limit,
    exposure,
    oldestOverdueDays,
    available: limit === null ? null : dec(limit).minus(exposure).toFixed(2),
    status: creditStatus(limit, exposure, oldestOverdueDays),
  };
}
