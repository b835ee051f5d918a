import type { Queryable } from '../../lib/db.js';
import type { PaidOff } from './db/payment-queries.js';
import type { InvoiceRow } from './db/schema.js';
import { outbox } from './events.js';
import { formatInvoiceNumber } from './rules.js';

/** The events finance publishes about invoices, each in the transaction of the change it reports. */

export const publishIssued = (tx: Queryable, tenantId: string, invoice: InvoiceRow) =>
  outbox.publish(tx, tenantId, 'invoice.issued', {
    invoiceId: invoice.id,
    number: formatInvoiceNumber(invoice.year!, invoice.number!),
    customerId: invoice.customerId,
    orderId: invoice.orderId,
    total: invoice.total,
    currency: invoice.currency,
    dueDate: invoice.dueDate!,
  });

export const publishVoided = (tx: Queryable, tenantId: string, invoice: InvoiceRow) =>
  outbox.publish(tx, tenantId, 'invoice.voided', { invoiceId: invoice.id, number: formatInvoiceNumber(invoice.year!, invoice.number!), customerId: invoice.customerId });

/** invoice.paid for each invoice an allocation paid off, dated the day the money came in. */
export async function publishPaid(tx: Queryable, tenantId: string, paidOn: string, paidOff: PaidOff[]) {
  for (const invoice of paidOff) {
    await outbox.publish(tx, tenantId, 'invoice.paid', {
      invoiceId: invoice.id,
      number: formatInvoiceNumber(invoice.year, invoice.number),
      customerId: invoice.customer_id,
      orderId: invoice.order_id,
      total: invoice.total,
      currency: invoice.currency,
      paidOn,
    });
  }
}
