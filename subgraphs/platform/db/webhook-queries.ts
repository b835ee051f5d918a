import { and, arrayContains, asc, eq, gte, lte, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../../../lib/db.js';
import { countOf, pageOf, type KeysetOrder } from '../../../lib/keyset.js';
import type { PageWindow } from '../../../lib/pagination.js';
import { anyOf } from '../../../lib/sql.js';
import type { WebhookDeliveryFilter } from '../generated/resolvers.js';
import {
  webhookAttempts,
  webhookDeliveries,
  webhookSubscriptions,
  type WebhookAttemptRow,
  type WebhookDeliveryRow,
  type WebhookSubscriptionRow,
} from './schema.js';

// ---- subscriptions

/** Newest first. */
const SUBSCRIPTION_ORDER: KeysetOrder = {
  column: webhookSubscriptions.createdAt,
  cast: 'timestamptz',
  id: webhookSubscriptions.id,
  direction: 'DESC',
};

export const listSubscriptions = (db: Queryable, tenantId: string, window: PageWindow) =>
  pageOf<WebhookSubscriptionRow>(
    db,
    webhookSubscriptions,
    eq(webhookSubscriptions.tenantId, tenantId),
    SUBSCRIPTION_ORDER,
    window,
  );

export const countSubscriptions = (db: Queryable, tenantId: string) =>
  countOf(db, webhookSubscriptions, eq(webhookSubscriptions.tenantId, tenantId));

export const subscriptionsByIds = (db: Queryable, tenantId: string, ids: readonly string[]) =>
  db
    .select()
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.tenantId, tenantId), anyOf(webhookSubscriptions.id, ids)));

export async function lockSubscription(tx: Queryable, tenantId: string, id: string) {
  const [row] = await tx
    .select()
    .from(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.tenantId, tenantId), eq(webhookSubscriptions.id, id)))
    .for('update');
  return row ?? null;
}

export async function updateSubscription(
  tx: Queryable,
  tenantId: string,
  id: string,
  values: Partial<WebhookSubscriptionRow>,
): Promise<WebhookSubscriptionRow> {
  const [row] = await tx
    .update(webhookSubscriptions)
    .set({ ...values, updatedAt: new Date() })
    .where(and(eq(webhookSubscriptions.tenantId, tenantId), eq(webhookSubscriptions.id, id)))
    .returning();
  return row;
}

/** The tenant's subscriptions to `type` that were active when an event occurred at `occurredAt` (and still are). */
export const activeSubscriptionsTo = (tx: Queryable, tenantId: string, type: string, occurredAt: Date) =>
  tx
    .select({ id: webhookSubscriptions.id })
    .from(webhookSubscriptions)
    .where(
      and(
        eq(webhookSubscriptions.tenantId, tenantId),
        eq(webhookSubscriptions.active, true),
        arrayContains(webhookSubscriptions.eventTypes, [type]),
        lte(webhookSubscriptions.createdAt, occurredAt),
      ),
    );

/** Deletes a subscription with its deliveries and their attempts. */
export async function deleteSubscription(tx: Queryable, tenantId: string, id: string): Promise<void> {
  await tx.execute(sql`
    delete from ${webhookAttempts} a using ${webhookDeliveries} d
    where a.tenant_id = ${tenantId} and d.tenant_id = ${tenantId} and d.subscription_id = ${id} and a.delivery_id = d.id`);
  await tx
    .delete(webhookDeliveries)
    .where(and(eq(webhookDeliveries.tenantId, tenantId), eq(webhookDeliveries.subscriptionId, id)));
  await tx
    .delete(webhookSubscriptions)
    .where(and(eq(webhookSubscriptions.tenantId, tenantId), eq(webhookSubscriptions.id, id)));
}

// ---- deliveries

/** Newest first. */
const DELIVERY_ORDER: KeysetOrder = {
  column: webhookDeliveries.createdAt,
  cast: 'timestamptz',
  id: webhookDeliveries.id,
  direction: 'DESC',
};

function deliveryWhere(tenantId: string, subscriptionId: string, filter: WebhookDeliveryFilter): SQL {
  return and(
    eq(webhookDeliveries.tenantId, tenantId),
    eq(webhookDeliveries.subscriptionId, subscriptionId),
    filter.status ? eq(webhookDeliveries.status, filter.status) : undefined,
    filter.eventType ? eq(webhookDeliveries.eventType, filter.eventType) : undefined,
    filter.since ? gte(webhookDeliveries.createdAt, filter.since) : undefined,
  )!;
}

export const listDeliveries = (
  db: Queryable,
  tenantId: string,
  subscriptionId: string,
  filter: WebhookDeliveryFilter,
  window: PageWindow,
) =>
  pageOf<WebhookDeliveryRow>(
    db,
    webhookDeliveries,
    deliveryWhere(tenantId, subscriptionId, filter),
    DELIVERY_ORDER,
    window,
  );

export const countDeliveries = (
  db: Queryable,
  tenantId: string,
  subscriptionId: string,
  filter: WebhookDeliveryFilter,
) => countOf(db, webhookDeliveries, deliveryWhere(tenantId, subscriptionId, filter));

export const deliveriesByIds = (db: Queryable, tenantId: string, ids: readonly string[]) =>
  db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.tenantId, tenantId), anyOf(webhookDeliveries.id, ids)));

export const insertDeliveries = async (tx: Queryable, rows: (typeof webhookDeliveries.$inferInsert)[]) => {
  if (rows.length > 0) await tx.insert(webhookDeliveries).values(rows).onConflictDoNothing();
};

/** PENDING again, due now, with a fresh retry schedule; returns the rows redelivered. */
export const redeliver = (tx: Queryable, where: SQL) =>
  tx
    .update(webhookDeliveries)
    .set({ status: 'PENDING', scheduleStep: 0, nextAttemptAt: sql`now()`, deliveredAt: null })
    .where(where)
    .returning();

export const failedDeliveriesOf = (tenantId: string, subscriptionId: string, since: Date | null | undefined) =>
  and(
    eq(webhookDeliveries.tenantId, tenantId),
    eq(webhookDeliveries.subscriptionId, subscriptionId),
    eq(webhookDeliveries.status, 'FAILED'),
    since ? gte(webhookDeliveries.createdAt, since) : undefined,
  )!;

export const attemptsOfDeliveries = (db: Queryable, tenantId: string, deliveryIds: readonly string[]) =>
  db
    .select()
    .from(webhookAttempts)
    .where(and(eq(webhookAttempts.tenantId, tenantId), anyOf(webhookAttempts.deliveryId, deliveryIds)))
    .orderBy(asc(webhookAttempts.deliveryId), asc(webhookAttempts.attemptedAt)) as Promise<WebhookAttemptRow[]>;
