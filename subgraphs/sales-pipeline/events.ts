import { Outbox } from '../../lib/events/outbox.js';
import { inbox, outboxDeliveries, outboxEvents } from './db/schema.js';

/** Publishes lead.converted, opportunity.won and opportunity.lost; consumes nothing. */
export const outbox = new Outbox('sales-pipeline', { outboxEvents, outboxDeliveries, inbox });
