import { EVENT_CATALOG, type EventEnvelope, type EventPayloads, type EventType } from '../../lib/events/catalog.js';
import { EVENT_SIGNATURE_HEADER, signDelivery } from '../../lib/events/signature.js';
import { uuidv7 } from '../../lib/ids.js';
import type { Stack } from '../support/stack.js';

/** An event as a publisher's outbox makes it. */
export const envelope = <T extends EventType>(tenantId: string, type: T, payload: EventPayloads[T], id = uuidv7()): EventEnvelope<T> => ({
  id,
  type,
  version: EVENT_CATALOG[type].version,
  tenantId,
  occurredAt: new Date().toISOString(),
  payload,
});

/**
 * POSTs a body to the finance subgraph's /events endpoint as a relay does: signed for finance
 * (unless `signature` says otherwise: null sends none).
 */
export async function deliverToFinance(stack: Stack, event: unknown, opts: { signature?: string | null } = {}) {
  const body = typeof event === 'string' ? event : JSON.stringify(event);
  const signature = opts.signature === undefined ? signDelivery(stack.secrets.signingSecret, 'finance', body) : opts.signature;
  const res = await fetch(stack.eventUrls.finance, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { [EVENT_SIGNATURE_HEADER]: signature }) },
    body,
  });
  return { status: res.status, body: (await res.json()) as { status?: string; errors?: { message: string; extensions?: { code?: string } }[] } };
}

/** A salesOrder.confirmed or salesOrder.cancelled for an order of `total` CNY. */
export function orderEvent(tenantId: string, kind: 'confirmed' | 'cancelled', order: { orderId: string; customerId: string; total: string }) {
  const common = { orderId: order.orderId, number: 'SO-000001', customerId: order.customerId, total: order.total, currency: 'CNY' };
  return kind === 'confirmed'
    ? envelope(tenantId, 'salesOrder.confirmed', { ...common, opportunityId: null })
    : envelope(tenantId, 'salesOrder.cancelled', { ...common, wasConfirmed: true });
}
