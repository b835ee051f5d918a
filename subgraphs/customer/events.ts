import { Outbox } from '../../lib/events/outbox.js';
import type { EventHandlers } from '../../lib/events/inbox.js';
import type { CustomerContext } from './context.js';
import { inbox, outboxDeliveries, outboxEvents } from './db/schema.js';

/** Publishes serviceTicket.resolved. */
export const outbox = new Outbox('customer', { outboxEvents, outboxDeliveries, inbox });

/** Consumes shipment.delivered and invoice.paid: what the customer's purchases tell us. */
export const consumes: EventHandlers<CustomerContext> = {};
