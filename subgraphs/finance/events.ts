import { Outbox } from '../../lib/events/outbox.js';
import type { EventHandlers } from '../../lib/events/inbox.js';
import { onOrderCancelled, onOrderConfirmed } from './consumers/exposure.js';
import { onShipmentShipped } from './consumers/shipments.js';
import type { FinanceContext } from './context.js';
import { inbox, outboxDeliveries, outboxEvents } from './db/schema.js';

/** Publishes invoice.issued, invoice.paid and invoice.voided. */
export const outbox = new Outbox('finance', { outboxEvents, outboxDeliveries, inbox });

/** Consumes salesOrder.confirmed/cancelled (exposure) and shipment.shipped (invoice + cost of goods sold). */
export const consumes: EventHandlers<FinanceContext> = {
  'salesOrder.confirmed': onOrderConfirmed,
  'salesOrder.cancelled': onOrderCancelled,
  'shipment.shipped': onShipmentShipped,
};
