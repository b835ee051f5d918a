import { daysBetween, todayUtc } from '../../../lib/dates.js';
import { dec, money } from '../../../lib/money.js';
import type { FinanceContext } from '../context.js';
import type { InvoiceRow } from '../db/schema.js';
import type { InvoiceResolvers } from '../generated/resolvers.js';
import { formatInvoiceNumber } from '../rules.js';

const balance = (i: InvoiceRow) => dec(i.total).minus(i.amountPaid);

/**
 * Days past due on `asOf`, by the balance on that day (payments received later don't count): an
 * invoice paid after `asOf` was still overdue then. Drafts, voids and invoices issued later: 0.
 */
async function daysOverdue(i: InvoiceRow, asOf: string, ctx: FinanceContext) {
  if (i.status === 'DRAFT' || i.status === 'VOID' || !i.dueDate || !i.issueDate || i.issueDate > asOf) return 0;
  const paidByThen = (await ctx.loaders.allocationsOfInvoice.load(i.id))
    .filter((a) => a.receivedOn <= asOf)
    .reduce((sum, a) => sum.plus(a.amount), dec(0));
  return dec(i.total).minus(paidByThen).gt(0) ? Math.max(daysBetween(i.dueDate, asOf), 0) : 0;
}

export const Invoice: InvoiceResolvers = {
  __resolveReference: (ref, ctx) => ctx.loaders.invoice.load(ref.id),
  number: (i) => (i.year && i.number ? formatInvoiceNumber(i.year, i.number) : null),
  customer: (i) => ({ id: i.customerId }),
  order: (i) => (i.orderId ? { id: i.orderId } : null),
  lines: async (i, _, ctx) =>
    (await ctx.loaders.linesOfInvoice.load(i.id)).map((l) => ({ ...l, currency: i.currency })),
  subtotal: (i) => money(i.subtotal, i.currency),
  taxTotal: (i) => money(i.taxTotal, i.currency),
  total: (i) => money(i.total, i.currency),
  amountPaid: (i) => money(i.amountPaid, i.currency),
  balance: (i) => money(i.status === 'VOID' ? '0' : balance(i).toFixed(2), i.currency),
  isOverdue: async (i, args, ctx) => (await daysOverdue(i, args.asOf ?? todayUtc(), ctx)) > 0,
  daysOverdue: (i, args, ctx) => daysOverdue(i, args.asOf ?? todayUtc(), ctx),
  payments: (i, _, ctx) => ctx.loaders.allocationsOfInvoice.load(i.id),
};
