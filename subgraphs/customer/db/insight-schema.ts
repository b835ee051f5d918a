import { sql } from 'drizzle-orm';
import { check, date, index, numeric, primaryKey, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { customerSchema } from './pg-schema.js';

const money = (name: string) => numeric(name, { precision: 18, scale: 2 });
const ts = (name: string) => timestamp(name, { withTimezone: true, precision: 3 });

/**
 * What customers bought, derived from events: one row per purchase. An order counts once, dated by
 * its first delivery (shipment.delivered); an invoice without an order counts when it is paid
 * (invoice.paid). `source_id` is the order id or that invoice's id.
 */
export const purchases = customerSchema.table(
  'purchases',
  {
    tenantId: text('tenant_id').notNull(),
    sourceId: uuid('source_id').notNull(),
    source: text('source').notNull(),
    customerId: uuid('customer_id').notNull(),
    purchasedOn: date('purchased_on', { mode: 'string' }).notNull(),
    amount: money('amount').notNull(),
    currency: text('currency').notNull(),
    recordedAt: ts('recorded_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.sourceId] }),
    index('purchases_customer_idx').on(t.tenantId, t.customerId, t.purchasedOn),
    check('purchases_source_check', sql`${t.source} in ('ORDER', 'INVOICE')`),
  ],
);

/**
 * A mirror of the customer's invoices, from invoice.issued / .paid / .voided, for the health score's
 * overdue factor. Events may come out of order: a row keeps the state furthest along (PAID or VOID
 * over OPEN), and total / due date stay null until invoice.issued brings them.
 */
export const receivables = customerSchema.table(
  'receivables',
  {
    tenantId: text('tenant_id').notNull(),
    invoiceId: uuid('invoice_id').notNull(),
    customerId: uuid('customer_id').notNull(),
    orderId: uuid('order_id'),
    status: text('status').notNull(),
    total: money('total'),
    currency: text('currency'),
    dueDate: date('due_date', { mode: 'string' }),
    paidOn: date('paid_on', { mode: 'string' }),
    updatedAt: ts('updated_at').notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.tenantId, t.invoiceId] }),
    index('receivables_customer_idx').on(t.tenantId, t.customerId, t.status, t.dueDate),
    check('receivables_status_check', sql`${t.status} in ('OPEN', 'PAID', 'VOID')`),
  ],
);
