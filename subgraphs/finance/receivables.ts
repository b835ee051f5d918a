import { addDays } from '../../lib/dates.js';
import { dec, money } from '../../lib/money.js';
import type { FinanceContext } from './context.js';
import { invoicedBetween, receivablesOfCustomers, type ReceivableRow } from './db/receivables-queries.js';
import type { AgeingBuckets, Receivables, ResolversTypes } from './generated/resolvers.js';
import { sumOf } from './rules.js';

/** What is owed per bucket of days past due (decimal strings). */
type Buckets = Pick<ReceivableRow, 'current' | 'days1to30' | 'days31to60' | 'days61to90' | 'over90'>;

/** Ageing buckets of a receivables row (zeros without one), as Money. */
export const ageing = (row: Buckets | null, currency: string): AgeingBuckets => ({
  current: money(row?.current, currency),
  days1To30: money(row?.days1to30, currency),
  days31To60: money(row?.days31to60, currency),
  days61To90: money(row?.days61to90, currency),
  over90: money(row?.over90, currency),
});

/** Customer.receivables: what the customer owes on `asOf`, bucketed, and their unallocated money. */
export async function receivablesOf(ctx: FinanceContext, customerId: string, asOf: string): Promise<Receivables> {
  const [row, unallocated, tenant] = await Promise.all([
    ctx.loaders.receivables(asOf).load(customerId),
    ctx.loaders.unallocated(asOf).load(customerId),
    ctx.loaders.tenant(),
  ]);
  return {
    outstanding: money(row?.outstanding, tenant.currency),
    overdue: money(row?.overdue, tenant.currency),
    unallocatedPayments: money(unallocated, tenant.currency),
    ageing: ageing(row, tenant.currency),
    oldestOverdueDays: row?.oldest_overdue_days ?? 0,
    invoiceCount: row?.invoice_count ?? 0,
  };
}

/** Query.receivablesAgeing: ageing per customer and in total on `asOf`, and days sales outstanding. */
export async function receivablesAgeing(
  ctx: FinanceContext,
  asOf: string,
): Promise<ResolversTypes['ReceivablesAgeing']> {
  const [rows, invoiced, tenant] = await Promise.all([
    receivablesOfCustomers(ctx.database.db, ctx.tenantId, null, asOf),
    invoicedBetween(ctx.database.db, ctx.tenantId, addDays(asOf, -90), asOf),
    ctx.loaders.tenant(),
  ]);
  const outstanding = sumOf(rows, (r) => r.outstanding);
  const total: Buckets = {
    current: sumOf(rows, (r) => r.current),
    days1to30: sumOf(rows, (r) => r.days1to30),
    days31to60: sumOf(rows, (r) => r.days31to60),
    days61to90: sumOf(rows, (r) => r.days61to90),
    over90: sumOf(rows, (r) => r.over90),
  };
  return {
    asOf,
    customers: rows.map((r) => ({
      customer: { id: r.customer_id },
      outstanding: money(r.outstanding, tenant.currency),
      ageing: ageing(r, tenant.currency),
    })),
    total: ageing(total, tenant.currency),
    outstanding: money(outstanding, tenant.currency),
    daysSalesOutstanding: dec(invoiced).eq(0)
      ? null
      : Number(dec(outstanding).div(invoiced).times(90).round(2).toFixed(2)),
  };
}
