import { todayUtc } from '../../../lib/dates.js';
import { money } from '../../../lib/money.js';
import { pageWindow, timeKey, toConnection, type PageArgs } from '../../../lib/pagination.js';
import type { FinanceContext } from '../context.js';
import { creditOf } from '../credit.js';
import type { ReceivableRow } from '../db/receivables-queries.js';

/** Ageing buckets of a receivables row (zeros without one), as Money. */
export const ageing = (row: ReceivableRow | null, currency: string) => ({
  current: money(row?.current, currency),
  days1To30: money(row?.days1to30, currency),
  days31To60: money(row?.days31to60, currency),
  days61To90: money(row?.days61to90, currency),
  over90: money(row?.over90, currency),
});

/** Finance's fields on the Customer entity. */
export const Customer = {
  __resolveReference: (ref: { id: string }) => ({ id: ref.id }),

  receivables: async (customer: { id: string }, args: { asOf?: string | null }, ctx: FinanceContext) => {
    const asOf = args.asOf ?? todayUtc();
    const [row, unallocated, tenant] = await Promise.all([
      ctx.loaders.receivables(asOf).load(customer.id),
      ctx.loaders.unallocated(asOf).load(customer.id),
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
  },

  invoices: async (customer: { id: string }, args: PageArgs & { status?: string | null }, ctx: FinanceContext) => {
    const window = pageWindow({ first: args.first, after: args.after });
    const status = args.status ?? null;
    const rows = await ctx.loaders.invoicesOfCustomer({ status, window }).load(customer.id);
    return toConnection(
      rows,
      window,
      (r) => ({ value: timeKey(r.createdAt), id: r.id }),
      () => ctx.loaders.invoiceCountOfCustomer(status).load(customer.id),
    );
  },

  payments: async (customer: { id: string }, args: PageArgs, ctx: FinanceContext) => {
    const window = pageWindow({ first: args.first, after: args.after });
    const rows = await ctx.loaders.paymentsOfCustomer(window).load(customer.id);
    return toConnection(
      rows,
      window,
      (r) => ({ value: timeKey(r.createdAt), id: r.id }),
      () => ctx.loaders.paymentCountOfCustomer.load(customer.id),
    );
  },

  credit: async (customer: { id: string }, _: unknown, ctx: FinanceContext) => {
    const [credit, tenant] = await Promise.all([creditOf(ctx, customer.id), ctx.loaders.tenant()]);
    return {
      limit: credit.limit === null ? null : money(credit.limit, tenant.currency),
      exposure: money(credit.exposure, tenant.currency),
      available: credit.available === null ? null : money(credit.available, tenant.currency),
      status: credit.status,
    };
  },

  paymentTermsDays: async (customer: { id: string }, _: unknown, ctx: FinanceContext) =>
    (await ctx.loaders.account.load(customer.id)).paymentTermsDays ?? (await ctx.loaders.tenant()).paymentTermsDays,
};
