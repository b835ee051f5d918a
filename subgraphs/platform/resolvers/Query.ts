import { pageWindow, timeKey, toConnection } from '../../../lib/pagination.js';
import { orderedConnection } from '../../../lib/list-connection.js';
import { auditOrders, countApiKeys, countAuditEntries, listApiKeys, listAuditEntries } from '../db/queries.js';
import type { AuditEntryRow } from '../db/schema.js';
import { eventPage } from '../event-log.js';
import { countSubscriptions, listSubscriptions } from '../db/webhook-queries.js';
import { deliveryPage } from '../webhooks/delivery-log.js';
import { webhookEventTypes } from '../webhooks/payloads.js';
import type { QueryResolvers } from '../generated/resolvers.js';

const auditCursor: Record<keyof typeof auditOrders, (e: AuditEntryRow) => string> = {
  OCCURRED_AT: (e) => timeKey(e.occurredAt),
  UPDATED_AT: (e) => timeKey(e.recordedAt),
};

export const Query: QueryResolvers = {
  events: (_, args, ctx) => eventPage(ctx, args),

  apiKeys: async (_, args, ctx) => {
    const window = pageWindow(args);
    const rows = await listApiKeys(ctx.database.db, ctx.tenantId, window);
    return toConnection(
      rows,
      window,
      (k) => ({ value: timeKey(k.createdAt), id: k.id }),
      () => countApiKeys(ctx.database.db, ctx.tenantId),
    );
  },

  webhookSubscriptions: async (_, args, ctx) => {
    const window = pageWindow(args);
    const rows = await listSubscriptions(ctx.database.db, ctx.tenantId, window);
    return toConnection(
      rows,
      window,
      (s) => ({ value: timeKey(s.createdAt), id: s.id }),
      () => countSubscriptions(ctx.database.db, ctx.tenantId),
    );
  },
  webhookEventTypes: () => webhookEventTypes(),
  webhookDeliveries: (_, args, ctx) => deliveryPage(ctx, args),

  auditLog: (_, args, ctx) =>
    orderedConnection({ ...args, orderBy: args.orderBy ?? { field: 'OCCURRED_AT', direction: 'DESC' } }, ctx, {
      orders: auditOrders,
      fallback: 'OCCURRED_AT',
      cursor: auditCursor,
      list: listAuditEntries,
      count: countAuditEntries,
      sync: { field: 'UPDATED_AT', updatedAt: (e) => e.recordedAt },
    }),
};
