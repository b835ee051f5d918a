import type { Queryable } from '../../../lib/db.js';
import type { EventEnvelope } from '../../../lib/events/catalog.js';
import { UNAUDITED, type EventHandler, type EventHandlers } from '../../../lib/events/inbox.js';
import type { PlatformWrite } from '../context.js';
import { enqueueWebhooks } from '../webhooks/deliveries.js';
import { PUBLIC_EVENTS, type PublicEventType } from '../webhooks/payloads.js';

/**
 * Any event of the public catalogue: one webhook delivery per active subscription of its tenant,
 * queued in the inbox transaction (exactly once). Queueing is not a change anybody made: it
 * leaves no audit entry.
 */
async function onPublicEvent(tx: Queryable, _ctx: PlatformWrite, event: EventEnvelope<PublicEventType>) {
  await enqueueWebhooks(tx, event);
  return UNAUDITED;
}

export const webhookConsumers = Object.fromEntries(
  Object.keys(PUBLIC_EVENTS).map((type) => [type, onPublicEvent as EventHandler<PlatformWrite, PublicEventType>]),
) as EventHandlers<PlatformWrite>;
