import { addDays, todayUtc } from '../../../lib/dates.js';
import { GraphQLError } from 'graphql';
import { badInput } from '../../../lib/errors.js';
import { isUuid } from '../../../lib/ids.js';
import type { OrderArg } from '../../../lib/keyset.js';
import { orderedConnection } from '../../../lib/list-connection.js';
import { checkMoney, dec, money, type MoneyInput } from '../../../lib/money.js';
import { pageWindow, timeKey, toConnection, type PageArgs } from '../../../lib/pagination.js';
import type { FinanceContext } from '../context.js';
import { creditOf } from '../credit.js';
import {
  countInvoices,
  invoiceByNumber,
  invoiceOrders,
  listInvoices,
  type InvoiceFilter,
} from '../db/invoice-queries.js';
import { accountTotals, countEntries, listEntries } from '../db/ledger-queries.js';
import { countPayments, listPayments, type PaymentFilter } from '../db/payment-queries.js';
import { invoicedBetween, receivablesOfCustomers } from '../db/receivables-queries.js';
import type { InvoiceRow } from '../db/schema.js';
import { ACCOUNTS, checkCredit, parseInvoiceNumber, type AccountCode } from '../rules.js';
import { ageing } from './Customer.js';

const invoiceCursor: Record<keyof typeof invoiceOrders, (i: InvoiceRow) => string> = {
  CREATED_AT: (i) => timeKey(i.createdAt),
  ISSUE_DATE: (i) => i.issueDate ?? 'infinity',
  DUE_DATE: (i) => i.dueDate ?? 'infinity',
  TOTAL: (i) => i.total,
};

const sumOf = (rows: Record<string, string>[], key: string) =>
  rows.reduce((s, r) => s.plus(r[key] ?? '0'), dec(0)).toFixed(2);

export const Query = {
  invoice: (_: unknown, args: { id: string }, ctx: FinanceContext) => ctx.loaders.invoice.load(args.id),
  invoiceByNumber: (_: unknown, args: { number: string }, ctx: FinanceContext) => {
    const parsed = parseInvoiceNumber(args.number);
    return parsed ? invoiceByNumber(ctx.database.db, ctx.tenantId, parsed.year, parsed.number) : null;
  },
  invoices: async (
    _: unknown,
    args: PageArgs & { filter?: InvoiceFilter | null; orderBy?: OrderArg<keyof typeof invoiceOrders> },
    ctx: FinanceContext,
  ) => {
    return orderedConnection(args, ctx, {
      orders: invoiceOrders,
      fallback: 'CREATED_AT',
      cursor: invoiceCursor,
      list: listInvoices,
      count: countInvoices,
      loader: ctx.loaders.invoice,
    });
  },
  payment: (_: unknown, args: { id: string }, ctx: FinanceContext) => ctx.loaders.payment.load(args.id),
  payments: async (_: unknown, args: PageArgs & { filter?: PaymentFilter | null }, ctx: FinanceContext) => {
    const window = pageWindow({ first: args.first, after: args.after });
    const filter = args.filter ?? {};
    const rows = await listPayments(ctx.database.db, ctx.tenantId, filter, window);
    return toConnection(
      rows,
      window,
      (r) => ({ value: timeKey(r.createdAt), id: r.id }),
      () => countPayments(ctx.database.db, ctx.tenantId, filter),
    );
  },

  creditCheck: async (_: unknown, args: { customerId: string; amount: MoneyInput }, ctx: FinanceContext) => {
    const tenant = await ctx.loaders.tenant();
    const errors: Parameters<typeof checkMoney>[2] = [];
    const amount = checkMoney(args.amount, { currency: tenant.currency, field: ['amount'] }, errors);
    if (errors.length) throw badInput(errors[0].message, 'amount');
    const known =
      isUuid(args.customerId) && (await ctx.customers.existing(ctx, [args.customerId])).has(args.customerId);
    if (!known) throw new GraphQLError('Customer not found', { extensions: { code: 'NOT_FOUND' } });
    const credit = await creditOf(ctx, args.customerId);
    const verdict = checkCredit(credit.limit, credit.exposure, amount!, credit.oldestOverdueDays);
    return {
      allowed: verdict.allowed,
      reason: verdict.reason,
      exposure: money(credit.exposure, tenant.currency),
      limit: credit.limit === null ? null : money(credit.limit, tenant.currency),
      available: credit.available === null ? null : money(credit.available, tenant.currency),
    };
  },

  journalEntries: async (
    _: unknown,
    args: PageArgs & { from?: string | null; to?: string | null },
    ctx: FinanceContext,
  ) => {
    const window = pageWindow({ first: args.first, after: args.after });
    const rows = await listEntries(ctx.database.db, ctx.tenantId, args.from ?? null, args.to ?? null, window);
    return toConnection(
      rows,
      window,
      (r) => ({ value: r.postedOn, id: r.id }),
      () => countEntries(ctx.database.db, ctx.tenantId, args.from ?? null, args.to ?? null),
    );
  },

  trialBalance: async (_: unknown, args: { asOf?: string | null }, ctx: FinanceContext) => {
    const asOf = args.asOf ?? todayUtc();
    const [totals, tenant] = await Promise.all([
      accountTotals(ctx.database.db, ctx.tenantId, asOf),
      ctx.loaders.tenant(),
    ]);
    const accounts = (Object.keys(ACCOUNTS) as AccountCode[]).map((code) => {
      const t = totals.find((r) => r.account_code === code);
      const debit = dec(t?.debit ?? '0');
      const credit = dec(t?.credit ?? '0');
      return {
        code,
        name: ACCOUNTS[code],
        debit: money(debit.toFixed(2), tenant.currency),
        credit: money(credit.toFixed(2), tenant.currency),
        balance: money(debit.minus(credit).toFixed(2), tenant.currency),
      };
    });
    return {
      asOf,
      accounts,
      totalDebit: money(sumOf(totals, 'debit'), tenant.currency),
      totalCredit: money(sumOf(totals, 'credit'), tenant.currency),
    };
  },

  receivablesAgeing: async (_: unknown, args: { asOf?: string | null }, ctx: FinanceContext) => {
    const asOf = args.asOf ?? todayUtc();
    const [rows, invoiced, tenant] = await Promise.all([
      receivablesOfCustomers(ctx.database.db, ctx.tenantId, null, asOf),
      invoicedBetween(ctx.database.db, ctx.tenantId, addDays(asOf, -90), asOf),
      ctx.loaders.tenant(),
    ]);
    const outstanding = sumOf(rows as unknown as Record<string, string>[], 'outstanding');
    const total = {
      current: sumOf(rows as any, 'current'),
      days1to30: sumOf(rows as any, 'days1to30'),
      days31to60: sumOf(rows as any, 'days31to60'),
      days61to90: sumOf(rows as any, 'days61to90'),
      over90: sumOf(rows as any, 'over90'),
    };
    return {
      asOf,
      customers: rows.map((r) => ({
        customer: { __typename: 'Customer', id: r.customer_id },
        outstanding: money(r.outstanding, tenant.currency),
        ageing: ageing(r, tenant.currency),
      })),
      total: ageing(total as any, tenant.currency),
      outstanding: money(outstanding, tenant.currency),
      daysSalesOutstanding: dec(invoiced).eq(0)
        ? null
        : Number(dec(outstanding).div(invoiced).times(90).round(2).toFixed(2)),
    };
  },

  financeSettings: async (_: unknown, __: unknown, ctx: FinanceContext) => ctx.loaders.tenant(),
};

export const FinanceSettings = {
  taxRate: (t: { taxRate: string }) => t.taxRate.replace(/\.?0+$/, ''),
  defaultPaymentTermsDays: (t: { paymentTermsDays: number }) => t.paymentTermsDays,
};
