import { and, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import type { EventEnvelope } from '../../../lib/events/catalog.js';
import { uuidv7 } from '../../../lib/ids.js';
import { findOrFail } from '../../../lib/transaction.js';
import type { PlatformWrite } from '../context.js';
import { webhookDeliveries, type WebhookDeliveryRow } from '../db/schema.js';
import {
  activeSubscriptionsTo,
  deliveriesByIds,
  failedDeliveriesOf,
  insertDeliveries,
  redeliver,
  subscriptionsByIds,
} from '../db/webhook-queries.js';
import { Code, refuse } from '../errors.js';
import type { RedeliverFailedWebhooksInput, RedeliverWebhookInput } from '../generated/resolvers.js';
import { webhookBody, type PublicEventType } from './payloads.js';

/** The NOTIFY channel the webhook worker listens on: deliveries were queued or requeued. */
export const WEBHOOK_CHANNEL = 'platform_webhooks';

const notifyWorker = (tx: Queryable) => tx.execute(sql`select pg_notify(${WEBHOOK_CHANNEL}, '')`);

/**
 * Queues one delivery of the event per active subscription of its tenant to its type (made before
 * the event occurred: a new subscription is sent what happens from then on). It runs in
 * the transaction that records the event in platform's inbox, so each event is queued exactly
 * once however often the relay delivers it. Returns how many were queued.
 */
export async function enqueueWebhooks(tx: Queryable, event: EventEnvelope<PublicEventType>): Promise<number> {
  const subscriptions = await activeSubscriptionsTo(tx, event.tenantId, event.type, new Date(event.occurredAt));
  if (subscriptions.length === 0) return 0;
  const body = webhookBody(event);
  await insertDeliveries(
    tx,
    subscriptions.map((s) => {
      const id = uuidv7();
      return {
        tenantId: event.tenantId,
        id,
        subscriptionId: s.id,
        eventId: event.id,
        webhookId: `msg_${id}`,
        eventType: event.type,
        body,
        nextAttemptAt: sql`now()` as unknown as Date,
      };
    }),
  );
  await notifyWorker(tx);
  return subscriptions.length;
}

const subscriptionActive = async (tx: Queryable, ctx: PlatformWrite, subscriptionId: string, field: string[]) => {
  const subscription = await findOrFail(
    subscriptionId,
    async (id) => (await subscriptionsByIds(tx, ctx.tenantId, [id]))[0],
    'Webhook subscription',
    field,
  );
  if (!subscription.active)
    refuse(Code.WEBHOOK_SUBSCRIPTION_INACTIVE, field, 'The subscription is inactive: set active: true first');
  return subscription;
};

/** Sends a delivery again, whatever its status: same webhook-id, a fresh retry schedule. */
export async function redeliverWebhook(
  tx: Queryable,
  ctx: PlatformWrite,
  input: RedeliverWebhookInput,
): Promise<WebhookDeliveryRow> {
  const field = ['input', 'deliveryId'];
  const delivery = await findOrFail(
    input.deliveryId,
    async (id) => (await deliveriesByIds(tx, ctx.tenantId, [id]))[0],
    'Webhook delivery',
    field,
  );
  await subscriptionActive(tx, ctx, delivery.subscriptionId, field);
  const [row] = await redeliver(
    tx,
    and(eq(webhookDeliveries.tenantId, ctx.tenantId), eq(webhookDeliveries.id, delivery.id))!,
  );
  await notifyWorker(tx);
  return row;
}

/** Sends every FAILED delivery of a subscription again (those created since `since`); how many. */
export async function redeliverFailedWebhooks(
  tx: Queryable,
  ctx: PlatformWrite,
  input: RedeliverFailedWebhooksInput,
): Promise<number> {
  const subscription = await subscriptionActive(tx, ctx, input.subscriptionId, ['input', 'subscriptionId']);
  const rows = await redeliver(tx, failedDeliveriesOf(ctx.tenantId, subscription.id, input.since));
  if (rows.length > 0) await notifyWorker(tx);
  ctx.changedIds.push(...rows.map((r) => r.id));
  return rows.length;
}
