import type { Queryable } from '../../lib/db.js';
import type { FinanceWrite } from './context.js';
import type { PaidOff } from './db/payment-queries.js';
import type { InvoiceRow, PaymentRow } from './db/schema.js';
import { formatInvoiceNumber } from './rules.js';

/** The events finance publishes about invoices, each in the transaction of the change it reports (or of the seed that wrote it). */
type Publisher = Pick<FinanceWrite, 'tenantId' | 'outbox'>;

export const publishIssued = (tx: Queryable, ctx: Publisher, invoice: InvoiceRow) =>
  ctx.outbox.publish(tx, ctx.tenantId, 'invoice.issued', {
    invoiceId: invoice.id,
    number: formatInvoiceNumber(invoice.year!, invoice.number!),
    customerId: invoice.customerId,
    orderId: invoice.orderId,
    total: invoice.total,
    currency: invoice.currency,
    dueDate: invoice.dueDate!,
  });

export const publishVoided = (tx: Queryable, ctx: Publisher, invoice: InvoiceRow) =>
  ctx.outbox.publish(tx, ctx.tenantId, 'invoice.voided', {
    invoiceId: invoice.id,
    number: formatInvoiceNumber(invoice.year!, invoice.number!),
    customerId: invoice.customerId,
  });

/** invoice.paid for each invoice an allocation paid off, dated the day the money came in. */
export const publishPaid = (tx: Queryable, ctx: Publisher, paidOn: string, paidOff: PaidOff[]) =>
  ctx.outbox.publishMany(
    tx,
    ctx.tenantId,
    'invoice.paid',
    paidOff.map((invoice) => ({
      invoiceId: invoice.id,
      number: formatInvoiceNumber(invoice.year, invoice.number),
      customerId: invoice.customer_id,
      orderId: invoice.order_id,
      total: invoice.total,
      currency: invoice.currency,
      paidOn,
    })),
  );

export const publishPaymentReceived = (tx: Queryable, ctx: Publisher, payment: PaymentRow) =>
  ctx.outbox.publish(tx, ctx.tenantId, 'payment.received', {
    paymentId: payment.id,
    customerId: payment.customerId,
    amount: payment.amount,
    currency: payment.currency,
    receivedOn: payment.receivedOn,
    method: payment.method,
    reference: payment.reference,
  });
