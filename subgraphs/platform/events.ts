import type { EventHandlers } from '../../lib/events/inbox.js';
import { Outbox } from '../../lib/events/outbox.js';
import { onAuditRecorded } from './consumers/audit.js';
import { webhookConsumers } from './consumers/webhooks.js';
import type { PlatformWrite } from './context.js';
import { inbox, outboxDeliveries, outboxEvents } from './db/schema.js';

/** Publishes nothing yet (webhooks will); its inbox records what it consumed. */
export const outbox = new Outbox('platform', { outboxEvents, outboxDeliveries, inbox });

/**
 * What it consumes (consumers/): every other subgraph's audit entries, into platform.audit_log,
 * and every event of the public catalogue, into webhook deliveries.
 */
export const consumes: EventHandlers<PlatformWrite> = {
  ...webhookConsumers,
  'audit.recorded': onAuditRecorded,
};
