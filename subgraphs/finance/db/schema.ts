import { eventTables } from '../../../lib/events/tables.js';
import { idempotencyTable } from '../../../lib/idempotency/table.js';
import { sql } from 'drizzle-orm';
import {
  check,
  date,
  index,
  integer,
  numeric,
  pgSchema,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/** Everything the finance subgraph stores lives in this Postgres schema. */
export const financeSchema = pgSchema('finance');

const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });
const money = (name: string) => numeric(name, { precision: 18, scale: 2 });

export const tenants = financeSchema.table('tenants', {
  id: text('id').primaryKey(),
  currency: text('currency').notNull().default('CNY'),
  taxRate: numeric('tax_rate', { precision: 5, scale: 2 }).notNull().default('13'),
  paymentTermsDays: integer('payment_terms_days').notNull().default(30),
  createdAt: ts('created_at').notNull().defaultNow(),
});

/** The last invoice number handed out per tenant and year: issuing locks the row, so numbers have no gaps. */
export const invoiceSequences = financeSchema.table(
  'invoice_sequences',
  {
    tenantId: text('tenant_id').notNull(),
    year: integer('year').notNull(),
    last: integer('last').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.year] })],
);

/** Per customer: credit limit (null: none) and payment terms (null: the tenant's default). */
export const customerAccounts = financeSchema.table(
  'customer_accounts',
  {
    tenantId: text('tenant_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    creditLimit: money('credit_limit'),
    paymentTermsDays: integer('payment_terms_days'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.customerId] })],
);

/**
 * Orders' amounts not yet invoiced (exposure). RESERVED: finance approved the amount when the order
 * was being confirmed (reserveCredit) and counts it until `reserved_until`; CONFIRMED: the
 * salesOrder.confirmed event arrived (counts until invoiced); CANCELLED: never counts again.
 */
export const orderExposures = financeSchema.table(
  'order_exposures',
  {
    tenantId: text('tenant_id').notNull(),
    orderId: uuid('order_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    amount: money('amount').notNull(),
    status: text('status').notNull(),
    /** Until when a RESERVED amount counts: a confirmation that never happened stops holding credit. */
    reservedUntil: ts('reserved_until'),
    updatedAt: ts('updated_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.orderId] }),
    index('order_exposures_customer_idx').on(t.tenantId, t.customerId),
  ],
);

export const invoices = financeSchema.table(
  'invoices',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    year: integer('year'),
    number: integer('number'),
    customerId: uuid('customer_id').notNull(),
    orderId: uuid('order_id'),
    /** The shipment this invoice bills (invoices made from shipment.shipped); at most one per shipment. */
    shipmentId: uuid('shipment_id'),
    status: text('status').notNull(),
    currency: text('currency').notNull(),
    issueDate: date('issue_date'),
    dueDate: date('due_date'),
    subtotal: money('subtotal').notNull().default('0'),
    taxTotal: money('tax_total').notNull().default('0'),
    total: money('total').notNull().default('0'),
    amountPaid: money('amount_paid').notNull().default('0'),
    createdAt: ts('created_at').notNull(),
    issuedAt: ts('issued_at'),
    voidedAt: ts('voided_at'),
    /** Moved by a trigger on every write (lib/sync.ts): the incremental sync's order. */
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    uniqueIndex('invoices_number_idx').on(t.tenantId, t.year, t.number),
    uniqueIndex('invoices_shipment_idx').on(t.tenantId, t.shipmentId),
    index('invoices_customer_idx').on(t.tenantId, t.customerId, t.createdAt),
    index('invoices_created_idx').on(t.tenantId, t.createdAt, t.id),
    index('invoices_due_idx').on(t.tenantId, t.status, t.dueDate),
    index('invoices_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    check('invoices_never_overpaid', sql`${t.amountPaid} >= 0 and ${t.amountPaid} <= ${t.total}`),
  ],
);

/**
 * invoice_lines.amount (rules.ts netAmount is the same in TypeScript). Cumulative rounding: the parts
 * of an order line, billed in turn, telescope to round(order quantity x price less the discount),
 * exactly the order line's amount, and never more.
 */
const NET_AMOUNT = sql.raw(
  'round((billed_before + quantity) * unit_price * (100 - discount_percent) / 100, 2) - round(billed_before * unit_price * (100 - discount_percent) / 100, 2)',
);

export const invoiceLines = financeSchema.table(
  'invoice_lines',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    invoiceId: uuid('invoice_id').notNull(),
    productId: uuid('product_id'),
    description: text('description').notNull(),
    quantity: numeric('quantity', { precision: 18, scale: 4 }).notNull(),
    unitPrice: numeric('unit_price', { precision: 18, scale: 4 }).notNull(),
    taxRate: numeric('tax_rate', { precision: 5, scale: 2 }).notNull(),
    /** Percent off quantity x unit price (an order line's discount carried onto its invoice line). */
    discountPercent: numeric('discount_percent', { precision: 5, scale: 2 }).notNull().default('0'),
    /**
     * How much of the same order line earlier invoices billed (shipments of an order line in parts;
     * 0 for every other line): the line bills the cumulative amount up to and including it less the
     * cumulative amount before it, so that the parts add up exactly to the order line's amount.
     */
    billedBefore: numeric('billed_before', { precision: 18, scale: 4 }).notNull().default('0'),
    /**
     * Net of the discount: what (billed before + quantity) comes to less what billed before came to,
     * each rounded half-up to the cent (with nothing billed before: quantity x price less the
     * discount, rounded); totals are the exact sums of these. Tax is per line on this net amount.
     */
    amount: money('amount')
      .notNull()
      .generatedAlwaysAs(sql`${NET_AMOUNT}`),
    tax: money('tax')
      .notNull()
      .generatedAlwaysAs(sql`round((${NET_AMOUNT}) * tax_rate / 100, 2)`),
    position: integer('position').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('invoice_lines_invoice_idx').on(t.tenantId, t.invoiceId, t.position),
  ],
);

export const payments = financeSchema.table(
  'payments',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    customerId: uuid('customer_id').notNull(),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    /** Kept in step with the allocations in the same transaction. */
    allocated: money('allocated').notNull().default('0'),
    receivedOn: date('received_on').notNull(),
    method: text('method').notNull(),
    reference: text('reference'),
    createdAt: ts('created_at').notNull(),
    /** Moved by a trigger on every write, allocations included (lib/sync.ts). */
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('payments_customer_idx').on(t.tenantId, t.customerId, t.createdAt),
    index('payments_updated_idx').on(t.tenantId, t.updatedAt, t.id),
    check(
      'payments_never_overallocated',
      sql`${t.amount} > 0 and ${t.allocated} >= 0 and ${t.allocated} <= ${t.amount}`,
    ),
  ],
);

export const paymentAllocations = financeSchema.table(
  'payment_allocations',
  {
    tenantId: text('tenant_id').notNull(),
    paymentId: uuid('payment_id').notNull(),
    invoiceId: uuid('invoice_id').notNull(),
    amount: money('amount').notNull(),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.paymentId, t.invoiceId] }),
    index('payment_allocations_invoice_idx').on(t.tenantId, t.invoiceId),
    check('payment_allocations_positive', sql`${t.amount} > 0`),
  ],
);

export const journalEntries = financeSchema.table(
  'journal_entries',
  {
    tenantId: text('tenant_id').notNull(),
    id: uuid('id').notNull(),
    postedOn: date('posted_on').notNull(),
    description: text('description').notNull(),
    reference: text('reference'),
    createdAt: ts('created_at').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.id] }),
    index('journal_entries_posted_idx').on(t.tenantId, t.postedOn, t.id),
  ],
);

export const journalLines = financeSchema.table(
  'journal_lines',
  {
    tenantId: text('tenant_id').notNull(),
    entryId: uuid('entry_id').notNull(),
    position: integer('position').notNull(),
    accountCode: text('account_code').notNull(),
    debit: money('debit').notNull().default('0'),
    credit: money('credit').notNull().default('0'),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.entryId, t.position] }),
    index('journal_lines_account_idx').on(t.tenantId, t.accountCode),
    check('journal_lines_one_side', sql`${t.debit} >= 0 and ${t.credit} >= 0 and (${t.debit} = 0 or ${t.credit} = 0)`),
  ],
);

export type TenantRow = typeof tenants.$inferSelect;
export type InvoiceRow = typeof invoices.$inferSelect;
export type InvoiceLineRow = typeof invoiceLines.$inferSelect;
export type PaymentRow = typeof payments.$inferSelect;
export type AllocationRow = typeof paymentAllocations.$inferSelect;
export type JournalEntryRow = typeof journalEntries.$inferSelect;
export type JournalLineRow = typeof journalLines.$inferSelect;

/** Events it publishes (outbox + deliveries) and the events it has consumed (inbox). */
export const { outboxEvents, outboxDeliveries, inbox } = eventTables(financeSchema);
export const idempotencyKeys = idempotencyTable(financeSchema);
