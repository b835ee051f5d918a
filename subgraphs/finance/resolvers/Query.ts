import { todayUtc } from '../../../lib/dates.js';
import { orderedConnection } from '../../../lib/list-connection.js';
import { pageWindow, timeKey, toConnection } from '../../../lib/pagination.js';
import { creditCheck } from '../credit.js';
import { countInvoices, invoiceByNumber, invoiceOrders, listInvoices } from '../db/invoice-queries.js';
import { countEntries, listEntries } from '../db/ledger-queries.js';
import { countPayments, listPayments, paymentOrders } from '../db/payment-queries.js';
import type { InvoiceRow, PaymentRow } from '../db/schema.js';
import type { QueryResolvers } from '../generated/resolvers.js';
import { trialBalance } from '../ledger.js';
import { receivablesAgeing } from '../receivables.js';
import { parseInvoiceNumber } from '../rules.js';

const invoiceCursor: Record<keyof typeof invoiceOrders, (i: InvoiceRow) => string> = {
  CREATED_AT: (i) => timeKey(i.createdAt),
  ISSUE_DATE: (i) => i.issueDate ?? 'infinity',
  DUE_DATE: (i) => i.dueDate ?? 'infinity',
  TOTAL: (i) => i.total,
  UPDATED_AT: (i) => timeKey(i.updatedAt),
};

const paymentCursor: Record<keyof typeof paymentOrders, (p: PaymentRow) => string> = {
  CREATED_AT: (p) => timeKey(p.createdAt),
  UPDATED_AT: (p) => timeKey(p.updatedAt),
};

export const Query: QueryResolvers = {
  invoice: (_, args, ctx) => ctx.loaders.invoice.load(args.id),

  invoiceByNumber: (_, args, ctx) => {
    const parsed = parseInvoiceNumber(args.number);
    return parsed ? invoiceByNumber(ctx.database.db, ctx.tenantId, parsed.year, parsed.number) : null;
  },

  invoices: (_, args, ctx) =>
    orderedConnection(args, ctx, {
      orders: invoiceOrders,
      fallback: 'CREATED_AT',
      cursor: invoiceCursor,
      list: listInvoices,
      count: countInvoices,
      loader: ctx.loaders.invoice,
      sync: { field: 'UPDATED_AT', updatedAt: (i) => i.updatedAt },
    }),

  payment: (_, args, ctx) => ctx.loaders.payment.load(args.id),

  payments: (_, args, ctx) =>
    orderedConnection({ ...args, orderBy: args.orderBy ?? { field: 'CREATED_AT', direction: 'DESC' } }, ctx, {
      orders: paymentOrders,
      fallback: 'CREATED_AT',
      cursor: paymentCursor,
      list: listPayments,
      count: countPayments,
      loader: ctx.loaders.payment,
      sync: { field: 'UPDATED_AT', updatedAt: (p) => p.updatedAt },
    }),

  creditCheck: (_, args, ctx) => creditCheck(ctx, args.customerId, args.amount),

  journalEntries: async (_, args, ctx) => {
    const window = pageWindow({ first: args.first, after: args.after });
    const [from, to] = [args.from ?? null, args.to ?? null];
    const rows = await listEntries(ctx.database.db, ctx.tenantId, from, to, window);
    return toConnection(
      rows,
      window,
      (r) => ({ value: r.postedOn, id: r.id }),
      () => countEntries(ctx.database.db, ctx.tenantId, from, to),
    );
  },

  trialBalance: (_, args, ctx) => trialBalance(ctx, args.asOf ?? todayUtc()),

  receivablesAgeing: (_, args, ctx) => receivablesAgeing(ctx, args.asOf ?? todayUtc()),

  financeSettings: (_, __, ctx) => ctx.loaders.tenant(),
};
