import { deliver, envelope } from '../support/events.js';
import type { Stack } from '../support/stack.js';

export { envelope };

/** POSTs a body to the finance subgraph's /events endpoint as a relay does (see deliver). */
export const deliverToFinance = (stack: Stack, event: unknown, opts: { signature?: string | null } = {}) =>
  deliver(stack, 'finance', event, opts);

/** A salesOrder.confirmed or salesOrder.cancelled for an order of `total` CNY. */
export function orderEvent(
  tenantId: string,
  kind: 'confirmed' | 'cancelled',
  order: { orderId: string; customerId: string; total: string },
) {
  const common = {
    orderId: order.orderId,
    number: 'SO-000001',
    customerId: order.customerId,
    total: order.total,
    currency: 'CNY',
  };
  return kind === 'confirmed'
    ? envelope(tenantId, 'salesOrder.confirmed', { ...common, opportunityId: null })
    : envelope(tenantId, 'salesOrder.cancelled', { ...common, wasConfirmed: true });
}
