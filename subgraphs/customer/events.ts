import { Outbox } from '../../lib/events/outbox.js';
import type { EventHandlers } from '../../lib/events/inbox.js';
import { UserInputError, notFound, userError } from '../../lib/errors.js';
import { isUuid } from '../../lib/ids.js';
import type { Queryable } from '../../lib/db.js';
import { isDay } from '../../lib/scalars.js';
import type { CustomerContext } from './context.js';
import { customerExists, recordPurchase, upsertReceivable } from './db/insight-queries.js';
import { inbox, outboxDeliveries, outboxEvents } from './db/schema.js';

/** Publishes serviceTicket.resolved. */
export const outbox = new Outbox('customer', { outboxEvents, outboxDeliveries, inbox });

type Kind = 'uuid' | 'uuid?' | 'day' | 'amount' | 'currency';
const VALID: Record<Kind, [(value: unknown) => boolean, string]> = {
  uuid: [isUuid, 'a UUID'],
  'uuid?': [(v) => v === null || isUuid(v), 'a UUID or null'],
  day: [isDay, 'a date (YYYY-MM-DD)'],
  amount: [(v) => typeof v === 'string' && /^\d{1,16}(\.\d+)?$/.test(v), 'a non-negative decimal string'],
  currency: [(v) => typeof v === 'string' && /^[A-Z]{3}$/.test(v), 'an ISO 4217 currency code'],
};

/**
 * A payload that does not carry what the handler needs can never apply: a user error, which the
 * inbox turns into a dead letter. So is a customer this tenant does not have.
 */
async function checked<P extends object>(tx: Queryable, tenantId: string, payload: P, spec: { [K in keyof P]?: Kind }): Promise<P> {
  const errors = Object.entries(spec as Record<string, Kind>)
    .filter(([key, kind]) => !VALID[kind][0]((payload as Record<string, unknown>)[key]))
    .map(([key, kind]) => userError('INVALID_PAYLOAD', ['payload', key], `payload.${key} must be ${VALID[kind][1]}`));
  if (errors.length) throw new UserInputError(errors);
  const customerId = (payload as { customerId: string }).customerId;
  if (!(await customerExists(tx, tenantId, customerId))) throw new UserInputError([notFound('Customer', ['payload', 'customerId'])]);
  return payload;
}

const RECEIVABLE = { invoiceId: 'uuid', customerId: 'uuid', orderId: 'uuid?', total: 'amount', currency: 'currency' } as const;

/**
 * Consumes deliveries and invoices: what the customer's purchases and receivables tell us. An
 * order is a purchase on its first delivery; an invoice without an order is one when it is paid.
 * Invoices are mirrored (issued / paid / voided, in whatever order they arrive) for the health score.
 */
export const consumes: EventHandlers<CustomerContext> = {
  'shipment.delivered': async (tx, { tenantId, payload }) => {
    const p = await checked(tx, tenantId, payload, { orderId: 'uuid', customerId: 'uuid', deliveredOn: 'day', orderTotal: 'amount', currency: 'currency' });
    await recordPurchase(tx, { tenantId, sourceId: p.orderId, source: 'ORDER', customerId: p.customerId, purchasedOn: p.deliveredOn, amount: p.orderTotal, currency: p.currency });
  },

  'invoice.issued': async (tx, { tenantId, payload }) => {
    const p = await checked(tx, tenantId, payload, { ...RECEIVABLE, dueDate: 'day' });
    await upsertReceivable(tx, { tenantId, invoiceId: p.invoiceId, customerId: p.customerId, orderId: p.orderId, status: 'OPEN', total: p.total, currency: p.currency, dueDate: p.dueDate });
  },

  'invoice.paid': async (tx, { tenantId, payload }) => {
    const p = await checked(tx, tenantId, payload, { ...RECEIVABLE, paidOn: 'day' });
    await upsertReceivable(tx, { tenantId, invoiceId: p.invoiceId, customerId: p.customerId, orderId: p.orderId, status: 'PAID', total: p.total, currency: p.currency, paidOn: p.paidOn });
    // An order's invoice: the order became a purchase when it was delivered.
    if (p.orderId === null) {
      await recordPurchase(tx, { tenantId, sourceId: p.invoiceId, source: 'INVOICE', customerId: p.customerId, purchasedOn: p.paidOn, amount: p.total, currency: p.currency });
    }
  },

  'invoice.voided': async (tx, { tenantId, payload }) => {
    const p = await checked(tx, tenantId, payload, { invoiceId: 'uuid', customerId: 'uuid' });
    await upsertReceivable(tx, { tenantId, invoiceId: p.invoiceId, customerId: p.customerId, status: 'VOID' });
  },
};
