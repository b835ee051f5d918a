import { Outbox } from '../../lib/events/outbox.js';
import type { EventHandlers } from '../../lib/events/inbox.js';
import { notFound } from '../../lib/errors.js';
import type { EventPayloads } from '../../lib/events/catalog.js';
import { PayloadCheck } from '../../lib/events/payload-check.js';
import type { Queryable } from '../../lib/db.js';
import { failOn } from '../../lib/mutation.js';
import type { CustomerContext } from './context.js';
import { recordPurchase, upsertReceivable } from './db/insight-queries.js';
import { customersByIds } from './db/queries.js';
import { inbox, outboxDeliveries, outboxEvents } from './db/schema.js';

/** Publishes serviceTicket.resolved. */
export const outbox = new Outbox('customer', { outboxEvents, outboxDeliveries, inbox });

/**
 * What the handlers need from a payload, checked; a payload that does not check out, or names a
 * customer this tenant does not have, can never apply: a user error, which the inbox turns into a
 * dead letter.
 */
async function checked<T>(
  tx: Queryable,
  tenantId: string,
  read: (check: PayloadCheck) => T & { customerId: string },
): Promise<T & { customerId: string }> {
  const check = new PayloadCheck();
  const values = read(check);
  failOn(check.errors);
  if ((await customersByIds(tx, tenantId, [values.customerId])).length === 0)
    failOn([notFound('Customer', ['payload', 'customerId'])]);
  return values;
}

type InvoicePayload = EventPayloads['invoice.issued' | 'invoice.paid'];
const invoiceFields = (c: PayloadCheck, p: InvoicePayload) => ({
  invoiceId: c.uuid('invoiceId', p.invoiceId),
  customerId: c.uuid('customerId', p.customerId),
  orderId: c.optionalUuid('orderId', p.orderId),
  total: c.decimal('total', p.total, { scale: 2 }),
  currency: c.currencyCode('currency', p.currency),
});

/**
 * Consumes deliveries and invoices: what the customer's purchases and receivables tell us. An
 * order is a purchase on its first delivery; an invoice without an order is one when it is paid.
 * Invoices are mirrored (issued / paid / voided, in whatever order they arrive) for the health score.
 */
export const consumes: EventHandlers<CustomerContext> = {
  'shipment.delivered': async (tx, { tenantId, payload }) => {
    const p = await checked(tx, tenantId, (c) => ({
      orderId: c.uuid('orderId', payload.orderId),
      customerId: c.uuid('customerId', payload.customerId),
      deliveredOn: c.day('deliveredOn', payload.deliveredOn),
      orderTotal: c.decimal('orderTotal', payload.orderTotal, { scale: 2 }),
      currency: c.currencyCode('currency', payload.currency),
    }));
    await recordPurchase(tx, {
      tenantId,
      sourceId: p.orderId,
      source: 'ORDER',
      customerId: p.customerId,
      purchasedOn: p.deliveredOn,
      amount: p.orderTotal,
      currency: p.currency,
    });
  },

  'invoice.issued': async (tx, { tenantId, payload }) => {
    const p = await checked(tx, tenantId, (c) => ({
      ...invoiceFields(c, payload),
      dueDate: c.day('dueDate', payload.dueDate),
    }));
    await upsertReceivable(tx, {
      tenantId,
      invoiceId: p.invoiceId,
      customerId: p.customerId,
      orderId: p.orderId,
      status: 'OPEN',
      total: p.total,
      currency: p.currency,
      dueDate: p.dueDate,
    });
  },

  'invoice.paid': async (tx, { tenantId, payload }) => {
    const p = await checked(tx, tenantId, (c) => ({
      ...invoiceFields(c, payload),
      paidOn: c.day('paidOn', payload.paidOn),
    }));
    await upsertReceivable(tx, {
      tenantId,
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
        tenantId,
        sourceId: p.invoiceId,
        source: 'INVOICE',
        customerId: p.customerId,
        purchasedOn: p.paidOn,
        amount: p.total,
        currency: p.currency,
      });
    }
  },

  'invoice.voided': async (tx, { tenantId, payload }) => {
    const p = await checked(tx, tenantId, (c) => ({
      invoiceId: c.uuid('invoiceId', payload.invoiceId),
      customerId: c.uuid('customerId', payload.customerId),
    }));
    await upsertReceivable(tx, { tenantId, invoiceId: p.invoiceId, customerId: p.customerId, status: 'VOID' });
  },
};
