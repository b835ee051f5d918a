import { daysBetween, todayUtc } from '../../../lib/dates.js';
import { dec, money, trimDecimal } from '../../../lib/money.js';
import type { FinanceContext } from '../context.js';
import type {
  AllocationRow,
  InvoiceLineRow,
  InvoiceRow,
  JournalEntryRow,
  JournalLineRow,
  PaymentRow,
} from '../db/schema.js';
import { ACCOUNTS, formatInvoiceNumber, type AccountCode } from '../rules.js';

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

export const Invoice = {
  __resolveReference: (ref: { id: string }, ctx: FinanceContext) => ctx.loaders.invoice.load(ref.id),
  number: (i: InvoiceRow) => (i.year && i.number ? formatInvoiceNumber(i.year, i.number) : null),
  customer: (i: InvoiceRow) => ({ __typename: 'Customer', id: i.customerId }),
  order: (i: InvoiceRow) => (i.orderId ? { __typename: 'SalesOrder', id: i.orderId } : null),
  lines: async (i: InvoiceRow, _: unknown, ctx: FinanceContext) =>
    (await ctx.loaders.linesOfInvoice.load(i.id)).map((l) => ({ ...l, currency: i.currency })),
  subtotal: (i: InvoiceRow) => money(i.subtotal, i.currency),
  taxTotal: (i: InvoiceRow) => money(i.taxTotal, i.currency),
  total: (i: InvoiceRow) => money(i.total, i.currency),
  amountPaid: (i: InvoiceRow) => money(i.amountPaid, i.currency),
  balance: (i: InvoiceRow) => money(i.status === 'VOID' ? '0' : balance(i).toFixed(2), i.currency),
  isOverdue: async (i: InvoiceRow, args: { asOf?: string | null }, ctx: FinanceContext) =>
    (await daysOverdue(i, args.asOf ?? todayUtc(), ctx)) > 0,
  daysOverdue: (i: InvoiceRow, args: { asOf?: string | null }, ctx: FinanceContext) =>
    daysOverdue(i, args.asOf ?? todayUtc(), ctx),
  payments: (i: InvoiceRow, _: unknown, ctx: FinanceContext) => ctx.loaders.allocationsOfInvoice.load(i.id),
};

type Line = InvoiceLineRow & { currency: string };

export const InvoiceLine = {
  product: (l: Line) => (l.productId ? { __typename: 'Product', id: l.productId } : null),
  quantity: (l: Line) => trimDecimal(l.quantity),
  unitPrice: (l: Line) => ({ amount: trimDecimal(l.unitPrice, 2), currency: l.currency }),
  discountPercent: (l: Line) => trimDecimal(l.discountPercent),
  taxRate: (l: Line) => trimDecimal(l.taxRate),
  amount: (l: Line) => money(l.amount, l.currency),
  tax: (l: Line) => money(l.tax, l.currency),
};

export const Payment = {
  customer: (p: PaymentRow) => ({ __typename: 'Customer', id: p.customerId }),
  amount: (p: PaymentRow) => money(p.amount, p.currency),
  allocations: (p: PaymentRow, _: unknown, ctx: FinanceContext) => ctx.loaders.allocationsOfPayment.load(p.id),
  unallocated: (p: PaymentRow) => money(dec(p.amount).minus(p.allocated).toFixed(2), p.currency),
};

export const PaymentAllocation = {
  invoice: async (a: AllocationRow, _: unknown, ctx: FinanceContext) => (await ctx.loaders.invoice.load(a.invoiceId))!,
  payment: async (a: AllocationRow, _: unknown, ctx: FinanceContext) => (await ctx.loaders.payment.load(a.paymentId))!,
  amount: async (a: AllocationRow, _: unknown, ctx: FinanceContext) =>
    money(a.amount, (await ctx.loaders.tenant()).currency),
};

export const JournalEntry = {
  lines: (e: JournalEntryRow, _: unknown, ctx: FinanceContext) => ctx.loaders.linesOfEntry.load(e.id),
};

export const JournalLine = {
  accountName: (l: JournalLineRow) => ACCOUNTS[l.accountCode as AccountCode],
  debit: async (l: JournalLineRow, _: unknown, ctx: FinanceContext) =>
    money(l.debit, (await ctx.loaders.tenant()).currency),
  credit: async (l: JournalLineRow, _: unknown, ctx: FinanceContext) =>
    money(l.credit, (await ctx.loaders.tenant()).currency),
};
