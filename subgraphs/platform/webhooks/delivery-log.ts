import { pageWindow, timeKey, toConnection, type Connection } from '../../../lib/pagination.js';
import { isUuid } from '../../../lib/ids.js';
import type { PlatformContext } from '../context.js';
import type { WebhookDeliveryRow } from '../db/schema.js';
import { countDeliveries, listDeliveries } from '../db/webhook-queries.js';
import type { QueryWebhookDeliveriesArgs } from '../generated/resolvers.js';

/** A subscription's deliveries, newest first; an unknown subscription (or another tenant's) has none. */
export async function deliveryPage(
  ctx: Pick<PlatformContext, 'tenantId' | 'database'>,
  args: QueryWebhookDeliveriesArgs,
): Promise<Connection<WebhookDeliveryRow>> {
  const window = pageWindow(args);
  const filter = args.filter ?? {};
  if (!isUuid(args.subscriptionId))
    return toConnection<WebhookDeliveryRow>(
      [],
      window,
      (d) => ({ value: '', id: d.id }),
      async () => 0,
    );
  const { db } = ctx.database;
  const rows = await listDeliveries(db, ctx.tenantId, args.subscriptionId, filter, window);
  return toConnection(
    rows,
    window,
    (d) => ({ value: timeKey(d.createdAt), id: d.id }),
    () => countDeliveries(db, ctx.tenantId, args.subscriptionId, filter),
  );
}
