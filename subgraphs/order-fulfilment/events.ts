import { Outbox } from '../../lib/events/outbox.js';
import type { EventHandlers } from '../../lib/events/inbox.js';
import type { FulfilmentContext } from './context.js';
import { inbox, outboxDeliveries, outboxEvents } from './db/schema.js';

/** Publishes salesOrder.confirmed/cancelled and shipment.shipped/delivered. */
export const outbox = new Outbox('order-fulfilment', { outboxEvents, outboxDeliveries, inbox });

/** Consumes opportunity.won: a won deal becomes a draft sales order. */
export const consumes: EventHandlers<FulfilmentContext> = {};
