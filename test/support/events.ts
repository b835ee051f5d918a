import type { SubgraphName } from '../../lib/config.js';
import type { EventEnvelope, EventPayloads, EventType } from '../../lib/events/catalog.js';
import { EVENT_CATALOG } from '../../lib/events/catalog.js';
import { EVENT_SIGNATURE_HEADER, signDelivery } from '../../lib/events/signature.js';
import { uuidv7 } from '../../lib/ids.js';
import type { Stack } from './stack.js';

/** An event as a publisher would write it. */
export function envelope<T extends EventType>(tenantId: string, type: T, payload: EventPayloads[T], id = uuidv7()): EventEnvelope<T> {
  return { id, type, version: EVENT_CATALOG[type].version, tenantId, occurredAt: new Date().toISOString(), payload };
}

/** Delivers an event to a subscriber's /events endpoint exactly as a relay does (signed). */
export async function deliver(stack: Stack, subscriber: SubgraphName, event: unknown, opts: { secret?: string } = {}) {
  const body = JSON.stringify(event);
  const res = await fetch(stack.eventUrls[subscriber], {
    method: 'POST',
    headers: { 'content-type': 'application/json', [EVENT_SIGNATURE_HEADER]: signDelivery(opts.secret ?? stack.secrets.signingSecret, subscriber, body) },
    body,
  });
  return { status: res.status, body: (await res.json()) as { status?: string; errors?: { message: string; extensions: { code: string } }[] } };
}
