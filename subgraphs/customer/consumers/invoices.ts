import type { FieldCheck } from '../../../lib/check.js';
import type { Queryable } from '../../../lib/db.js';
import type { EventEnvelope, EventPayloads } from '../../../lib/events/catalog.js';
import type { CustomerWrite } from '../context.js';
import { recordPurchase, upsertReceivable } from '../db/insight-queries.js';
import { checked } from './payload.js';

type InvoicePayload = EventPayloads['invoice.issued' | 'invoice.paid'];
const invoiceFields = (c: FieldCheck, p: InvoicePayload) => ({
  invoiceId: c.uuid('invoiceId', p.invoiceId),
  customerId: c.uuid('customerId', p.customerId),
  orderId: c.optionalUuid('orderId', p.orderId),
  total: c.decimalText('total', p.total, { scale: 2 }),
  currency: c.currencyCode('currency', p.currency),
});

/**
 * Invoices are mirrored (issued / paid / voided, in whatever order they arrive) for the health
 * score's overdue receivables; an invoice without an order is a purchase when it is paid.
 */
export async function onInvoiceIssued(tx: Queryable, ctx: CustomerWrite, { payload }: EventEnvelope<'invoice.issued'>) {
  const p = await checked(tx, ctx.tenantId, (c) => ({
    ...invoiceFields(c, payload),
    dueDate: c.day('dueDate', payload.dueDate),
  }));
  await upsertReceivable(tx, {
    tenantId: ctx.tenantId,
    invoiceId: p.invoiceId,
    customerId: p.customerId,
    orderId: p.orderId,
    status: 'OPEN',
    total: p.total,
    currency: p.currency,
    dueDate: p.dueDate,
  });
}

export async function onInvoicePaid(tx: Queryable, ctx: CustomerWrite, { payload }: EventEnvelope<'invoice.paid'>) {
  const p = await checked(tx, ctx.tenantId, (c) => ({
    ...invoiceFields(c, payload),
    paidOn: c.day('paidOn', payload.paidOn),
  }));
  await upsertReceivable(tx, {
    tenantId: ctx.tenantId,
    invoiceId: p.invoiceId,
    customerId: p.customerId,
    orderId: p.orderId,
    status: 'PAID',
    total: p.total,
    currency: p.currency,
    paidOn: p.paidOn,
  });
  // An order's invoice: the order became a purchase when it was delivered.
  if (p.orderId === null) {
    await recordPurchase(tx, {
      tenantId: ctx.tenantId,
      sourceId: p.invoiceId,
      source: 'INVOICE',
      customerId: p.customerId,
      purchasedOn: p.paidOn,
      amount: p.total,
      currency: p.currency,
    });
  }
}

export async function onInvoiceVoided(tx: Queryable, ctx: CustomerWrite, { payload }: EventEnvelope<'invoice.voided'>) {
  const p = await checked(tx, ctx.tenantId, (c) => ({
    invoiceId: c.uuid('invoiceId', payload.invoiceId),
    customerId: c.uuid('customerId', payload.customerId),
  }));
  await upsertReceivable(tx, {
    tenantId: ctx.tenantId,
    invoiceId: p.invoiceId,
    customerId: p.customerId,
    status: 'VOID',
  });
}
