import type { EventHandlers } from '../../lib/events/inbox.js';
import { Outbox } from '../../lib/events/outbox.js';
import { onOpportunityWon } from './consumers/won-deals.js';
import type { FulfilmentWrite } from './context.js';
import { inbox, outboxDeliveries, outboxEvents } from './db/schema.js';

/** Publishes salesOrder.confirmed/cancelled and shipment.shipped/delivered (publish.ts). */
export const outbox = new Outbox('order-fulfilment', { outboxEvents, outboxDeliveries, inbox });

/** Consumes opportunity.won (consumers/): a won deal becomes a draft sales order. */
export const consumes: EventHandlers<FulfilmentWrite> = {
  'opportunity.won': onOpportunityWon,
};
