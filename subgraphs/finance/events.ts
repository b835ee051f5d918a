import type { EventHandlers } from '../../lib/events/inbox.js';
import { Outbox } from '../../lib/events/outbox.js';
import { onOrderCancelled, onOrderConfirmed } from './consumers/exposure.js';
import { onShipmentShipped } from './consumers/shipments.js';
import type { FinanceWrite } from './context.js';
import { inbox, outboxDeliveries, outboxEvents } from './db/schema.js';

/** Publishes invoice.issued, invoice.paid and invoice.voided (publish.ts). */
export const outbox = new Outbox('finance', { outboxEvents, outboxDeliveries, inbox });

/**
 * Consumes salesOrder.confirmed/cancelled (the customer's exposure, consumers/exposure.ts) and
 * shipment.shipped (its invoice and the cost of goods sold, consumers/shipments.ts).
 */
export const consumes: EventHandlers<FinanceWrite> = {
  'salesOrder.confirmed': onOrderConfirmed,
  'salesOrder.cancelled': onOrderCancelled,
  'shipment.shipped': onShipmentShipped,
};
