import type { EventHandlers } from '../../lib/events/inbox.js';
import { Outbox } from '../../lib/events/outbox.js';
import { onShipmentDelivered } from './consumers/deliveries.js';
import { onInvoiceIssued, onInvoicePaid, onInvoiceVoided } from './consumers/invoices.js';
import type { CustomerWrite } from './context.js';
import { inbox, outboxDeliveries, outboxEvents } from './db/schema.js';

/** Publishes serviceTicket.resolved (publish.ts). */
export const outbox = new Outbox('customer', { outboxEvents, outboxDeliveries, inbox });

/**
 * Consumes deliveries and invoices (consumers/): what the customer's purchases and receivables
 * tell us, for lastPurchaseAt, the repurchase forecast and the health score.
 */
export const consumes: EventHandlers<CustomerWrite> = {
  'shipment.delivered': onShipmentDelivered,
  'invoice.issued': onInvoiceIssued,
  'invoice.paid': onInvoicePaid,
  'invoice.voided': onInvoiceVoided,
};
